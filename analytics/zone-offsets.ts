/**
 * A time zone as the UTC offsets it had from each transition on, computed with the
 * platform's IANA database (Intl). ClickHouse takes a zone only as a constant, so the
 * views find an event's offset in these rows (migrations/0009) instead.
 */

/** Offsets are looked for between these years: wide enough for any archive, small enough to compute at once (~0.1 s). */
const FIRST_YEAR = 1990;
const LAST_YEAR = 2080;
const HOUR = 3_600_000;

export interface OffsetSpan {
  /** Epoch ms from which `offsetS` holds. */
  fromMs: number;
  /** Local time minus UTC, in seconds. */
  offsetS: number;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function offsetReader(zone: string): (ms: number) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  return (ms: number) => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return Math.round((local - Math.floor(ms / 1000) * 1000) / 1000);
  };
}

/** The spans of `zone` from FIRST_YEAR to LAST_YEAR; the first starts at FIRST_YEAR. Transitions found to the second. */
export function zoneOffsets(zone: string): OffsetSpan[] {
  const offsetAt = offsetReader(zone);
  const start = Date.UTC(FIRST_YEAR, 0, 1);
  const end = Date.UTC(LAST_YEAR, 0, 1);
  const spans: OffsetSpan[] = [{ fromMs: start, offsetS: offsetAt(start) }];
  // Steps of a day; a change within a step is narrowed down to the second.
  const step = 24 * HOUR;
  let prevMs = start;
  let prev = spans[0]!.offsetS;
  for (let ms = start + step; ms <= end; ms += step) {
    const now = offsetAt(ms);
    if (now === prev) {
      prevMs = ms;
      continue;
    }
    let lo = prevMs;
    let hi = ms;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetAt(mid) === prev) lo = mid;
      else hi = mid;
    }
    spans.push({ fromMs: hi, offsetS: offsetAt(hi) });
    prev = spans[spans.length - 1]!.offsetS;
    prevMs = ms;
  }
  return spans;
}
