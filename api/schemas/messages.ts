/** Request and response schemas of the message routes. */
import { z } from 'zod';
import { MAX_QUERY_TOKENS } from '../../common/queries/tokens.js';
import { queryObject, booleanField, checkTimeRange, codePoints, cursorField, instantField, limitField, pageOf, platformId, tenantParam } from './query-fields.js';

export const CONVERSATION_TYPES = ['channel', 'private', 'dm', 'group_dm'] as const;

// Words as common/queries/tokens.ts splits them (ASCII non-alphanumerics separate,
// non-ASCII characters belong to words), so the document can state the bounds as a
// pattern: 1..32 words of 1..200 code points. The `u` flag counts code points, as JSON Schema does.
const SEP = '[\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]';
const WORD = '[^\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]{1,200}';
const QUERY_WORDS = new RegExp(`^${SEP}*${WORD}(?:${SEP}+${WORD}){0,${MAX_QUERY_TOKENS - 1}}${SEP}*$`, 'u');

export const messageSearchQuery = queryObject({
  q: z.string().regex(QUERY_WORDS, `must have 1 to ${MAX_QUERY_TOKENS} words (letters or digits) of at most 200 characters each`)
    .refine((s) => codePoints(s) <= 1000, 'is longer than 1000 characters')
    .meta({ description: 'Words to find (case-insensitive, split at ASCII punctuation and spaces like the index); see `match`', minLength: 1, maxLength: 1000 })
    .optional(),
  match: z.enum(['all', 'any', 'phrase']).default('all').meta({ description: 'all words in one version (default), any of them, or the words as a phrase' }),
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
  limit: limitField(200, 50),
  cursor: cursorField.optional(),
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

export const messageSearchResponse = pageOf(messageItemSchema);

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
