/**
 * What defines an export set: the message-search filters plus custodians' whole
 * conversations, a context window around hits, edits and deletions in or out, and
 * an as-of time (rows ingested after it are not in the set, so a re-run gives the
 * same package). Validated before a job exists; every field is named on error.
 */
import { HOLD_ID } from '../../common/holds/hold-model.js';
import { z } from 'zod';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { MAX_QUERY_TOKENS, tokenize } from '../../common/queries/tokens.js';
import { AGE_RECIPIENT } from '../packages/encrypt.js';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'eml', 'rsmf', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const id = z.string().min(1).max(512);
const instant = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time with an offset' }).transform((s) => new Date(s).toISOString());
/** ISO 8601 duration in days, hours, minutes, seconds (PT12H, P1D, P1DT6H). */
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export function durationMs(d: string): number {
  const m = DURATION.exec(d);
  if (!m || d === 'P' || d.endsWith('T')) throw new Error(`"${d}" is not an ISO 8601 duration of days, hours, minutes and seconds`);
  const [, days, hours, minutes, seconds] = m.map((x) => Number(x ?? 0));
  return (((days! * 24 + hours!) * 60 + minutes!) * 60 + seconds!) * 1000;
}

export const exportParams = z.object({
  q: z.string().max(1000).optional().refine((q) => q === undefined || (tokenize(q).length > 0 && tokenize(q).length <= MAX_QUERY_TOKENS), `must hold 1 to ${MAX_QUERY_TOKENS} words`),
  custodians: z.array(id).max(1000).default([]),
  conversations: z.array(id).max(1000).default([]),
  conversation_types: z.array(z.enum(['channel', 'private', 'dm', 'group_dm'])).default([]),
  from: instant.optional(),
  to: instant.optional(),
  /** With custodians: every message of each conversation a custodian posted in (within the range). */
  whole_conversations: z.boolean().default(false),
  context: z.object({
    messages: z.number().int().min(0).max(1000).default(0),
    duration: z.string().regex(DURATION, 'must be an ISO 8601 duration such as PT12H or P1D').optional(),
  }).strict().default({ messages: 0 }),
  include_deleted: z.boolean().default(true),
  include_edits: z.boolean().default(true),
  /** Defaults to the time the job was created. */
  as_of: instant.optional(),
  formats: z.array(z.enum(EXPORT_FORMATS)).min(1).default(['jsonl', 'csv', 'eml', 'rsmf', 'parquet']).transform((f) => [...new Set(f)]),
  /** age recipients (age1...): the package ZIP is also written encrypted for them (`<id>.zip.age`), to send by e-mail or USB. */
  /**
   * Legal holds whose case the export serves: messages an erasure restricted under one
   * of them (DESIGN.md rule 1) are exported; every other export leaves them out.
   */
  holds: z.array(z.string().regex(HOLD_ID, 'must be a hold id (hold_ and 8 to 40 lowercase letters and digits)')).max(100).default([]),
  recipients: z.array(z.string().regex(AGE_RECIPIENT, 'must be an age recipient (age1..., as `age-keygen -y` prints it)')).max(20).default([]),
}).strict().refine((p) => !p.from || !p.to || p.from < p.to, { message: 'must be after from', path: ['to'] });

export type ExportParams = z.output<typeof exportParams>;

export function isTenant(t: string): boolean {
  return TENANT_PATTERN.test(t);
}
