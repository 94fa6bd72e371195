/** Request and response schemas of the admin event search. */
import { z } from 'zod';
import { ADMIN_EVENT_TYPES } from '../../common/events/schemas.js';
import { queryObject, checkTimeRange, commaList, cursorField, instantField, limitField, pageOf, platformId } from './query-fields.js';

export const adminEventQuery = queryObject({
  type: commaList(ADMIN_EVENT_TYPES, 'Event type, or several separated by commas').optional(),
  user: platformId('User the event is about, or who did it').optional(),
  conversation: platformId('Conversation id').optional(),
  from: instantField('At or after (inclusive)').optional(),
  to: instantField('Before (exclusive)').optional(),
  limit: limitField(200, 50),
  cursor: cursorField.optional(),
}).superRefine(checkTimeRange);

export const adminEventSchema = z.object({
  event_id: z.string(),
  time: z.string().meta({ format: 'date-time' }),
  source: z.string(),
  type: z.string(),
  user_id: z.string().nullable(),
  conversation_id: z.string().nullable(),
  app_id: z.string().nullable(),
  actor_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export const adminEventSearchResponse = pageOf(adminEventSchema);
