import { RFC3339 } from './schemas.js';

/**
 * Parses an RFC 3339 date-time with any offset to epoch milliseconds (UTC),
 * truncating sub-millisecond digits. Returns undefined for anything that is not a
 * real instant (Feb 30, hour 24, leap second 60: ClickHouse cannot store those).
 */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number((frac.slice(1) + '00').slice(0, 3)) : 0;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) || check.getUTCMinutes() !== Number(mi) || check.getUTCSeconds() !== Number(s)
  ) {
    return undefined;
  }
  let offsetMin = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone![0] === '-' ? -1 : 1;
    const oh = Number(zone!.slice(1, 3));
    const om = Number(zone!.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  const utc = local - offsetMin * 60_000;
  // DateTime64(3) holds 1900..2299; keep well inside it.
  if (utc < Date.UTC(1970, 0, 1) || utc > Date.UTC(2200, 0, 1)) return undefined;
  return utc;
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;
const pad3 = (n: number): string => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

/**
 * ClickHouse DateTime64(3, 'UTC') text form: `YYYY-MM-DD hh:mm:ss.sss`. Built from
 * the UTC fields rather than toISOString(): it runs once per ingested event.
 */
export function toStoreTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad3(d.getUTCMilliseconds())}`;
}

/** Store time back to RFC 3339 UTC. */
export function fromStoreTime(text: string): string {
  return text.replace(' ', 'T') + (text.includes('.') ? '' : '.000') + 'Z';
}
