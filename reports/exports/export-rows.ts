/**
 * Store rows of one page of a conversation (created versions, edits, deletions,
 * reactions) assembled into ExportMessages. Pure: the reading is export-set.ts.
 */
import { fromStoreTime } from '../../common/events/time.js';
import type { ExportMessage, ExportReactionEvent, ExportVersion } from './export-record.js';
import { messageKey, toAttachment, type VersionRow as StoredVersionRow } from '../../common/queries/message-rows.js';

/** A stored message version (the search read model's row) with what an export adds: where it came from. */
export interface VersionRow extends StoredVersionRow {
  source: string;
  origin: string;
}

export interface DeletionRow { event_id: string; time: string; conversation_id: string; message_id: string; deleted_by: string; origin: string }
export interface ReactionRow { event_id: string; time: string; conversation_id: string; message_id: string; action: 'added' | 'removed'; user_id: string; emoji: string; origin: string }

const byTimeThenId = (a: { time: string; event_id: string }, b: { time: string; event_id: string }) =>
  a.time === b.time ? (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0) : a.time < b.time ? -1 : 1;

export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** Distinct rows by event id (a ReplacingMergeTree may hold a duplicate until it merges). */
export function distinctEvents<T extends { event_id: string }>(rows: readonly T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.event_id) ? false : (seen.add(r.event_id), true)));
}

function versionsOf(created: VersionRow, edits: readonly VersionRow[], includeEdits: boolean): ExportVersion[] {
  const all = [created, ...[...edits].sort(byTimeThenId)];
  const versions = all.map((v, index): ExportVersion => ({
    index, kind: index === 0 ? 'created' : 'edited', event_id: v.event_id, time: fromStoreTime(v.time), by: v.author_id, text: v.text, current: index === all.length - 1, origin: v.origin,
  }));
  return includeEdits ? versions : versions.slice(-1);
}

function reactionsOf(rows: readonly ReactionRow[]): ExportMessage['reactions'] {
  // Most messages have none: no map and no sorts for them.
  if (rows.length === 0) return { current: [], history: [] };
  const history: ExportReactionEvent[] = [...rows].sort(byTimeThenId).map((r) => ({ event_id: r.event_id, time: fromStoreTime(r.time), action: r.action, user_id: r.user_id, emoji: r.emoji, origin: r.origin }));
  const now = new Map<string, { emoji: string; user_id: string }>();
  for (const r of history) {
    const k = `${r.emoji}\u0000${r.user_id}`;
    if (r.action === 'added') now.set(k, { emoji: r.emoji, user_id: r.user_id });
    else now.delete(k);
  }
  const current = [...now.values()].sort((a, b) => (a.emoji === b.emoji ? (a.user_id < b.user_id ? -1 : 1) : a.emoji < b.emoji ? -1 : 1));
  return { current, history };
}

export interface PageRows {
  edits: Map<string, VersionRow[]>;
  deletions: Map<string, DeletionRow[]>;
  reactions: Map<string, ReactionRow[]>;
  /** Position of each reply in its thread (1..), and the messages that are thread roots; keys are conversation NUL message id. */
  threadPositions: Map<string, number>;
  roots: Set<string>;
}

/** Page maps are keyed by conversation and message: a batch spans conversations, and ids are unique only within one. */
export function assembleMessage(tenant: string, created: VersionRow, page: PageRows, o: { includeEdits: boolean; context: boolean }): ExportMessage {
  const id = created.message_id;
  const key = messageKey(created.conversation_id, id);
  const deletions = page.deletions.get(key);
  const deletion = deletions ? [...deletions].sort(byTimeThenId)[0] : undefined;
  const isRoot = page.roots.has(key);
  return {
    tenant,
    conversation_id: created.conversation_id,
    message_id: id,
    author_id: created.author_id,
    time: fromStoreTime(created.time),
    thread_id: created.thread_id !== '' ? created.thread_id : isRoot ? id : '',
    thread_position: created.thread_id !== '' && created.thread_id !== id ? (page.threadPositions.get(key) ?? 0) : 0,
    mentions: created.mentions,
    attachments: created.attachments.map(toAttachment),
    versions: versionsOf(created, page.edits.get(key) ?? [], o.includeEdits),
    deletion: deletion ? { event_id: deletion.event_id, time: fromStoreTime(deletion.time), deleted_by: deletion.deleted_by, origin: deletion.origin } : null,
    reactions: reactionsOf(page.reactions.get(key) ?? []),
    context: o.context,
    source: created.source,
  };
}
