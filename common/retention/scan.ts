/**
 * What a retention run removes, counted in one scan per table: per family, rule,
 * conversation, partition and hold. The dry run reports it; the real run removes
 * with the very conditions it counted with (rowConditions), and counts again after.
 */
import type { Store } from '../store/store.js';
import type { LegalHold } from '../holds/hold-model.js';
import { holdCondition } from '../holds/coverage.js';
import type { Family } from './policy.js';
import { cutoffSql, type FamilyCutoffs } from './classes.js';
import { quoted, type TablePlan } from './plan.js';

const T = "DateTime64(3, 'UTC')";

export interface RowConditions {
  /** Expired rows of the tenant in this table (before holds). */
  expired: string;
  /** Array(String) of the ids of the holds that cover the row. */
  heldBy: string;
  /** Any hold covers the row. */
  held: string;
  classIndex: string;
  params: Record<string, unknown>;
}

/** The conditions of one table under one run's cut-offs and holds; null when nothing of it can expire. */
export function rowConditions(tenant: string, table: TablePlan, fc: FamilyCutoffs, holds: readonly LegalHold[]): RowConditions | null {
  const cut = cutoffSql(fc, table, 'c_');
  if (cut.latest === null) return null;
  const time = quoted(table.timeColumn);
  const params: Record<string, unknown> = { tenant, latest: cut.latest, ...cut.params };
  const held = table.aggregate ? [] : holds.flatMap((h, i) => {
    const c = holdCondition(h, i, table.family as Family, table.table, table.columns);
    if (!c) return [];
    Object.assign(params, c.params, { [`h${i}_id`]: h.id });
    return [{ sql: c.sql, id: `{h${i}_id:String}` }];
  });
  return {
    expired: `tenant = {tenant:String} AND ${time} < {latest:${T}} AND ${time} < ${cut.cutoff}`,
    heldBy: held.length === 0 ? 'CAST([] AS Array(String))' : `arrayFilter(x -> x != '', [${held.map((h) => `if(${h.sql}, ${h.id}, '')`).join(', ')}])`,
    held: held.length === 0 ? '0' : `(${held.map((h) => h.sql).join(' OR ')})`,
    classIndex: cut.classIndex,
    params,
  };
}

export interface ScanRow {
  partition: string;
  conversation_id: string;
  cls: number;
  holds: string[];
  n: number;
}

export interface TableScan {
  plan: TablePlan;
  rows: ScanRow[];
}

export async function scanTable(store: Store, tenant: string, table: TablePlan, fc: FamilyCutoffs, holds: readonly LegalHold[]): Promise<TableScan> {
  const c = rowConditions(tenant, table, fc, holds);
  if (!c) return { plan: table, rows: [] };
  const conversation = table.columns.has('conversation_id') ? 'conversation_id' : "''";
  const rows = await store.query<{ partition: string; conversation_id: string; cls: string; holds: string[]; n: string }>(
    `retention: scan ${table.table}`,
    `SELECT _partition_id AS partition, ${conversation} AS conversation_id, ${c.classIndex} AS cls, ${c.heldBy} AS holds, count() AS n
     FROM ${quoted(table.storage)} WHERE ${c.expired}
     GROUP BY partition, conversation_id, cls, holds`,
    c.params,
  );
  return { plan: table, rows: rows.map((r) => ({ partition: r.partition, conversation_id: r.conversation_id, cls: Number(r.cls), holds: r.holds, n: Number(r.n) })) };
}

/** Physical rows per partition of a table, every tenant (active parts). */
export async function partitionRows(store: Store, storage: string): Promise<Map<string, number>> {
  const rows = await store.query<{ partition_id: string; n: string }>(
    'retention: partition rows',
    'SELECT partition_id, sum(rows) AS n FROM system.parts WHERE database = currentDatabase() AND table = {table:String} AND active GROUP BY partition_id',
    { table: storage },
  );
  return new Map(rows.map((r) => [r.partition_id, Number(r.n)]));
}
