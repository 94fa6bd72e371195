/**
 * The statements of a real run. Per partition with something to remove:
 * - partition path: the partition holds only rows this run removes (this tenant,
 *   expired, nothing held): counted again just before, then dropped whole (cheap, no
 *   rewrite); if the recount differs (a late event arrived), the row path instead;
 * - row path: a mutation that deletes exactly the rows the scan counted (same
 *   conditions), waited for (mutations_sync = 2), which rewrites the parts it touches.
 */
import type { Store } from '../../common/store/store.js';
import type { PartitionCount } from '../../common/retention/assess.js';
import { quoted, type TablePlan } from '../../common/retention/plan.js';
import { partitionRows, type RowConditions } from '../../common/retention/scan.js';

export interface Statement {
  table: string;
  partition: string;
  path: 'partition' | 'rows';
  /** The engine's id of the statement: the mutation id, or `drop:<partition>`. */
  id: string;
  rows: number;
  /** How long the statement took (a mutation waits for its parts to be rewritten; a drop, without its recount). */
  ms: number;
  /** The recount before a drop. */
  recount_ms?: number;
  /** Why a planned partition drop became a row delete. */
  note?: string;
}

async function deletableIn(store: Store, table: TablePlan, c: RowConditions, partition: string): Promise<number> {
  const [r] = await store.query<{ n: string }>(
    `retention: recount ${table.table}`,
    `SELECT count() AS n FROM ${quoted(table.storage)} WHERE _partition_id = {partition:String} AND ${c.expired} AND NOT ${c.held}`,
    { ...c.params, partition },
  );
  return Number(r?.n ?? 0);
}

async function lastMutationId(store: Store, storage: string): Promise<string> {
  const [r] = await store.query<{ mutation_id: string }>(
    'retention: mutation id',
    'SELECT mutation_id FROM system.mutations WHERE database = currentDatabase() AND table = {table:String} ORDER BY create_time DESC, mutation_id DESC LIMIT 1',
    { table: storage },
  );
  return r?.mutation_id ?? 'unknown';
}

export async function removeFromPartition(store: Store, table: TablePlan, c: RowConditions, partition: string, planned: PartitionCount, operation: string): Promise<Statement> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let note: string | undefined;
  if (planned.path === 'partition') {
    const physical = (await partitionRows(store, table.storage)).get(partition) ?? 0;
    const deletable = await deletableIn(store, table, c, partition);
    const recount = ms();
    if (physical === deletable && deletable > 0) {
      await store.command(`${operation}: drop partition`, `ALTER TABLE ${quoted(table.table)} DROP PARTITION ID {partition:String}`, { partition });
      return { table: table.table, partition, path: 'partition', id: `drop:${partition}`, rows: deletable, ms: ms() - recount, recount_ms: recount };
    }
    note = `recount before the drop found ${physical} rows in the partition, ${deletable} to remove: rows deleted instead`;
  }
  const inPartition = partition === 'all' ? '' : 'IN PARTITION ID {partition:String}';
  await store.command(
    `${operation}: delete rows`,
    `ALTER TABLE ${quoted(table.table)} DELETE ${inPartition} WHERE ${c.expired} AND NOT ${c.held}`,
    { ...c.params, partition },
    { mutations_sync: '2' },
  );
  return { table: table.table, partition, path: 'rows', id: await lastMutationId(store, table.storage), rows: planned.remove, ms: ms(), ...(note ? { note } : {}) };
}
