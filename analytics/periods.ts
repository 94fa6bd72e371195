/**
 * Local days, ISO weeks (Monday first) and months of a range, as the API's x axis.
 */
export type Period = 'day' | 'week' | 'month';

const DAY = 86_400_000;

/** 'YYYY-MM-DD' -> epoch ms of that date at 00:00 UTC. */
export const dateMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);
export const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The first day of the period holding `date`: itself, the Monday of its ISO week, the 1st of its month. */
export function periodStart(date: string, period: Period): string {
  if (period === 'day') return date;
  if (period === 'month') return `${date.slice(0, 7)}-01`;
  const ms = dateMs(date);
  const isoDay = ((new Date(ms).getUTCDay() + 6) % 7); // 0 = Monday
  return dateOf(ms - isoDay * DAY);
}

/** The period starts from `from` to `to` (inclusive dates), in order. */
export function periodStarts(from: string, to: string, period: Period): string[] {
  const out: string[] = [];
  for (let ms = dateMs(from); ms <= dateMs(to); ms += DAY) {
    const p = periodStart(dateOf(ms), period);
    if (out[out.length - 1] !== p) out.push(p);
  }
  return out;
}
