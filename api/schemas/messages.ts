/** Request and response schemas of the message routes. */
import { z } from 'zod';
import { isTimeZone } from '../../common/queries/search-query/dates.js';
import { HOLD_ID } from '../../common/holds/hold-model.js';
import { queryObject, booleanField, checkTimeRange, codePoints, cursorField, instantField, limitField, orderField, pageOf, platformId, tenantParam } from './query-fields.js';

export const CONVERSATION_TYPES = ['channel', 'private', 'dm', 'group_dm'] as const;

// `q` is the query language of docs/search.md; its grammar is checked by the parser
// (common/queries/search-query/), which answers a 400 naming the position. What a
// pattern can state is stated: at least one letter or digit (ASCII letters and
// digits, or any non-ASCII character), 1..1000 code points (the `u` flag counts
// code points, as JSON Schema does).
const HAS_WORD_CHARACTER = /[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/u;
const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * The legal hold whose case a search or a read serves: records an erasure restricted
 * under it (DESIGN.md rule 1: hidden from every view but the hold's case) are included.
 */
export const holdField = z.string().regex(HOLD_ID, 'must be a hold id (hold_ and 8 to 40 lowercase letters and digits)')
  .meta({ description: "A legal hold whose case this serves: messages an erasure restricted under it (hidden from everyone else) are included. Restrictions exist only under active holds, so any other id changes nothing", minLength: 13, maxLength: 45 }).optional();

export const messageSearchQuery = queryObject({
  q: z.string().regex(HAS_WORD_CHARACTER, 'must have at least one letter or digit')
    .refine((s) => codePoints(s) <= 1000, 'is longer than 1000 characters')
    .meta({ description: 'Search query (docs/search.md): words (all must match), `OR`, `NOT` or `-word`, parentheses, "exact phrases", prefixes `budg*`, and modifiers `from:` `in:` `to:` `with:` `mentions:` `before:` `after:` `on:` `during:` `has:attachment|reaction|mention` `is:thread|edited|deleted`, which combine with each other and with words under AND, OR, NOT and parentheses (`(from:alice budget) OR mentions:bob`, `NOT has:attachment`). Case- and accent-insensitive unless `accents=exact`. A malformed query is a 400 `invalid-query` with `position` and `end` (UTF-16 offsets in q)', minLength: 1, maxLength: 1000 })
    .optional(),
  match: z.enum(['all', 'any', 'phrase']).default('all').meta({ description: 'all: adjacent words must all match (default); any: adjacent words are alternatives (modifiers still filter); phrase: the whole of q is one phrase, without operators' }),
  accents: z.enum(['fold', 'exact']).default('fold').meta({ description: 'fold (default): `reunion` finds "Réunion"; exact: accents must match as typed (case still ignored)' }),
  tz: z.string().regex(TIME_ZONE, 'must be an IANA time zone name such as Europe/Paris').refine(isTimeZone, 'is not a time zone this server knows')
    .default('UTC').meta({ description: 'IANA time zone of the dates in q (before:, after:, on:, during:); default UTC', minLength: 1, maxLength: 64 }),
  author: platformId('Author (user id) of the message').optional(),
  conversation: platformId('Conversation id').optional(),
  conversation_type: z.enum(CONVERSATION_TYPES).optional(),
  thread: platformId('Thread root message id: the root and its replies').optional(),
  from: instantField('Posted at or after (inclusive)').optional(),
  to: instantField('Posted before (exclusive)').optional(),
  include_deleted: booleanField('Include messages deleted on the platform (default true: a compliance archive keeps them)').default(true),
  has_mentions: booleanField('Only messages that mention someone (true) or no one (false)').optional(),
  mentions: platformId('Only messages that mention this user id').optional(),
  has_attachments: booleanField('Only messages with (true) or without (false) attachments').optional(),
  order: orderField('By the time each message was posted'),
  limit: limitField(200, 50),
  cursor: cursorField.optional(),
  hold: holdField,
}).superRefine(checkTimeRange);

export type MessageSearchQuery = z.output<typeof messageSearchQuery>;

export const messageSearchParams = z.strictObject({ tenant: tenantParam });
export const messageDetailParams = z.strictObject({
  tenant: tenantParam,
  conversationId: platformId('Conversation id'),
  messageId: platformId('Message id (unique within its conversation)'),
});

const time = z.string().meta({ format: 'date-time' });

export const attachmentSchema = z.object({ name: z.string(), mime: z.string(), size: z.number().int(), sha256: z.string() });

export const messageItemSchema = z.object({
  conversation_id: z.string(),
  message_id: z.string(),
  time: time.meta({ description: 'When the message was posted' }),
  conversation_type: z.string(),
  thread_id: z.string().nullable(),
  author_id: z.string(),
  text: z.string().meta({ description: 'Current text (latest version)' }),
  edited: z.boolean(),
  edited_at: time.nullable(),
  version_count: z.number().int(),
  mentions: z.array(z.string()),
  attachments: z.array(attachmentSchema),
  deleted: z.object({ time, deleted_by: z.string() }).nullable(),
});

const rangeSchema = z.object({
  start: z.number().int().meta({ description: 'Offset in UTF-16 code units of `text` (JavaScript string index), inclusive' }),
  end: z.number().int().meta({ description: 'Offset in UTF-16 code units of `text`, exclusive: text.slice(start, end) is the match' }),
});

export const highlightSchema = z.object({
  event_id: z.string(),
  kind: z.enum(['created', 'edited']),
  time: time,
  current: z.boolean().meta({ description: 'This version is the current text (the item\'s `text`)' }),
  text: z.string().meta({ description: 'The text of this version' }),
  ranges: z.array(rangeSchema).meta({ description: 'Matched words and phrases, sorted, not overlapping' }),
}).meta({ description: 'A version of the message that matches the words of q, and where' });

export const messageHitSchema = messageItemSchema.extend({
  highlights: z.array(highlightSchema).meta({ description: 'The versions that match the words of q, oldest first (empty when q has no words)' }),
});

export const messageSearchResponse = pageOf(messageHitSchema);

export const messageDetailResponse = z.object({
  message: messageItemSchema,
  versions: z.array(z.object({ event_id: z.string(), kind: z.enum(['created', 'edited']), time, author_id: z.string(), text: z.string() })),
  deletions: z.array(z.object({ event_id: z.string(), time, deleted_by: z.string() })),
  reactions: z.object({
    current: z.array(z.object({ emoji: z.string(), user_id: z.string(), since: time })),
    history: z.array(z.object({ event_id: z.string(), time, action: z.enum(['added', 'removed']), user_id: z.string(), emoji: z.string() })),
  }),
  thread: z.object({
    root_message_id: z.string(),
    reply_count: z.number().int(),
    truncated: z.boolean(),
    messages: z.array(messageItemSchema),
  }).nullable(),
});
