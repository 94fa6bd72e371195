/**
 * The instants the query API accepts (`from`, `to`), as one regular expression that
 * the server checks and the OpenAPI document publishes, so a generated client never
 * sends a time the server refuses: RFC 3339 with a `T` and an offset, a date that
 * exists (Feb 29 only in leap years), hours 00-23, no leap second (the store cannot
 * hold one), offsets up to ±23:59, years 1970-2199.
 */

const MONTH_DAYS = [
  '(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])',
  '(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)',
  '02-(?:0[1-9]|1[0-9]|2[0-8])',
].join('|');
const YEAR = '(?:19[7-9][0-9]|2[01][0-9]{2})';
// Leap years from 1970 to 2199: divisible by 4, and 2100 is not one.
const LEAP_YEAR = '(?:19(?:7[26]|8[048]|9[26])|20(?:[02468][048]|[13579][26])|21(?:0[48]|[2468][048]|[13579][26]))';
const DATE = `(?:${YEAR}-(?:${MONTH_DAYS})|${LEAP_YEAR}-02-29)`;
const TIME = '(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?';
const OFFSET = '(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])';

export const INSTANT_PATTERN = new RegExp(`^(${DATE})[Tt](${TIME})(${OFFSET})$`);
export const INSTANT_MAX_LENGTH = 64;
export const INSTANT_RULE = 'an RFC 3339 date-time with T and an offset, years 1970 to 2199, such as 2026-11-24T10:15:00Z';

/** Epoch milliseconds (sub-millisecond digits cut), or undefined when the text is not an instant of INSTANT_PATTERN. */
export function parseInstant(text: string): number | undefined {
  if (text.length > INSTANT_MAX_LENGTH) return undefined;
  const m = INSTANT_PATTERN.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = m[1]!.split('-').map(Number) as [number, number, number];
  const [h, mi, sFrac] = m[2]!.split(':') as [string, string, string];
  const [s, frac = ''] = sFrac.split('.');
  const ms = Number((frac + '000').slice(0, 3));
  const zone = m[3]!;
  const offsetMin = zone === 'Z' || zone === 'z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return Date.UTC(y, mo - 1, d, Number(h), Number(mi), Number(s), ms) - offsetMin * 60_000;
}
