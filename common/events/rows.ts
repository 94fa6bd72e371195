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
