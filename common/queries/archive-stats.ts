/**
 * What the archive holds for one tenant: the first thing a compliance officer asks.
 * Shared by `custos stats` and GET /v1/tenants/{tenant}/archive/stats.
 *
 * A message is identified by (conversation_id, message_id): platforms such as Slack
 * only make message ids unique within a conversation. Counts use uniqExact on event
 * ids so they are exact even before ReplacingMergeTree has merged anything.
 *
 * Restricted records (an erased person's records a legal hold keeps, GDPR Art. 18:
 * stored, not processed; common/queries/restricted.ts) are left out of every count and
 * of the time span, and `restricted` says how many records of each family were left
 * out: statistics are processing, and only the hold's case may process them. A tenant
 * without restrictions (nearly all) pays one read of the empty restriction list.
 */
import type { Store } from '../store/store.js';
import { EVENT_TABLES } from '../events/rows.js';
import { fromStoreTime } from '../events/time.js';
import { notRestrictedRow } from './restricted.js';

/** Records left out of the counts because a hold keeps them restricted, per family (distinct records). */
export interface RestrictedCounts {
  messages: number;
  calls: number;
  app_invocations: number;
}

export interface ArchiveStats {
  tenant: string;
  messages: number;
  message_versions: number;
  edited_messages: number;
  deleted_messages: number;
  reactions: number;
  reaction_events: number;
  calls: number;
  app_invocations: number;
  admin_events: number;
  users: number;
  conversations: number;
  first_event_time: string | null;
  last_event_time: string | null;
  events: number;
  sources: Record<string, number>;
  event_types: Record<string, number>;
  restricted: RestrictedCounts;
}

const n = (v: unknown): number => Number(v ?? 0);

/** The rows of `table` the statistics count: the tenant's, less restricted records when the tenant has any. */
type RowFilter = (table: string) => string;

function rowFilter(restricted: boolean): RowFilter {
  return (table) => `tenant = {tenant:String}${restricted ? ` AND ${notRestrictedRow(table)}` : ''}`;
}

async function restrictedCounts(store: Store, tenant: string): Promise<RestrictedCounts> {
  const rows = await store.query<{ family: string; n: string }>('stats: restricted',
    'SELECT family, uniqExact(conversation_id, record_id) AS n FROM restricted_records WHERE tenant = {tenant:String} GROUP BY family', { tenant });
  const of = (f: string) => n(rows.find((r) => r.family === f)?.n);
  return { messages: of('messages'), calls: of('calls'), app_invocations: of('app_invocations') };
}

interface TableRow { tbl: string; events: string; first: string | null; last: string | null }
interface SourceRow { source: string; events: string }

async function perTable(store: Store, tenant: string, w: RowFilter): Promise<TableRow[]> {
  const parts = EVENT_TABLES.map(
    (t) => `SELECT '${t}' AS tbl, uniqExact(event_id) AS events, if(count() = 0, NULL, min(time)) AS first, if(count() = 0, NULL, max(time)) AS last FROM ${t} WHERE ${w(t)}`,
  );
  return store.query<TableRow>('stats: per table', parts.join(' UNION ALL '), { tenant });
}

async function perSource(store: Store, tenant: string, w: RowFilter): Promise<SourceRow[]> {
  const parts = EVENT_TABLES.map((t) => `SELECT source, event_id FROM ${t} WHERE ${w(t)}`);
  return store.query<SourceRow>('stats: per source', `SELECT source, uniqExact(event_id) AS events FROM (${parts.join(' UNION ALL ')}) GROUP BY source ORDER BY source`, { tenant });
}

async function perType(store: Store, tenant: string, w: RowFilter): Promise<Array<{ type: string; events: string }>> {
  return store.query('stats: per type', `
    SELECT type, events FROM (
      SELECT concat('message.', toString(kind)) AS type, uniqExact(event_id) AS events FROM message_versions WHERE ${w('message_versions')} GROUP BY kind
      UNION ALL SELECT 'message.deleted', uniqExact(event_id) FROM message_deletions WHERE ${w('message_deletions')} HAVING count() > 0
      UNION ALL SELECT concat('reaction.', toString(action)), uniqExact(event_id) FROM reactions WHERE ${w('reactions')} GROUP BY action
      UNION ALL SELECT concat('call.', toString(phase)), uniqExact(event_id) FROM calls WHERE ${w('calls')} GROUP BY phase
      UNION ALL SELECT 'app.invoked', uniqExact(event_id) FROM app_invocations WHERE ${w('app_invocations')} HAVING count() > 0
      UNION ALL SELECT type, uniqExact(event_id) FROM admin_events WHERE ${w('admin_events')} GROUP BY type
    ) ORDER BY type`, { tenant });
}

interface EntityRow {
  messages: string; edited: string; deleted: string; reactions: string; calls: string; users: string; conversations: string;
}

async function entities(store: Store, tenant: string, w: RowFilter): Promise<EntityRow> {
  const [row] = await store.query<EntityRow>('stats: entities', `
    SELECT
      (SELECT uniqExact(conversation_id, message_id) FROM message_versions WHERE ${w('message_versions')}) AS messages,
      (SELECT uniqExact(conversation_id, message_id) FROM message_versions WHERE ${w('message_versions')} AND kind = 'edited') AS edited,
      (SELECT uniqExact(conversation_id, message_id) FROM message_deletions WHERE ${w('message_deletions')}) AS deleted,
      (SELECT countIf(last = 'added') FROM (
          SELECT argMax(action, (time, event_id)) AS last FROM reactions WHERE ${w('reactions')}
          GROUP BY conversation_id, message_id, user_id, emoji)) AS reactions,
      (SELECT uniqExact(call_id) FROM calls WHERE ${w('calls')}) AS calls,
      (SELECT uniqExact(u) FROM (
          SELECT author_id AS u FROM message_versions WHERE ${w('message_versions')} AND kind = 'created'
          UNION ALL SELECT user_id FROM admin_events WHERE ${w('admin_events')} AND user_id != ''
            AND type IN ('user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'role.changed'))) AS users,
      (SELECT uniqExact(c) FROM (
          SELECT conversation_id AS c FROM message_versions WHERE ${w('message_versions')}
          UNION ALL SELECT conversation_id FROM admin_events WHERE ${w('admin_events')} AND conversation_id != ''
          UNION ALL SELECT conversation_id FROM calls WHERE ${w('calls')}
          UNION ALL SELECT conversation_id FROM app_invocations WHERE ${w('app_invocations')})) AS conversations`, { tenant });
  return row!;
}

export async function getArchiveStats(store: Store, tenant: string): Promise<ArchiveStats> {
  const restricted = await restrictedCounts(store, tenant);
  const w = rowFilter(restricted.messages + restricted.calls + restricted.app_invocations > 0);
  const tables = await perTable(store, tenant, w);
  const sources = await perSource(store, tenant, w);
  const types = await perType(store, tenant, w);
  const e = await entities(store, tenant, w);
  const by = Object.fromEntries(tables.map((t) => [t.tbl, t]));
  const firsts = tables.map((t) => t.first).filter((x): x is string => !!x).sort();
  const lasts = tables.map((t) => t.last).filter((x): x is string => !!x).sort();
  return {
    tenant,
    messages: n(e.messages),
    message_versions: n(by.message_versions?.events),
    edited_messages: n(e.edited),
    deleted_messages: n(e.deleted),
    reactions: n(e.reactions),
    reaction_events: n(by.reactions?.events),
    calls: n(e.calls),
    app_invocations: n(by.app_invocations?.events),
    admin_events: n(by.admin_events?.events),
    users: n(e.users),
    conversations: n(e.conversations),
    first_event_time: firsts.length ? fromStoreTime(firsts[0]!) : null,
    last_event_time: lasts.length ? fromStoreTime(lasts[lasts.length - 1]!) : null,
    events: tables.reduce((s, t) => s + n(t.events), 0),
    sources: Object.fromEntries(sources.map((s) => [s.source, n(s.events)])),
    event_types: Object.fromEntries(types.map((t) => [t.type, n(t.events)])),
    restricted,
  };
}
