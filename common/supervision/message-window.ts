/**
 * The messages around a flagged one in its conversation, for the reviewer who opens
 * it: `size` before and after by time, each with its latest text. Read by the
 * conversation and a time bound, so it touches only that conversation's rows.
 * Restricted messages (an erased person's, kept by a legal hold: common/queries/
 * restricted.ts) are not shown: a reviewer does not work on a hold's case.
 */
import type { Store } from '../store/store.js';
import { fromStoreTime } from '../events/time.js';
import { NOT_RESTRICTED_MESSAGE } from '../queries/restricted.js';

export interface WindowMessage {
  message_id: string;
  time: string;
  author_id: string;
  text: string;
  edited: boolean;
}

/** Aliases differ from the columns: ClickHouse would read `time` inside the aggregates as the alias. */
interface WindowRow {
  message_id: string;
  first_time: string;
  author: string;
  latest_text: string;
  versions: string;
}

export async function conversationWindow(store: Store, tenant: string, conversationId: string, messageId: string, time: string, size: number): Promise<{ before: WindowMessage[]; after: WindowMessage[] }> {
  if (size === 0) return { before: [], after: [] };
  const side = (cmp: '<' | '>=', order: 'DESC' | 'ASC') => store.query<WindowRow>(
    'supervision: conversation window',
    `SELECT message_id, min(time) AS first_time, argMin(author_id, time) AS author, argMax(text, time) AS latest_text, count() AS versions
     FROM message_versions
     WHERE tenant = {tenant:String} AND conversation_id = {conversation:String} AND message_id IN (
       SELECT message_id FROM message_versions
       WHERE tenant = {tenant:String} AND conversation_id = {conversation:String} AND kind = 'created' AND message_id != {message:String}
         AND time ${cmp} {time:DateTime64(3, 'UTC')} AND ${NOT_RESTRICTED_MESSAGE}
       ORDER BY time ${order}, message_id ${order} LIMIT {size:UInt32})
     GROUP BY message_id ORDER BY first_time, message_id`,
    { tenant, conversation: conversationId, message: messageId, time, size, visible_holds: [] },
  );
  const [before, after] = await Promise.all([side('<', 'DESC'), side('>=', 'ASC')]);
  const view = (r: WindowRow): WindowMessage => ({ message_id: r.message_id, time: fromStoreTime(r.first_time), author_id: r.author, text: r.latest_text, edited: Number(r.versions) > 1 });
  return { before: before.map(view), after: after.map(view) };
}
