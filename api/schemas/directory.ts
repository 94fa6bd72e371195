/** Request and response schemas of the conversation and user directory routes. */
import { z } from 'zod';
import { CONVERSATION_TYPES } from './messages.js';
import { queryObject, booleanField, cursorField, limitField, pageOf, plainText, platformId, tenantOnlyParams, tenantParam } from './query-fields.js';

export { tenantOnlyParams };

const time = z.string().meta({ format: 'date-time' });

export const conversationParams = z.strictObject({ tenant: tenantParam, conversationId: platformId('Conversation id') });
export const userParams = z.strictObject({ tenant: tenantParam, userId: platformId('User id') });

export const conversationListQuery = queryObject({
  conversation_type: z.enum(CONVERSATION_TYPES).optional(),
  archived: booleanField('Only archived (true) or active (false) conversations').optional(),
  limit: limitField(200, 50),
  cursor: cursorField.optional(),
});

export const userListQuery = queryObject({
  department: plainText(1, 1024, 'must be 1 to 1024 characters without control characters').meta({ description: 'Department (exact)' }).optional(),
  active: booleanField('Only active (true) or deactivated (false) users').optional(),
  limit: limitField(200, 50),
  cursor: cursorField.optional(),
});

export const conversationSchema = z.object({
  conversation_id: z.string(),
  name: z.string(),
  conversation_type: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: time.nullable(),
  archived: z.boolean(),
  updated_at: time.nullable(),
  member_count: z.number().int(),
});

export const userSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  display_name: z.string(),
  department: z.string().nullable(),
  manager_id: z.string().nullable(),
  title: z.string().nullable(),
  active: z.boolean(),
  role: z.string().nullable(),
  created_at: time.nullable(),
  updated_at: time.nullable(),
});

const membershipEvent = z.object({
  event_id: z.string(), time, action: z.enum(['joined', 'left']), conversation_id: z.string(), user_id: z.string(), by: z.string().nullable(),
});

export const conversationListResponse = pageOf(conversationSchema);
export const userListResponse = pageOf(userSchema);
export const conversationDetailResponse = z.object({
  conversation: conversationSchema,
  members: z.array(z.object({ user_id: z.string(), since: time })),
  membership_history: z.array(membershipEvent),
});
export const userDetailResponse = z.object({
  user: userSchema,
  conversations: z.array(z.object({ conversation_id: z.string(), since: time })),
  membership_history: z.array(membershipEvent),
});
