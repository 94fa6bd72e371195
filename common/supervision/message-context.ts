/**
 * The store side of `ContextSource` (flagging.ts): the creation of edited messages
 * and the authors' departments, read only for messages a lexicon matched. Both
 * reads are bounded by the keys they name (the message_id bloom filter, the
 * directory view grouped by user).
 */
import type { Store } from '../store/store.js';
import type { ContextSource, MessageOrigin } from './flagging.js';

interface OriginRow {
  message_id: string;
  conversation_type: string;
  author_id: string;
  thread_id: string;
  has_attachments: number;
}

export function storeContextSource(store: Store): ContextSource {
  return {
    async originals(tenant, messageIds) {
      const rows = await store.query<OriginRow>(
        'supervision: message origins',
        `SELECT message_id, any(conversation_type) AS conversation_type, any(author_id) AS author_id, any(thread_id) AS thread_id,
                max(length(attachments) > 0) AS has_attachments
         FROM message_versions
         WHERE tenant = {tenant:String} AND kind = 'created' AND message_id IN {ids:Array(String)}
         GROUP BY message_id`,
        { tenant, ids: messageIds },
      );
      return new Map<string, MessageOrigin>(rows.map((r) => [r.message_id, { conversationType: r.conversation_type, authorId: r.author_id, threadId: r.thread_id, hasAttachments: Number(r.has_attachments) === 1 }]));
    },
    async departments(tenant, userIds) {
      const rows = await store.query<{ user_id: string; department: string }>(
        'supervision: author departments',
        'SELECT user_id, department FROM users_current WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)}',
        { tenant, ids: userIds },
      );
      return new Map(rows.filter((r) => r.department !== '').map((r) => [r.user_id, r.department]));
    },
  };
}
