/**
 * Date modifiers (`before:`, `after:`, `on:`, `during:`) as half-open UTC ranges
 * [from, to) of whole local days, months or years in a time zone (IANA name).
 * `on:` and `during:` take the period itself; `before:` ends where the period
 * starts; `after:` starts where the period ends (Slack's meaning: `after:2026-10-02`
 * begins on October 3).
 */
import { QuerySyntaxError, type Span } from './ast.js';
import { isTimeZone, zoneOffsetReader } from '../../time-zones.js';

export interface Period { from: number; to: number }

const FORM = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** Offset (ms) of `zone` at the UTC instant `t`: local wall time minus UTC. */
function offsetAt(zone: string, t: number): number {
  return zoneOffsetReader(zone)(t);
}

const DAY_MS = 86_400_000;

/**
 * The UTC instant local date (y, m0, d) starts at in `zone`: the first instant whose
 * local date it is. Each offset in force the day before, that day or the day after is
 * tried; one that maps back to midnight is that midnight (the earliest, if a fall-back
 * repeats it). Where midnight is skipped (Santiago and Havana spring forward at 00:00)
 * none does, and the day starts at the transition: the earliest instant whose local
 * time is past midnight.
 */
export function localMidnight(zone: string, y: number, m0: number, d: number): number {
  const wall = Date.UTC(y, m0, d);
  const offset = zoneOffsetReader(zone);
  const instants = [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((t) => wall - offset(t)))].sort((a, b) => a - b);
  const exact = instants.find((t) => t + offset(t) === wall);
  return exact ?? instants.find((t) => t + offset(t) > wall) ?? wall - offset(wall);
}

export { isTimeZone };

/** Today's date in `zone` as [y, m0, d]. */
function today(zone: string, now: number): [number, number, number] {
  const t = now + offsetAt(zone, now);
  const d = new Date(t);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}

export function periodOf(value: string, zone: string, span: Span, now = Date.now()): Period {
  const v = value.toLowerCase();
  if (v === 'today' || v === 'yesterday') {
    const [y, m, d] = today(zone, now);
    const day = v === 'today' ? d : d - 1;
    return { from: localMidnight(zone, y, m, day), to: localMidnight(zone, y, m, day + 1) };
  }
  const m = FORM.exec(value);
  const bad = () => new QuerySyntaxError(`"${value}" is not a date: use 2026-10-02, 2026-10, 2026, today or yesterday`, span.start, span.end);
  if (!m) throw bad();
  const y = Number(m[1]);
  if (y < 1970 || y > 2199) throw bad();
  if (m[2] === undefined) return { from: localMidnight(zone, y, 0, 1), to: localMidnight(zone, y + 1, 0, 1) };
  const mo = Number(m[2]) - 1;
  if (mo < 0 || mo > 11) throw bad();
  if (m[3] === undefined) return { from: localMidnight(zone, y, mo, 1), to: localMidnight(zone, y, mo + 1, 1) };
  const d = Number(m[3]);
  if (d < 1 || new Date(Date.UTC(y, mo, d)).getUTCMonth() !== mo) throw bad();
  return { from: localMidnight(zone, y, mo, d), to: localMidnight(zone, y, mo, d + 1) };
}

/** The range a date modifier selects: a lower bound, an upper bound, or both. */
export function dateRange(name: 'before' | 'after' | 'on' | 'during', value: string, zone: string, span: Span, now?: number): { from?: number; to?: number } {
  const p = periodOf(value, zone, span, now);
  if (name === 'before') return { to: p.from };
  if (name === 'after') return { from: p.to };
  return { from: p.from, to: p.to };
}
