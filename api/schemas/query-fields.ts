/**
 * Building blocks of the request schemas. Query strings arrive as strings (an array
 * when a parameter is repeated, which these refuse), so numbers, booleans and dates
 * are parsed here, strictly: `limit=1e2`, `include_deleted=yes` or a date without an
 * offset are 400s naming the parameter, never a guess.
 */
import { z } from 'zod';
import { parseRfc3339, toStoreTime } from '../../common/events/time.js';
import { MAX_CURSOR_LENGTH } from '../../common/queries/cursor.js';

/** Platform ids (user, conversation, message, thread): as in the event contract, and no control characters. */
export const platformId = (what: string) =>
  z.string().min(1, 'must not be empty').max(512, 'is longer than 512 characters')
    .regex(/^[^\x00-\x1f\x7f]+$/, 'must not contain control characters')
    .meta({ description: what });

export const limitField = (max = 200, dflt = 50) =>
  z.string().regex(/^[0-9]{1,6}$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1, `must be a whole number from 1 to ${max}`).max(max, `must be a whole number from 1 to ${max}`))
    .optional()
    .transform((v) => v ?? dflt)
    .meta({ description: `Page size, 1..${max} (default ${dflt})` });

export const booleanField = (description: string) =>
  z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true').meta({ description });

/** An RFC 3339 instant (offset required), converted to the store's DateTime64(3) UTC text. */
export const instantField = (description: string) =>
  z.string().max(64, 'must be an RFC 3339 date-time such as 2026-11-24T10:15:00Z')
    .refine((s) => parseRfc3339(s) !== undefined, 'must be an RFC 3339 date-time with an offset, such as 2026-11-24T10:15:00Z')
    .meta({ description, format: 'date-time' })
    .transform((s) => toStoreTime(parseRfc3339(s)!));

export const cursorField = z.string().max(MAX_CURSOR_LENGTH, 'is not a cursor this API issued')
  .meta({ description: 'Opaque cursor from the `next_cursor` of the previous page, with the same filters' });

/**
 * A query-string object that names an unknown parameter in its error (a strict
 * object would report the whole query): `?limt=5` is a 400 with field `limt`.
 */
export const queryObject = <S extends z.ZodRawShape>(shape: S) =>
  z.object(shape).catchall(z.unknown().refine(() => false, { message: 'is not a parameter of this endpoint' }));

export const tenantParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}');

/** `to` must be after `from` when both are given. */
export function checkTimeRange(q: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
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
