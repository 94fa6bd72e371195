/**
 * The messages around a flagged one in its conversation, for the reviewer who opens
 * it: `size` before and after by time, each with its latest text. Read by the
 * conversation and a time bound, so it touches only that conversation's rows.
 */
import type { Store } from '../store/store.js';
import { fromStoreTime } from '../events/time.js';

export interface WindowMessage {
  message_id: string;
  time: string;
  author_id: string;
  text: string;
  edited: boolean;
}

export async function conversationWindow(store: Store, tenant: string, conversationId: string, messageId: string, time: string, size: number): Promise<{ before: WindowMessage[]; after: WindowMessage[] }> {
  if (size === 0) return { before: [], after: [] };
  const side = (cmp: '<' | '>=', order: 'DESC' | 'ASC') => store.query<{ message_id: string; time: string; author_id: string; text: string; versions: string }>(
    'supervision: conversation window',
    `SELECT message_id, min(time) AS time, argMin(author_id, time) AS author_id, argMax(text, time) AS text, count() AS versions
     FROM message_versions
     WHERE tenant = {tenant:String} AND conversation_id = {conversation:String} AND message_id IN (
       SELECT message_id FROM message_versions
       WHERE tenant = {tenant:String} AND conversation_id = {conversation:String} AND kind = 'created' AND message_id != {message:String}
         AND time ${cmp} {time:DateTime64(3, 'UTC')}
       ORDER BY time ${order}, message_id ${order} LIMIT {size:UInt32})
     GROUP BY message_id ORDER BY time, message_id`,
    { tenant, conversation: conversationId, message: messageId, time, size },
  );
  const [before, after] = await Promise.all([side('<', 'DESC'), side('>=', 'ASC')]);
  const view = (r: { message_id: string; time: string; author_id: string; text: string; versions: string }): WindowMessage =>
    ({ message_id: r.message_id, time: fromStoreTime(r.time), author_id: r.author_id, text: r.text, edited: Number(r.versions) > 1 });
  return { before: before.map(view), after: after.map(view) };
}
