/**
 * The first instant whose local date in `zone` is `date` (YYYY-MM-DD), found by
 * bisecting to the second with the platform's time zone database (Intl) alone: the
 * independent answer that tests compare local-midnight arithmetic against.
 */
const HOUR = 3_600_000;

export function localDayStart(zone: string, date: string): number {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const wall = Date.parse(`${date}T00:00:00Z`);
  // Every offset in use lies within ±15 h, so the start is inside this bracket.
  let lo = wall - 15 * HOUR;
  let hi = wall + 15 * HOUR;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (format.format(mid) >= date) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Every date (YYYY-MM-DD) from `from` to `to` inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 24 * HOUR) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Zones whose days start oddly: midnight skipped (Santiago, Havana), half-hour DST (Lord Howe), the date line (Auckland), and a plain one. */
export const AWKWARD_ZONES = ['America/Santiago', 'America/Havana', 'Australia/Lord_Howe', 'Pacific/Auckland', 'Europe/Paris'];
