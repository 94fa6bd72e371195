/** Time formatting shared by the mail formats; every time shown is UTC. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function parseUtc(iso: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an RFC 3339 time: ${JSON.stringify(iso)}`);
  return date;
}

/** RFC 5322 section 3.3 date-time, e.g. `Tue, 24 Nov 2026 10:15:00 +0000`. */
export function rfc5322Date(iso: string): string {
  const d = parseUtc(iso);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** `2026-11-24 10:15:00.123 UTC`: what a reader of a transcript sees. */
export function readableUtc(iso: string): string {
  return `${parseUtc(iso).toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** Always `YYYY-MM-DDTHH:MM:SS.sssZ`, whatever precision the input had. */
export function canonicalUtc(iso: string): string {
  return parseUtc(iso).toISOString();
}
