/**
 * Rebuilds a tenant's analytics tables from the archive by running each view's own
 * SELECT (as the store keeps it, system.tables.as_select) over the event tables:
 * the same SQL that keeps them current at insert, so a rebuilt table holds what the
 * live one would have had the views seen every stored event in order. Used after an
 * import, a settings change, or an upgrade that added the views.
 * The tenant's rows go first (synchronously); events stored while a rebuild runs
 * may be counted twice or not at all: run it when ingest of that tenant is quiet.
 * Restricted records (an erased person's records a legal hold keeps, GDPR Art. 18)
 * are left out: the views' record tables are read through a filter that drops them.
 */
import type { Store } from '../common/store/store.js';
import { RESTRICTED_RECORD_TABLES, notRestrictedRow } from '../common/queries/restricted.js';

/** The views in the order they must run: thread roots before the threads that look them up. */
export const ANALYTICS_VIEWS = [
  'analytics_departments_mv',
  'analytics_thread_roots_mv',
  'analytics_messages_mv',
  'analytics_conversations_mv',
  'analytics_threads_mv',
  'analytics_reactions_mv',
  'analytics_call_people_mv',
  'analytics_calls_mv',
  'analytics_apps_mv',
  'analytics_app_people_mv',
] as const;

/** The tables the views write (settings and local time are inputs, never rebuilt). */
export const ANALYTICS_TABLES = ['analytics_departments', 'analytics_person_days', 'analytics_conversation_days', 'analytics_threads', 'analytics_calls', 'analytics_app_days'] as const;

interface ViewRow {
  name: string;
  as_select: string;
  target: string;
}

export class BackfillError extends Error {}

async function viewDefinitions(store: Store): Promise<Map<string, ViewRow>> {
  const rows = await store.query<{ name: string; as_select: string; create_table_query: string }>('analytics: view definitions',
    'SELECT name, as_select, create_table_query FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}', { names: [...ANALYTICS_VIEWS] });
  const out = new Map<string, ViewRow>();
  for (const r of rows) {
    const target = /\bTO\s+(?:`?\w+`?\.)?`?(\w+)`?/.exec(r.create_table_query)?.[1];
    if (!target) throw new BackfillError(`view ${r.name}: cannot read the table it writes to`);
    out.set(r.name, { name: r.name, as_select: r.as_select, target });
  }
  for (const v of ANALYTICS_VIEWS) if (!out.has(v)) throw new BackfillError(`view ${v} is missing: run custos migrate`);
  return out;
}

async function columnsOf(store: Store, table: string): Promise<string[]> {
  const rows = await store.query<{ name: string }>('analytics: view columns',
    'SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {table:String} ORDER BY position', { table });
  return rows.map((r) => r.name);
}

const RECORD_SOURCE = new RegExp(`\\bFROM\\s+(?:\`?\\w+\`?\\.)?\`?(${Object.keys(RESTRICTED_RECORD_TABLES).join('|')})\`?(?:\\s+AS\\s+\`?(\\w+)\`?)?`, 'g');

/**
 * A view's SELECT with each record table it reads replaced by the same table less its
 * restricted rows (under the alias the SELECT gives it). At insert, the views leave out
 * new events that point at a restricted record themselves (migration 0018: reactions,
 * calls, threads); a rebuild reads the whole archive, where the record itself is too.
 */
export function withoutRestricted(asSelect: string): string {
  return asSelect.replace(RECORD_SOURCE, (_m, table: string, alias?: string) =>
    `FROM (SELECT * FROM ${table} WHERE tenant = {tenant:String} AND ${notRestrictedRow(table)}) AS ${alias ?? table}`);
}

export interface BackfillProgress {
  (done: number, total: number, view: string): void;
}

/** Deletes the tenant's analytics rows, then refills every table from the archive, view by view. */
export async function backfillAnalytics(store: Store, tenant: string, o: { signal?: AbortSignal; progress?: BackfillProgress } = {}): Promise<{ views: number }> {
  const views = await viewDefinitions(store);
  for (const table of ANALYTICS_TABLES) {
    await store.command(`analytics backfill: clear ${table}`, `ALTER TABLE ${table} DELETE WHERE tenant = {tenant:String}`, { tenant }, { mutations_sync: '2' });
  }
  await store.command('analytics backfill: clear thread roots', 'DELETE FROM analytics_thread_roots WHERE startsWith(key, {prefix:String})', { prefix: `${tenant}:` });
  let done = 0;
  for (const name of ANALYTICS_VIEWS) {
    if (o.signal?.aborted) throw o.signal.reason;
    const view = views.get(name)!;
    const columns = await columnsOf(store, name);
    // The view's SELECT over the whole archive, narrowed to the tenant (roots carry it in their key).
    const filter = name === 'analytics_thread_roots_mv' ? 'startsWith(key, {prefix:String})' : 'tenant = {tenant:String}';
    await store.command(`analytics backfill: ${name}`,
      `INSERT INTO ${view.target} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM (${withoutRestricted(view.as_select)}) WHERE ${filter}`,
      { tenant, prefix: `${tenant}:` });
    done += 1;
    o.progress?.(done, ANALYTICS_VIEWS.length, name);
  }
  return { views: done };
}
