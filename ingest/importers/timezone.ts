/**
 * Local wall-clock times (chat logs written in the logger's zone) to UTC, with
 * the IANA zone database that Node's Intl carries: no offsets by hand, so DST is
 * right for every date.
 */
import { CustosError } from '../../common/errors.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Throws a one-line error for a name that is not an IANA time zone. */
export function checkTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new CustosError(`--timezone: "${zone}" is not an IANA time zone name (such as UTC or Europe/Paris)`);
  }
}

/** Offset of `zone` from UTC at the instant `utcMs`, in milliseconds. */
function offsetAt(zone: string, utcMs: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time in `zone`. In the hour a DST change skips,
 * the time is read with the offset before the change; in the hour it repeats, the
 * first (earlier) occurrence is taken.
 */
export function zonedToUtc(zone: string, y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (zone === 'UTC' || zone === 'Etc/UTC') return wall;
  const before = offsetAt(zone, wall - 864e5 / 2);
  const after = offsetAt(zone, wall + 864e5 / 2);
  const candidates = [wall - before, wall - after];
  // Prefer a candidate whose offset is consistent (the wall time really exists with it); earliest first.
  const exact = candidates.filter((c) => offsetAt(zone, c) === wall - c).sort((a, b) => a - b);
  return exact[0] ?? wall - before;
}
