/**
 * A time zone as the UTC offsets it had from each transition on, computed with the
 * platform's IANA database (Intl). ClickHouse takes a zone only as a constant, so the
 * views find an event's offset in these rows (migrations/0009) instead.
 */
import { isTimeZone, zoneOffsetReader } from '../common/time-zones.js';

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

export { isTimeZone };

/** Offset of `zone` in seconds at a UTC instant (ms). */
function offsetReader(zone: string): (ms: number) => number {
  const read = zoneOffsetReader(zone);
  return (ms: number) => Math.round(read(ms) / 1000);
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
