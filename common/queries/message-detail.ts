/**
 * One message with everything the archive knows about it: every version (edits),
 * its deletion, its reactions (history and who reacts now) and its thread.
 */
import type { Store } from '../store/store.js';
import { fromStoreTime } from '../events/time.js';
import {
  firstDeletions, foldReactions, orderVersions, toMessageItem, toMessageVersion,
  type CurrentReaction, type DeletionRow, type MessageItem, type MessageVersion, type ReactionEvent, type ReactionRow, type VersionRow,
} from './message-rows.js';
import { fetchMessageItems, VERSION_COLUMNS } from './message-state.js';
import { NOT_RESTRICTED_MESSAGE } from './restricted.js';

/** Replies listed with a message, at most; a thread longer than this says so (`truncated`). */
export const MAX_THREAD_MESSAGES = 500;

export interface MessageDetail {
  message: MessageItem;
  versions: MessageVersion[];
  deletions: Array<{ event_id: string; time: string; deleted_by: string }>;
  reactions: { current: CurrentReaction[]; history: ReactionEvent[] };
  thread: { root_message_id: string; reply_count: number; truncated: boolean; messages: MessageItem[] } | null;
}

const KEY = 'tenant = {tenant:String} AND message_id = {message:String} AND conversation_id = {conversation:String}';

/** `visibleHolds`: holds whose case the caller serves; a message an erasure restricted under one of them is shown (restricted.ts). */
export async function getMessageDetail(store: Store, tenant: string, conversationId: string, messageId: string, o: { visibleHolds?: string[] } = {}): Promise<MessageDetail | undefined> {
  const params = { tenant, conversation: conversationId, message: messageId, visible_holds: o.visibleHolds ?? [] };
  const [versions, deletions, reactions, restricted] = await Promise.all([
    store.query<VersionRow>('message: versions', `SELECT ${VERSION_COLUMNS} FROM message_versions WHERE ${KEY}`, params),
    store.query<DeletionRow>('message: deletions', `SELECT event_id, time, conversation_id, message_id, deleted_by FROM message_deletions WHERE ${KEY}`, params),
    store.query<ReactionRow>('message: reactions', `SELECT event_id, time, action, user_id, emoji FROM reactions WHERE ${KEY}`, params),
    // A record an erasure left under a legal hold is hidden from every view but the hold's case (restricted.ts).
    store.query<{ n: string; visible: string }>('message: restricted', "SELECT count() AS n, countIf(has({visible_holds:Array(String)}, hold_id)) AS visible FROM restricted_records WHERE tenant = {tenant:String} AND family = 'messages' AND conversation_id = {conversation:String} AND record_id = {message:String}", params),
  ]);
  if (Number(restricted[0]?.n ?? 0) > 0 && Number(restricted[0]?.visible ?? 0) === 0) return undefined;
  const deletion = firstDeletions(deletions).values().next().value;
  const message = toMessageItem(versions, deletion);
  if (!message) return undefined;
  const seen = new Set<string>();
  return {
    message,
    versions: orderVersions(versions).map(toMessageVersion),
    deletions: orderDeletions(deletions).filter((d) => (seen.has(d.event_id) ? false : (seen.add(d.event_id), true))),
    reactions: foldReactions(reactions),
    thread: await getThread(store, tenant, conversationId, message.thread_id ?? messageId, params.visible_holds),
  };
}

function orderDeletions(rows: DeletionRow[]): Array<{ event_id: string; time: string; deleted_by: string }> {
  return [...rows]
    .sort((a, b) => (a.time === b.time ? a.event_id.localeCompare(b.event_id) : a.time < b.time ? -1 : 1))
    .map((d) => ({ event_id: d.event_id, time: fromStoreTime(d.time), deleted_by: d.deleted_by }));
}

/**
 * The thread a message belongs to (root first, then replies oldest first); null when it
 * has none. Restricted messages (restricted.ts) are neither listed nor counted, unless
 * the caller works on the case of the hold that keeps them.
 */
async function getThread(store: Store, tenant: string, conversationId: string, rootId: string, visibleHolds: string[]): Promise<MessageDetail['thread']> {
  const params = { tenant, conversation: conversationId, root: rootId, max: MAX_THREAD_MESSAGES + 1, visible_holds: visibleHolds };
  const refs = await store.query<{ time: string; message_id: string; is_root: number }>('message: thread', `
    SELECT time, message_id, message_id = {root:String} AS is_root FROM message_versions
    WHERE tenant = {tenant:String} AND kind = 'created' AND conversation_id = {conversation:String}
      AND (thread_id = {root:String} OR message_id = {root:String}) AND ${NOT_RESTRICTED_MESSAGE}
    ORDER BY is_root DESC, time, message_id
    LIMIT 1 BY message_id
    LIMIT {max:UInt32}`, params);
  const [count] = await store.query<{ replies: string }>('message: thread size', `
    SELECT uniqExact(message_id) AS replies FROM message_versions
    WHERE tenant = {tenant:String} AND kind = 'created' AND conversation_id = {conversation:String}
      AND thread_id = {root:String} AND message_id != {root:String} AND ${NOT_RESTRICTED_MESSAGE}`, params);
  const replyCount = Number(count?.replies ?? 0);
  if (replyCount === 0) return null;
  const truncated = refs.length > MAX_THREAD_MESSAGES;
  const shown = truncated ? refs.slice(0, MAX_THREAD_MESSAGES) : refs;
  const messages = await fetchMessageItems(store, tenant, shown.map((r) => ({ conversationId, messageId: r.message_id, time: r.time })));
  return { root_message_id: rootId, reply_count: replyCount, truncated, messages };
}
