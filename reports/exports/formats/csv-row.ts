/**
 * The CSV rows of one message: one row per version (RFC 4180 fields, quoted only where
 * the RFC requires it). Lists (mentions, attachments, reactions) are JSON in their cell:
 * lossless and unambiguous whatever the names contain, and still readable by a person.
 * Text is written byte-exact, formula-like starts included: see docs/exports.md ("CSV")
 * for why the export does not prefix them.
 */
import type { ExportConversation, ExportMessage } from '../export-record.js';

export const CSV_COLUMNS = [
  'tenant',
  'conversation_id',
  'conversation_name',
  'conversation_type',
  'message_id',
  'version_index',
  'version_kind',
  'is_current_version',
  'version_time',
  'version_by',
  'text',
  'author_id',
  'message_time',
  'thread_id',
  'thread_position',
  'deleted',
  'deleted_at',
  'deleted_by',
  'deletion_event_id',
  'mentions',
  'attachments',
  'reactions_current',
  'reactions_history',
  'context',
  'source',
  'event_id',
  'origin',
] as const;

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** RFC 4180 section 2, rules 5-7: quote a field holding a comma, quote, CR or LF; double its quotes. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(QUOTE, '""')}"` : value;
}

export const CSV_HEADER = CSV_COLUMNS.join(',') + '\r\n';

/** Every row of the message, each ended by CRLF, in version order (at least one). */
export function csvRows(conversation: ExportConversation, m: ExportMessage): string {
  const d = m.deletion;
  // The cells every version row of this message shares, escaped once.
  const head = `${csvField(m.tenant)},${csvField(m.conversation_id)},${csvField(conversation.name)},${csvField(conversation.conversation_type)},${csvField(m.message_id)},`;
  const tail =
    `${csvField(m.author_id)},${csvField(m.time)},${csvField(m.thread_id)},${m.thread_position},` +
    `${d === null ? 'false,,,' : `true,${csvField(d.time)},${csvField(d.deleted_by)},${csvField(d.event_id)}`},` +
    `${csvField(JSON.stringify(m.mentions))},` +
    `${csvField(JSON.stringify(m.attachments.map((a) => ({ name: a.name, mime: a.mime, size: a.size, sha256: a.sha256 }))))},` +
    `${csvField(JSON.stringify(m.reactions.current.map((r) => ({ emoji: r.emoji, user_id: r.user_id }))))},` +
    `${csvField(JSON.stringify(m.reactions.history.map((r) => ({ event_id: r.event_id, time: r.time, action: r.action, user_id: r.user_id, emoji: r.emoji, origin: r.origin }))))},` +
    `${m.context ? 'true' : 'false'},${csvField(m.source)},`;
  // A message always has its created version; one that arrived without (its creation
  // erased, say) still gets one row with empty version cells, so no message is missing.
  if (m.versions.length === 0) return `${head},,,,,,${tail},\r\n`;
  let out = '';
  for (const v of m.versions) {
    out += `${head}${v.index},${csvField(v.kind)},${v.current ? 'true' : 'false'},${csvField(v.time)},${csvField(v.by)},${csvField(v.text)},${tail}${csvField(v.event_id)},${csvField(v.origin)}\r\n`;
  }
  return out;
}
