/**
 * Which tables retention reaches, read from the registry of personal data
 * (common/registry/personal-data.ts) and checked against the store. No table is named
 * here: an entry is handled by its shape (kind, family, aggregate flag, columns), and
 * an entry this walker cannot handle stops the job (RetentionPlanError) rather than
 * let a table escape retention.
 */
import type { Store } from '../store/store.js';
import { PERSONAL_DATA_REGISTRY, type RegisteredTable, type RetentionFamily } from '../registry/personal-data.js';

export interface TablePlan {
  /** The registry's name (what statements name: a materialized view forwards them to its inner table). */
  table: string;
  /** Where the rows and parts live: the table itself, or a materialized view's inner table. */
  storage: string;
  family: RetentionFamily;
  /** Figures derived from the family (analytics): removed on the cut-off, never held, not counted as records. */
  aggregate: boolean;
  /** A copy of another registered table's rows (lookup view): listed, not counted as records. */
  derived: boolean;
  timeColumn: string;
  columns: ReadonlySet<string>;
  /** Monthly partitions by the time column: whole partitions can be dropped. */
  monthlyPartitions: boolean;
  /** The audit chain: only its expired start goes, behind a signed checkpoint. */
  chain: boolean;
}

export interface SkippedTable {
  table: string;
  why: string;
}

export interface RetentionPlan {
  tables: TablePlan[];
  skipped: SkippedTable[];
}

export class RetentionPlanError extends Error {
  constructor(readonly table: string, readonly why: string) {
    super(`retention cannot handle registered table ${table}: ${why}; the job stops so that nothing is left behind unnoticed (fix the registry entry or teach common/retention/plan.ts)`);
    this.name = 'RetentionPlanError';
  }
}

const INNER = /^\.inner(_id)?\.[0-9a-f-]{36}$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface StoreTable {
  name: string;
  engine: string;
  uuid: string;
  partition_key: string;
  create_table_query: string;
}

function familyOf(entry: RegisteredTable, seen: string[] = []): { family: RetentionFamily; timeColumn: string; aggregate: boolean } | null {
  const r = entry.retention;
  if (r === 'none') return null;
  if (r.family !== 'follows-source') return { family: r.family, timeColumn: r.timeColumn, aggregate: r.aggregate === true };
  if (seen.includes(entry.name)) throw new RetentionPlanError(entry.name, `its sources form a cycle (${[...seen, entry.name].join(' -> ')})`);
  const source = PERSONAL_DATA_REGISTRY.find((t) => t.name === r.source);
  if (!source) throw new RetentionPlanError(entry.name, `follows ${r.source}, which the registry does not name`);
  const f = familyOf(source, [...seen, entry.name]);
  if (!f) throw new RetentionPlanError(entry.name, `follows ${r.source}, which is not under retention`);
  return { ...f, aggregate: false };
}

/** Identifier for SQL: a registered name or a materialized view's inner table, backquoted. */
export function quoted(name: string): string {
  if (!IDENT.test(name) && !INNER.test(name)) throw new RetentionPlanError(name, 'is not a plain table name');
  return `\`${name}\``;
}

export async function planRetention(store: Store, registry: readonly RegisteredTable[] = PERSONAL_DATA_REGISTRY): Promise<RetentionPlan> {
  const tables = await store.query<StoreTable>('retention: tables', 'SELECT name, engine, toString(uuid) AS uuid, partition_key, create_table_query FROM system.tables WHERE database = currentDatabase()');
  const byName = new Map(tables.map((t) => [t.name, t]));
  const columns = await store.query<{ table: string; name: string }>('retention: columns', 'SELECT table, name FROM system.columns WHERE database = currentDatabase()');
  const columnsOf = (t: string) => new Set(columns.filter((c) => c.table === t).map((c) => c.name));
  const plan: RetentionPlan = { tables: [], skipped: [] };
  for (const entry of registry) {
    if (entry.kind === 'view') {
      plan.skipped.push({ table: entry.name, why: 'a view stores nothing: it shows what its source tables hold' });
      continue;
    }
    const f = familyOf(entry);
    if (!f) {
      plan.skipped.push({ table: entry.name, why: 'not under retention (retention: none)' });
      continue;
    }
    if (entry.erasure.how === 'tombstone') {
      plan.skipped.push({ table: entry.name, why: `kept as tombstones: ${entry.erasure.why}` });
      continue;
    }
    const t = byName.get(entry.name);
    if (!t) throw new RetentionPlanError(entry.name, 'is not in the store (migrations not applied?)');
    let storage = entry.name;
    if (t.engine === 'MaterializedView') {
      const inner = tables.find((x) => x.name === `.inner_id.${t.uuid}` || x.name === `.inner.${entry.name}`);
      if (!inner) {
        plan.skipped.push({ table: entry.name, why: 'a materialized view that writes TO another table keeps no rows itself' });
        continue;
      }
      storage = inner.name;
    } else if (!/MergeTree$/.test(t.engine)) {
      throw new RetentionPlanError(entry.name, `engine ${t.engine} cannot be deleted from by partition or mutation`);
    }
    const cols = columnsOf(storage);
    const missing = ['tenant', f.timeColumn].filter((c) => !cols.has(c));
    if (missing.length > 0) throw new RetentionPlanError(entry.name, `lacks ${missing.join(', ')}`);
    const chain = f.family === 'audit';
    if (chain && !(cols.has('seq') && cols.has('hash'))) throw new RetentionPlanError(entry.name, 'is in the audit family but has no seq and hash: its chain could not be cut');
    const partitionKey = byName.get(storage)?.partition_key ?? '';
    plan.tables.push({
      table: entry.name, storage, family: f.family, aggregate: f.aggregate, derived: entry.retention !== 'none' && entry.retention.family === 'follows-source',
      timeColumn: f.timeColumn, columns: cols, monthlyPartitions: partitionKey.replace(/\s/g, '') === `toYYYYMM(${f.timeColumn})`, chain,
    });
  }
  return plan;
}
