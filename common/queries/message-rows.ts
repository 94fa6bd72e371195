/**
 * Row types of the message tables as the store returns them (snake_case, 64-bit
 * integers as strings, DateTime64 as `YYYY-MM-DD hh:mm:ss.sss`), the API shapes,
 * and the small converters between them.
 */
import { fromStoreTime } from '../events/time.js';

export interface VersionRow {
  event_id: string;
  time: string;
  kind: 'created' | 'edited';
  conversation_id: string;
  message_id: string;
  conversation_type: string;
  thread_id: string;
  author_id: string;
  text: string;
  mentions: string[];
  attachments: Array<{ name: string; mime: string; size: string | number; sha256: string }> | Array<[string, string, string | number, string]>;
}

export interface DeletionRow {
  event_id: string;
  time: string;
  conversation_id: string;
  message_id: string;
  deleted_by: string;
}

export interface ReactionRow {
  event_id: string;
  time: string;
  action: 'added' | 'removed';
  user_id: string;
  emoji: string;
}

export interface Attachment {
  name: string;
  mime: string;
  size: number;
  sha256: string;
}

export interface MessageItem {
  conversation_id: string;
  message_id: string;
  /** When the message was posted (its first version). */
  time: string;
  conversation_type: string;
  thread_id: string | null;
  author_id: string;
  /** The current text: the latest version. */
  text: string;
  edited: boolean;
  edited_at: string | null;
  version_count: number;
  mentions: string[];
  attachments: Attachment[];
  deleted: { time: string; deleted_by: string } | null;
}

export interface MessageVersion {
  event_id: string;
  kind: 'created' | 'edited';
  time: string;
  author_id: string;
  text: string;
}

export interface ReactionEvent {
  event_id: string;
  time: string;
  action: 'added' | 'removed';
  user_id: string;
  emoji: string;
}

export interface CurrentReaction {
  emoji: string;
  user_id: string;
  since: string;
}

/** The key that identifies a message: ids are only unique within a conversation. */
export const messageKey = (conversationId: string, messageId: string): string => `${conversationId}\u0000${messageId}`;

export function toAttachment(a: VersionRow['attachments'][number]): Attachment {
  if (Array.isArray(a)) return { name: a[0], mime: a[1], size: Number(a[2]), sha256: a[3] };
  return { name: a.name, mime: a.mime, size: Number(a.size), sha256: a.sha256 };
}

/** Versions in the order they happened; ties broken by event id, duplicates (same event id) dropped. */
export function orderVersions(rows: readonly VersionRow[]): VersionRow[] {
  const seen = new Set<string>();
  return [...rows]
    .sort((a, b) => (a.time === b.time ? (a.kind === b.kind ? a.event_id.localeCompare(b.event_id) : a.kind === 'created' ? -1 : 1) : a.time < b.time ? -1 : 1))
    .filter((r) => (seen.has(r.event_id) ? false : (seen.add(r.event_id), true)));
}

export function toMessageVersion(r: VersionRow): MessageVersion {
  return { event_id: r.event_id, kind: r.kind, time: fromStoreTime(r.time), author_id: r.author_id, text: r.text };
}

/**
 * One message from all its stored versions and its deletion (if any). The first
 * `created` version gives author, conversation type, thread, mentions and
 * attachments; the latest version gives the text. Returns undefined when no
 * `created` version is stored (an edit of a message from before the archive began).
 */
export function toMessageItem(versions: readonly VersionRow[], deletion: DeletionRow | undefined): MessageItem | undefined {
  const ordered = orderVersions(versions);
  const created = ordered.find((v) => v.kind === 'created');
  if (!created) return undefined;
  const latest = ordered[ordered.length - 1]!;
  const edits = ordered.filter((v) => v.kind === 'edited');
  return {
    conversation_id: created.conversation_id,
    message_id: created.message_id,
    time: fromStoreTime(created.time),
    conversation_type: created.conversation_type,
    thread_id: created.thread_id === '' ? null : created.thread_id,
    author_id: created.author_id,
    text: latest.text,
    edited: edits.length > 0,
    edited_at: edits.length > 0 ? fromStoreTime(edits[edits.length - 1]!.time) : null,
    version_count: ordered.length,
    mentions: created.mentions,
    attachments: created.attachments.map(toAttachment),
    deleted: deletion ? { time: fromStoreTime(deletion.time), deleted_by: deletion.deleted_by } : null,
  };
}

/** Reaction history in order, and who reacts with what now (the last event per user and emoji wins). */
export function foldReactions(rows: readonly ReactionRow[]): { history: ReactionEvent[]; current: CurrentReaction[] } {
  const seen = new Set<string>();
  const history = [...rows]
    .sort((a, b) => (a.time === b.time ? a.event_id.localeCompare(b.event_id) : a.time < b.time ? -1 : 1))
    .filter((r) => (seen.has(r.event_id) ? false : (seen.add(r.event_id), true)))
    .map((r) => ({ event_id: r.event_id, time: fromStoreTime(r.time), action: r.action, user_id: r.user_id, emoji: r.emoji }));
  const state = new Map<string, ReactionEvent>();
  for (const e of history) state.set(`${e.user_id}\u0000${e.emoji}`, e);
  const current = [...state.values()]
    .filter((e) => e.action === 'added')
    .map((e) => ({ emoji: e.emoji, user_id: e.user_id, since: e.time }))
    .sort((a, b) => (a.emoji === b.emoji ? a.user_id.localeCompare(b.user_id) : a.emoji.localeCompare(b.emoji)));
  return { history, current };
}

/** The earliest deletion per message (a message deleted twice was deleted at the first). */
export function firstDeletions(rows: readonly DeletionRow[]): Map<string, DeletionRow> {
  const out = new Map<string, DeletionRow>();
  for (const r of rows) {
    const k = messageKey(r.conversation_id, r.message_id);
    const prev = out.get(k);
    if (!prev || r.time < prev.time || (r.time === prev.time && r.event_id < prev.event_id)) out.set(k, r);
  }
  return out;
}
