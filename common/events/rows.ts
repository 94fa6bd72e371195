/**
 * Maps a validated event to the row of the table that stores its family. The
 * column names are the tables' in migrations/0001_event_tables.sql.
 *
 * Rows are built as whole object literals, not by spreading a shared part: this
 * runs once per ingested event and object spread costs several times more.
 */
import type { ValidEvent } from './validate.js';
import { toStoreTime } from './time.js';

export type TableName = 'message_versions' | 'message_deletions' | 'reactions' | 'calls' | 'app_invocations' | 'admin_events';

export const EVENT_TABLES: readonly TableName[] = ['message_versions', 'message_deletions', 'reactions', 'calls', 'app_invocations', 'admin_events'];

const COMMON_COLUMNS = ['tenant', 'event_id', 'source', 'time', 'extra', 'origin'] as const;

/** Insert column order per table: the order toRow builds each row in (a test holds them together). */
export const TABLE_COLUMNS: Record<TableName, readonly string[]> = {
  message_versions: [...COMMON_COLUMNS, 'kind', 'message_id', 'conversation_id', 'conversation_type', 'thread_id', 'author_id', 'text', 'mentions', 'attachments'],
  message_deletions: [...COMMON_COLUMNS, 'message_id', 'conversation_id', 'deleted_by'],
  reactions: [...COMMON_COLUMNS, 'action', 'message_id', 'conversation_id', 'user_id', 'emoji'],
  calls: [...COMMON_COLUMNS, 'phase', 'call_id', 'conversation_id', 'initiator_id', 'call_kind', 'participants', 'duration_s'],
  app_invocations: [...COMMON_COLUMNS, 'app_id', 'user_id', 'conversation_id', 'command'],
  admin_events: [...COMMON_COLUMNS, 'type', 'user_id', 'conversation_id', 'app_id', 'actor_id', 'data'],
};

export interface EventRow {
  tenant: string;
  event_id: string;
  source: string;
  time: string;
  extra: string;
  origin: string;
  [column: string]: unknown;
}

export interface RoutedRow {
  table: TableName;
  row: EventRow;
  /**
   * The row already serialized as a JSONCompactEachRow line in TABLE_COLUMNS order,
   * when it was built off the main thread (ingest/kafka/decode-pool.ts); `row` then
   * holds only tenant, event_id and time for the seen-id check.
   */
  line?: string;
  /** The same line as UTF-8 bytes ending in a newline, a slice of the decode worker's buffer. */
  lineBytes?: Uint8Array;
}

/** One JSONCompactEachRow line of a row, columns in TABLE_COLUMNS order. */
export function toCompactLine(table: TableName, row: EventRow): string {
  return JSON.stringify(TABLE_COLUMNS[table].map((c) => row[c]));
}

type Data = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function attachmentsOf(d: Data): unknown[] {
  const list = d.attachments as Array<Record<string, unknown>> | undefined;
  if (!list || list.length === 0) return [];
  return list.map((a) => ({ name: a.name, mime: str(a.mime), size: typeof a.size === 'number' ? a.size : 0, sha256: str(a.sha256).toLowerCase() }));
}

function messageVersion(e: ValidEvent, d: Data, origin: string): EventRow {
  const created = e.type === 'message.created';
  return {
    tenant: e.tenant, event_id: e.id, source: e.source, time: toStoreTime(e.timeMs), extra: e.extra, origin,
    kind: created ? 'created' : 'edited',
    message_id: d.message_id,
    conversation_id: d.conversation_id,
    conversation_type: created ? d.conversation_type : '',
    thread_id: str(d.thread_id),
    author_id: created ? d.author_id : d.editor_id,
    text: d.text,
    mentions: (d.mentions as string[] | undefined) ?? [],
    attachments: attachmentsOf(d),
  };
}

/** Admin events keep their whole `data`; indexed columns name who/what it is about. */
function adminEvent(e: ValidEvent, d: Data, origin: string): EventRow {
  return {
    tenant: e.tenant, event_id: e.id, source: e.source, time: toStoreTime(e.timeMs), extra: e.extra, origin,
    type: e.type,
    user_id: str(d.user_id),
    conversation_id: str(d.conversation_id),
    app_id: str(d.app_id),
    actor_id: str(d.by ?? d.created_by),
    data: JSON.stringify(d),
  };
}

export function toRow(e: ValidEvent, origin: string): RoutedRow {
  const d = e.data;
  const time = toStoreTime(e.timeMs);
  switch (e.type) {
    case 'message.created':
    case 'message.edited':
      return { table: 'message_versions', row: messageVersion(e, d, origin) };
    case 'message.deleted':
      return {
        table: 'message_deletions',
        row: { tenant: e.tenant, event_id: e.id, source: e.source, time, extra: e.extra, origin, message_id: d.message_id, conversation_id: d.conversation_id, deleted_by: d.deleted_by },
      };
    case 'reaction.added':
    case 'reaction.removed':
      return {
        table: 'reactions',
        row: {
          tenant: e.tenant, event_id: e.id, source: e.source, time, extra: e.extra, origin,
          action: e.type === 'reaction.added' ? 'added' : 'removed', message_id: d.message_id, conversation_id: d.conversation_id, user_id: d.user_id, emoji: d.emoji,
        },
      };
    case 'call.started':
    case 'call.ended': {
      const started = e.type === 'call.started';
      return {
        table: 'calls',
        row: {
          tenant: e.tenant, event_id: e.id, source: e.source, time, extra: e.extra, origin,
          phase: started ? 'started' : 'ended', call_id: d.call_id, conversation_id: d.conversation_id,
          initiator_id: started ? d.initiator_id : '', call_kind: started ? d.kind : '',
          participants: started ? [] : d.participants, duration_s: started ? 0 : d.duration_s,
        },
      };
    }
    case 'app.invoked':
      return {
        table: 'app_invocations',
        row: { tenant: e.tenant, event_id: e.id, source: e.source, time, extra: e.extra, origin, app_id: d.app_id, user_id: d.user_id, conversation_id: d.conversation_id, command: d.command },
      };
    default:
      return { table: 'admin_events', row: adminEvent(e, d, origin) };
  }
}
