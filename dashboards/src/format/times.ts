/**
 * Times: the API speaks RFC 3339 UTC; people read their own time zone, with UTC one
 * hover away (the `title` of a <time>). Date filters are whole UTC days, said so in
 * the form labels, so a search means the same for a reviewer in Paris and one in Montreal.
 */

/** "2026-10-01 10:00:00 UTC", to the second; text that is not a time comes back as it was. */
export function formatUtc(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The viewer's (or the given) time zone and locale, date and time to the second. */
export function formatLocal(iso: string, opts: { locale?: string; timeZone?: string } = {}): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(opts.locale, { dateStyle: 'medium', timeStyle: 'medium', ...(opts.timeZone ? { timeZone: opts.timeZone } : {}) }).format(ms);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A date input's value ("2026-10-01") as the instant the API takes: the start of that
 * UTC day, or with `endOfDay` the start of the next one (the API's `to` is exclusive,
 * so "to 1 October" includes the whole day). Undefined for an empty or invalid date.
 */
export function dayToInstant(day: string, endOfDay = false): string | undefined {
  const m = DAY.exec(day);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (endOfDay ? 1 : 0));
  const d = new Date(ms);
  // Date.UTC rolls 2026-02-31 over to March: such a day is not a day.
  if (!endOfDay && d.toISOString().slice(0, 10) !== day) return undefined;
  if (endOfDay && dayToInstant(day) === undefined) return undefined;
  return d.toISOString().replace('.000Z', 'Z');
}

/**
 * A legal deadline's UTC day ("7 Jan 2027"): subject requests are due at the end of a
 * UTC day (docs/subject-requests.md), which a viewer east of UTC would otherwise read
 * as the next day. The exact instant stays on hover.
 */
export function formatUtcDay(iso: string, locale?: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(ms);
}
