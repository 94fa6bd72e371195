/**
 * All stored versions and the deletion of a set of messages, assembled into API
 * items. Used for a page of search results and for a thread: at most a few hundred
 * keys, looked up through the message_id bloom filter and bounded below by the
 * oldest creation time (no version is older than its message).
 */
import type { Store } from '../store/store.js';
import { firstDeletions, messageKey, toMessageItem, type DeletionRow, type MessageItem, type VersionRow } from './message-rows.js';

export interface MessageRef {
  conversationId: string;
  messageId: string;
  /** Store time of the created version, when known: bounds the scan. */
  time?: string;
}

export const VERSION_COLUMNS = 'event_id, time, kind, conversation_id, message_id, conversation_type, thread_id, author_id, text, mentions, attachments';

export async function fetchMessageItems(store: Store, tenant: string, refs: readonly MessageRef[]): Promise<MessageItem[]> {
  return fetchMessageItemsWith(store, tenant, refs, (item) => item);
}

/** The same items, each passed with all its stored versions to `decorate` (search highlights read them). */
export async function fetchMessageItemsWith<T>(store: Store, tenant: string, refs: readonly MessageRef[], decorate: (item: MessageItem, versions: readonly VersionRow[]) => T): Promise<T[]> {
  if (refs.length === 0) return [];
  const keys = refs.map((r) => messageKey(r.conversationId, r.messageId));
  const mids = [...new Set(refs.map((r) => r.messageId))];
  const params: Record<string, unknown> = { tenant, keys, mids };
  const KEY_MATCH = "message_id IN {mids:Array(String)} AND concat(conversation_id, '\\0', message_id) IN {keys:Array(String)}";
  const createdTimes = refs.map((r) => r.time).filter((t): t is string => !!t);
  let versionWhere: string;
  if (createdTimes.length === refs.length) {
    // Creation times are known and edit times come from message_edit_keys (ordered by
    // message id, read as a subquery): every version is then found through the primary
    // key (time IN ...), and the page costs one store query, not three.
    params.created = [...new Set(createdTimes)];
    versionWhere = `(time IN {created:Array(DateTime64(3, 'UTC'))} OR time IN (SELECT time FROM message_edit_keys WHERE tenant = {tenant:String} AND ${KEY_MATCH}))`;
  } else {
    versionWhere = '1';
  }
  // Versions and deletions in one answer (src 'v' / 'd'): one round trip to the store
  // (embedded, it runs one query at a time, so Promise.all gained nothing).
  const rows = await store.query<VersionRow & { src: 'v' | 'd'; deleted_by: string }>('messages: versions and deletions of page', `
    SELECT 'v' AS src, event_id, time, toString(kind) AS kind, conversation_id, message_id, conversation_type, thread_id, author_id, text, mentions, attachments,
      '' AS deleted_by FROM message_versions
    WHERE tenant = {tenant:String} AND ${versionWhere} AND ${KEY_MATCH}
    UNION ALL
    SELECT 'd' AS src, event_id, time, 'created' AS kind, conversation_id, message_id, '' AS conversation_type, '' AS thread_id, '' AS author_id, '' AS text, [] AS mentions, [] AS attachments, deleted_by
    FROM message_deletions WHERE tenant = {tenant:String} AND ${KEY_MATCH}`, params);
  const deletions: DeletionRow[] = rows.filter((r) => r.src === 'd').map((r) => ({ event_id: r.event_id, time: r.time, conversation_id: r.conversation_id, message_id: r.message_id, deleted_by: r.deleted_by }));
  const byKey = new Map<string, VersionRow[]>();
  for (const r of rows) {
    if (r.src !== 'v') continue;
    const { src: _src, deleted_by: _by, ...v } = r;
    const k = messageKey(v.conversation_id, v.message_id);
    (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(v);
  }
  const deleted = firstDeletions(deletions);
  const items: T[] = [];
  for (const k of keys) {
    const versions = byKey.get(k) ?? [];
    const item = toMessageItem(versions, deleted.get(k));
    if (item) items.push(decorate(item, versions));
  }
  return items;
}
