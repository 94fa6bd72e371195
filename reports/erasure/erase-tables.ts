/**
 * The walk of one erasure over the plan's tables: per table, count what goes, what is
 * pseudonymized and what a hold keeps, then delete the person's rows and rewrite the
 * rows that name them, as one mutation limited to the partitions and columns that hold
 * them (the job sends a rank's mutations together and waits for them: mutation-wait.ts). Held rows are left as they
 * are (restricted, DESIGN.md rule 1). Every statement is idempotent: a resumed run
 * counts again and finds only what is left.
 */
import type { Store } from '../../common/store/store.js';
import { quoted } from '../../common/retention/plan.js';
import type { ErasureTable } from './erasure-plan.js';
import type { SubjectSql } from './subject-sql.js';

export interface TableOutcome {
  table: string;
  /** Rows of the person removed. */
  deleted: number;
  /** Other people's rows where the person was replaced by the pseudonym. */
  pseudonymized: number;
  /** Rows naming the person that an active hold keeps (restricted; which hold: restricted_records). */
  held: number;
  /** Partitions whose computed columns were materialized again after a text rewrite. */
  rematerialized: number;
  /** Partitions the mutation was limited to (IN PARTITION); the others were not touched. */
  partitions?: number;
  ms: number;
  /** Of which: counting (what goes, what is pseudonymized, what is held), and the mutation with its wait. */
  count_ms?: number;
  mutation_ms?: number;
}

interface Counted {
  del: number;
  pseudo: number;
  held: number;
  /** Partitions holding rows that go / rows to pseudonymize ([] for a key-value table: it has none). */
  delParts: string[];
  pseudoParts: string[];
  /** Per pseudonymized, text or term column: rows where that column names the person. */
  byColumn: Map<string, number>;
}

/** The pseudonymized, text and term-form columns of a table, each with the condition that it names the person. */
function namingColumns(t: ErasureTable, sql: SubjectSql): Array<[string, string]> {
  return [
    ...t.pseudonymizeColumns.map((col): [string, string] => [col, sql.names(t, col)]),
    ...(sql.hasPattern ? t.textColumns.map((col): [string, string] => [col, sql.textMatches(col)]) : []),
    ...sql.termRowsByForm(t),
  ];
}

/**
 * One read of the table (indexes on the id columns skip the granules without the
 * person): how many rows go, are pseudonymized or held, in which partitions, and
 * which columns name the person, so the mutation touches only those partitions and
 * assigns only those columns.
 */
async function count(store: Store, t: ErasureTable, sql: SubjectSql): Promise<Counted> {
  const own = sql.own(t);
  const mentioned = sql.mentioned(t);
  const held = sql.held(t);
  const partitioned = t.engine !== 'EmbeddedRocksDB';
  const columns = namingColumns(t, sql);
  const other = `NOT ${own} AND NOT ${held}`;
  const [r] = await store.query<Record<string, string | string[]>>(`erasure: count ${t.table}`,
    `SELECT countIf(${own} AND NOT ${held}) AS del, countIf(${mentioned} AND ${other}) AS pseudo, countIf(${held}) AS held,
       ${partitioned ? `groupUniqArrayIf(_partition_id, ${own} AND NOT ${held})` : "CAST([], 'Array(String)')"} AS del_parts,
       ${partitioned ? `groupUniqArrayIf(_partition_id, ${mentioned} AND ${other})` : "CAST([], 'Array(String)')"} AS pseudo_parts
       ${columns.map(([, cond], i) => `, countIf(${cond} AND ${other}) AS col${i}`).join('')}
     FROM ${quoted(t.storage)} WHERE ${sql.tenantIs(t)} AND (${own} OR ${mentioned})`, sql.params);
  const n = (k: string) => Number(r?.[k] ?? 0);
  return {
    del: n('del'), pseudo: n('pseudo'), held: n('held'),
    delParts: ((r?.del_parts ?? []) as string[]).sort(), pseudoParts: ((r?.pseudo_parts ?? []) as string[]).sort(),
    byColumn: new Map(columns.map(([col], i) => [col, n(`col${i}`)])),
  };
}

/**
 * Computed columns an UPDATE of the text does not recompute: the store recomputes a
 * MATERIALIZED column computed from an updated column (text_norm from text), not one
 * computed from another computed column (text_pairs from text_norm).
 */
function indirectlyComputed(t: ErasureTable): string[] {
  const direct = (expr: string) => t.textColumns.some((c) => new RegExp(`\\b${c}\\b`).test(expr));
  return [...t.materializedFrom].filter(([, expr]) => !direct(expr)).map(([name]) => name);
}

/** One table's mutation, ready to send, and what it will do. */
export interface PreparedTable {
  outcome: TableOutcome;
  /** The ALTER statement and its parameters; null when nothing of the person is in the table. */
  alter: { sql: string; params: Record<string, unknown> } | null;
  started: number;
}

/**
 * Counts, then builds one ALTER for the table: the pseudonymization (only of the
 * columns that name the person), the recomputation of the columns it does not reach,
 * and the deletion are commands of one mutation, so each part is read and rewritten
 * once instead of once per command; every command is limited to the partitions that
 * hold the person's rows (IN PARTITION), so other partitions are not even scanned
 * (docs/erasure.md, figures). A table without rows of the person gets no mutation.
 */
export async function prepareTable(store: Store, t: ErasureTable, sql: SubjectSql, operation: string): Promise<PreparedTable> {
  const started = performance.now();
  const groups = sql.cellGroupsInsert(t);
  if (groups) await store.command(`${operation}: term groups of ${t.table}`, groups, sql.params);
  const c = await count(store, t, sql);
  const own = sql.own(t);
  const held = sql.held(t);
  const partitioned = t.engine !== 'EmbeddedRocksDB';
  const commands: string[] = [];
  const params: Record<string, unknown> = { ...sql.params };
  const inPartitions = (parts: string[], prefix: string) => (partitioned ? parts : ['']).map((p, i) => {
    if (p === '' && !partitioned) return '';
    params[`${prefix}${i}`] = p;
    return ` IN PARTITION ID {${prefix}${i}:String}`;
  });
  let rematerialized = 0;
  if (c.pseudo > 0) {
    const only = new Set([...c.byColumn].filter(([, n]) => n > 0).map(([col]) => col));
    const assignments = sql.assignments(t, only).join(', ');
    for (const inPart of inPartitions(c.pseudoParts, 'pp')) {
      commands.push(`UPDATE ${assignments}${inPart} WHERE ${sql.tenantIs(t)} AND ${sql.mentioned(t)} AND NOT ${own} AND NOT ${held}`);
    }
    const textUpdated = t.textColumns.some((col) => only.has(col));
    const recompute = textUpdated && partitioned ? indirectlyComputed(t) : [];
    if (recompute.length > 0) {
      c.pseudoParts.forEach((p, i) => {
        for (const col of recompute) commands.push(`MATERIALIZE COLUMN ${quoted(col)} IN PARTITION ID {pp${i}:String}`);
      });
      rematerialized = c.pseudoParts.length;
    }
  }
  if (c.del > 0) for (const inPart of inPartitions(c.delParts, 'dp')) commands.push(`DELETE${inPart} WHERE ${sql.tenantIs(t)} AND ${own} AND NOT ${held}`);
  return {
    started,
    outcome: { table: t.table, deleted: c.del, pseudonymized: c.pseudo, held: c.held, rematerialized, partitions: [...new Set([...c.delParts, ...c.pseudoParts])].length, ms: 0, count_ms: Math.round(performance.now() - started) },
    alter: commands.length > 0 ? { sql: `ALTER TABLE ${quoted(t.storage)} ${commands.join(', ')}`, params } : null,
  };
}

/** The table's outcome once its mutation is done (the walk sends a whole rank at once and waits for it: erasure-job.ts). */
export function finish(p: PreparedTable): TableOutcome {
  const ms = Math.round(performance.now() - p.started);
  return { ...p.outcome, ms, mutation_ms: ms - (p.outcome.count_ms ?? 0) };
}

/**
 * What still identifies the person in a table, outside holds and inside them, by
 * the columns themselves (not through a source table, which may be gone by now): the
 * verification the certificate reports.
 */
export async function identifyingLeft(store: Store, t: ErasureTable, sql: SubjectSql, sourceColumns: readonly string[]): Promise<{ left: number; held: number }> {
  const c: string[] = [...new Set([...t.deleteBy.subjectColumns, ...t.pseudonymizeColumns, ...t.hashed, ...sourceColumns.filter((x) => t.columns.has(x))])].map((col) => sql.names(t, col));
  if (sql.hasPattern) c.push(...t.textColumns.map((col) => sql.textMatches(col)));
  c.push(...sql.termsNaming(t));
  if (c.length === 0) return { left: 0, held: 0 };
  const held = sql.held(t);
  const [r] = await store.query<{ left: string; held: string }>(`erasure: verify ${t.table}`,
    `SELECT countIf(NOT ${held}) AS left, countIf(${held}) AS held FROM ${quoted(t.storage)} WHERE ${sql.tenantIs(t)} AND (${c.join(' OR ')})`, sql.params);
  return { left: Number(r?.left ?? 0), held: Number(r?.held ?? 0) };
}
