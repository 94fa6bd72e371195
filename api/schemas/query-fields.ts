/**
 * Building blocks of the request schemas. The server validates with these and the
 * OpenAPI document is generated from them, so both say the same: every bound here
 * is written so JSON Schema can state it exactly (lengths in code points, as JSON
 * Schema counts them; patterns instead of refinements where a pattern can say it).
 * Query strings arrive as strings (an array when a parameter is repeated, which
 * these refuse), so numbers, booleans and dates are parsed here, strictly:
 * `limit=1e2`, `include_deleted=yes` or a date without an offset are 400s naming
 * the parameter, never a guess.
 */
import { z } from 'zod';
import { toStoreTime } from '../../common/events/time.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { MAX_CURSOR_LENGTH } from '../../common/queries/cursor.js';
import { INSTANT_MAX_LENGTH, INSTANT_PATTERN, INSTANT_RULE, parseInstant } from './instant.js';

/** Code points, as JSON Schema's minLength/maxLength count them (a JS string's length counts UTF-16 units). */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

/**
 * Text of min..max code points without control characters. The bounds are stated as
 * minLength/maxLength, not as a pattern repetition: generators for `{1,1024}` are slow.
 */
export const plainText = (min: number, max: number, message: string) =>
  z.string()
    .regex(/^[^\x00-\x1f\x7f]*$/u, message)
    .refine((s) => codePoints(s) >= min && codePoints(s) <= max, message)
    .meta({ minLength: min, maxLength: max });

/** Platform ids (user, conversation, message, thread): as in the event contract, and no control characters. */
export const platformId = (what: string) =>
  plainText(1, 512, 'must be 1 to 512 characters without control characters').meta({ description: what });

/** `1`..`max` without sign, exponent or leading zero, as a pattern (so the document can state the range for a string parameter). */
export function wholeNumberPattern(max: number): string {
  const digits = String(max);
  const alternatives = digits.length > 1 ? [`[1-9][0-9]{0,${digits.length - 2}}`] : [];
  for (let i = 0; i < digits.length; i++) {
    const low = i === 0 ? 1 : 0;
    const d = Number(digits[i]);
    if (d > low) alternatives.push(`${digits.slice(0, i)}[${low}-${d - 1}]${i < digits.length - 1 ? `[0-9]{${digits.length - i - 1}}` : ''}`);
  }
  alternatives.push(digits);
  return `^(?:${alternatives.join('|')})$`;
}

export const limitField = (max = 200, dflt = 50) =>
  z.string().regex(new RegExp(wholeNumberPattern(max)), `must be a whole number from 1 to ${max}`)
    .meta({ minLength: 1, maxLength: String(max).length })
    .transform(Number)
    .optional()
    .transform((v) => v ?? dflt)
    .meta({ description: `Page size, 1..${max} (default ${dflt})` });

/**
 * The order of a paged list, chosen by the client and applied by the store (a web UI
 * sorting one page would misstate the whole): `newest` first (the default) or `oldest`
 * first, as a reviewer working a queue or an auditor reading a day in order wants. A
 * cursor belongs to the order it was issued for.
 */
export const orderField = (what: string) =>
  z.enum(['newest', 'oldest'], { error: 'must be newest or oldest' })
    .optional()
    .transform((v) => v ?? 'newest')
    .meta({ description: `${what}: newest first (default) or oldest first` });

export const booleanField = (description: string) =>
  z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true').meta({ description });

const instantText = (description: string) =>
  z.string().max(INSTANT_MAX_LENGTH, `must be ${INSTANT_RULE}`)
    .regex(INSTANT_PATTERN, `must be ${INSTANT_RULE}`)
    .meta({ description: `${description}. RFC 3339 with an offset, years 1970 to 2199`, format: 'date-time' });

/** An instant (see ./instant.ts), converted to the store's DateTime64(3) UTC text. */
export const instantField = (description: string) => instantText(description).transform((s) => toStoreTime(parseInstant(s)!));

/** An instant as epoch milliseconds. */
export const instantMsField = (description: string) => instantText(description).transform((s) => parseInstant(s)!);

/** Cursors this API issues are base64url `payload.signature` (common/queries/cursor.ts); anything else cannot be one. */
export const cursorField = z.string()
  .max(MAX_CURSOR_LENGTH, 'is not a cursor this API issued')
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'is not a cursor this API issued')
  .meta({ description: 'Opaque cursor from the `next_cursor` of the previous page, with the same filters', maxLength: MAX_CURSOR_LENGTH });

/**
 * A query-string object that names an unknown parameter in its error (a strict
 * object would report the whole query): `?limt=5` is a 400 with field `limt`.
 */
export const queryObject = <S extends z.ZodRawShape>(shape: S) =>
  z.object(shape).catchall(z.unknown().refine(() => false, { message: 'is not a parameter of this endpoint' }));

export const tenantParam = z.string().regex(TENANT_PATTERN, 'must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}').meta({ description: 'Tenant id', minLength: 1, maxLength: 64 });
export const tenantOnlyParams = z.strictObject({ tenant: tenantParam });

/**
 * A comma-separated list of names from `values` (`type=auth.login,auth.failed`):
 * each at most once, at least one. The document states it as an array of the enum
 * with style form, explode false (see api/openapi.ts, `x-comma-list`).
 */
export const commaList = <T extends string>(values: readonly T[], description: string) => {
  const allowed = new Set<string>(values);
  const message = `must be one or more (comma-separated, each once) of ${values.join(', ')}`;
  return z.string()
    .refine((s) => {
      const parts = s.split(',');
      return parts.every((p) => allowed.has(p)) && new Set(parts).size === parts.length;
    }, message)
    .meta({ description, 'x-comma-list': { items: { type: 'string', enum: [...values] }, minItems: 1, maxItems: values.length, uniqueItems: true } })
    .transform((s) => s.split(',') as T[]);
};

/** `to` must be after `from` when both are given. */
export function checkTimeRange(q: { from?: string | number; to?: string | number }, ctx: z.RefinementCtx): void {
  if (q.from !== undefined && q.to !== undefined && q.to <= q.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  }
}

/** A page answer: items newest first (or by id for directories), the exact total, and the next cursor. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int().nonnegative().meta({ description: 'Exact number of matches for the filters (all pages)' }),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  });
