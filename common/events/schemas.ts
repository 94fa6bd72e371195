/**
 * The event contract of DESIGN.md ("Events on Kafka") as zod schemas: the
 * CloudEvents 1.0 envelope and the `data` of every event type. Ingest, the
 * importers and the tests all validate against these, so there is one contract.
 */
import { z } from 'zod';

const id = z.string().min(1, 'must not be empty').max(512, 'is longer than 512 characters');
const userIds = z.array(id);
const conversationType = z.enum(['channel', 'private', 'dm', 'group_dm']);

/** Attachment metadata; the file itself is never on the wire. Only the name is required. */
const attachment = z.object({
  name: z.string().max(4096),
  mime: z.string().max(255).optional(),
  size: z.number().int().nonnegative().optional(),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits').optional(),
});

export const messageData = {
  'message.created': z.object({
    message_id: id,
    conversation_id: id,
    conversation_type: conversationType,
    thread_id: id.optional(),
    author_id: id,
    text: z.string(),
    mentions: userIds.optional(),
    attachments: z.array(attachment).optional(),
  }),
  'message.edited': z.object({ message_id: id, conversation_id: id, editor_id: id, text: z.string() }),
  'message.deleted': z.object({ message_id: id, conversation_id: id, deleted_by: id }),
  'reaction.added': z.object({ message_id: id, conversation_id: id, user_id: id, emoji: z.string().min(1).max(255) }),
  'reaction.removed': z.object({ message_id: id, conversation_id: id, user_id: id, emoji: z.string().min(1).max(255) }),
  'call.started': z.object({ call_id: id, conversation_id: id, initiator_id: id, kind: z.enum(['audio', 'video', 'screen_share']) }),
  'call.ended': z.object({ call_id: id, conversation_id: id, participants: userIds, duration_s: z.number().int().nonnegative().max(4_294_967_295) }),
  'app.invoked': z.object({ app_id: id, user_id: id, conversation_id: id, command: z.string().max(65536) }),
} as const;

const userProfile = z.object({
  user_id: id,
  email: z.string().max(320),
  display_name: z.string().max(1024),
  department: z.string().max(1024).optional(),
  manager_id: id.optional(),
  title: z.string().max(1024).optional(),
});
const byUser = z.object({ user_id: id, by: id });
const conversationBy = z.object({ conversation_id: id, by: id });
const membership = z.object({ conversation_id: id, user_id: id, by: id });
const auth = z.object({ user_id: id, ip: z.string().max(64), user_agent: z.string().max(4096), method: z.string().max(255) });
const appBy = z.object({ app_id: id, by: id });

export const adminData = {
  'user.created': userProfile,
  'user.updated': userProfile,
  'user.deactivated': byUser,
  'user.reactivated': byUser,
  'conversation.created': z.object({ conversation_id: id, name: z.string().max(1024), conversation_type: conversationType, created_by: id }),
  'conversation.renamed': z.object({ conversation_id: id, name: z.string().max(1024), by: id }),
  'conversation.archived': conversationBy,
  'conversation.unarchived': conversationBy,
  'member.joined': membership,
  'member.left': membership,
  'role.changed': z.object({ user_id: id, role: z.string().min(1).max(255), by: id }),
  'auth.login': auth,
  'auth.failed': auth,
  'auth.mfa_enrolled': auth,
  'app.installed': appBy,
  'app.removed': appBy,
} as const;

export type MessageEventType = keyof typeof messageData;
export type AdminEventType = keyof typeof adminData;
export type EventType = MessageEventType | AdminEventType;

export const dataSchemas: Record<EventType, z.ZodObject> = { ...messageData, ...adminData };
export const MESSAGE_EVENT_TYPES = Object.keys(messageData) as MessageEventType[];
export const ADMIN_EVENT_TYPES = Object.keys(adminData) as AdminEventType[];
export const EVENT_TYPES = [...MESSAGE_EVENT_TYPES, ...ADMIN_EVENT_TYPES];

export type EventData<T extends EventType> = z.infer<(typeof dataSchemas)[T]>;

/** A CloudEvent as it travels on Kafka, before validation (producers, importers, tests). */
export interface WireEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  tenant: string;
  data: Record<string, unknown>;
  [extension: string]: unknown;
}

/** Tenant ids appear in URL paths and file names, so they are kept to a safe alphabet. */
export const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** RFC 3339 date-time: full date, time, optional fraction, and a required offset. */
export const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export const envelope = z.object({
  specversion: z.literal('1.0', { error: 'must be "1.0"' }),
  id,
  source: z.string().min(1, 'must not be empty').max(1024),
  type: z.string().min(1, 'must not be empty'),
  time: z.string({ error: 'must be an RFC 3339 date-time string' }),
  tenant: z.string({ error: 'is required' }).regex(TENANT_PATTERN, 'must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}'),
  datacontenttype: z.string().regex(/^application\/(.+\+)?json(;.*)?$/, 'must be a JSON media type').optional(),
  data: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
});

/** Envelope attributes this contract knows; anything else is a CloudEvents extension, kept in `extra`. */
export const ENVELOPE_KEYS = new Set(['specversion', 'id', 'source', 'type', 'time', 'tenant', 'datacontenttype', 'data', 'subject', 'dataschema']);
