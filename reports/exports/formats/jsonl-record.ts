/**
 * The JSON Lines record of one message. Built field by field in a fixed order, never by
 * spreading the input, so the bytes depend only on the values: a re-run export (after a
 * crash, or by a third party checking the package) writes identical files whatever
 * order the upstream code happened to build its objects in. Parquet uses the same
 * record, so the two cannot disagree on a field.
 */
import type { ExportConversation, ExportMessage } from '../export-record.js';

/** The export record of a message with its conversation's name and type beside the id. */
export type JsonlRecord = ExportMessage & Pick<ExportConversation, 'conversation_type'> & { conversation_name: string };

export function toJsonlRecord(conversation: ExportConversation, m: ExportMessage): JsonlRecord {
  const d = m.deletion;
  return {
    tenant: m.tenant,
    conversation_id: m.conversation_id,
    conversation_name: conversation.name,
    conversation_type: conversation.conversation_type,
    message_id: m.message_id,
    author_id: m.author_id,
    time: m.time,
    thread_id: m.thread_id,
    thread_position: m.thread_position,
    mentions: m.mentions.slice(),
    attachments: m.attachments.map((a) => ({ name: a.name, mime: a.mime, size: a.size, sha256: a.sha256 })),
    versions: m.versions.map((v) => ({ index: v.index, kind: v.kind, event_id: v.event_id, time: v.time, by: v.by, text: v.text, current: v.current, origin: v.origin })),
    deletion: d === null ? null : { event_id: d.event_id, time: d.time, deleted_by: d.deleted_by, origin: d.origin },
    reactions: {
      current: m.reactions.current.map((r) => ({ emoji: r.emoji, user_id: r.user_id })),
      history: m.reactions.history.map((r) => ({ event_id: r.event_id, time: r.time, action: r.action, user_id: r.user_id, emoji: r.emoji, origin: r.origin })),
    },
    context: m.context,
    source: m.source,
  };
}
