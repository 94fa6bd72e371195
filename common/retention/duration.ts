/**
 * ISO 8601 durations of a retention rule (`P7Y`, `P18M`, `P90D`, `P2W`, `P1Y6M`,
 * `PT12H`), applied on the UTC calendar: P1M from 31 January is the last day of
 * February, as a records manager counts it, not 30 days.
 */
const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export interface Duration {
  years: number;
  months: number;
  days: number;
  ms: number;
  /** As written, for receipts and explanations. */
  text: string;
}

export class DurationError extends Error {
  constructor(readonly text: string) {
    super(`"${text}" is not an ISO 8601 duration such as P7Y, P18M, P90D or PT12H`);
    this.name = 'DurationError';
  }
}

export function parseDuration(text: string): Duration {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) throw new DurationError(text);
  const n = (i: number) => Number(m[i] ?? 0);
  const d: Duration = { years: n(1), months: n(2), days: n(3) * 7 + n(4), ms: ((n(5) * 60 + n(6)) * 60 + n(7)) * 1000, text };
  if (d.years > 1000 || d.months > 12_000 || d.days > 400_000) throw new DurationError(text);
  return d;
}

function shiftMonths(t: Date, months: number): Date {
  const y = t.getUTCFullYear();
  const mo = t.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, mo, 1, t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds()));
  // Clamp the day to the target month's length (31 Jan + P1M = 28/29 Feb).
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(t.getUTCDate(), last));
  return target;
}

/** `t` + `d` (sign +1) or `t` - `d` (sign -1) on the UTC calendar. */
export function shift(t: Date, d: Duration, sign: 1 | -1): Date {
  const months = shiftMonths(t, sign * (d.years * 12 + d.months));
  return new Date(months.getTime() + sign * (d.days * 86_400_000 + d.ms));
}

/** Orders durations by how far they reach from `at` (calendar lengths differ). */
export function compareDurations(a: Duration, b: Duration, at: Date): number {
  return shift(at, a, 1).getTime() - shift(at, b, 1).getTime();
}
