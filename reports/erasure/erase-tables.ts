/**
 * The walk of one erasure over the plan's tables: per table, count what goes, what is
 * pseudonymized and what a hold keeps, then delete the person's rows and rewrite the
 * rows that name them, each as a mutation waited for (mutations_sync = 2: the parts
 * it touches are rewritten before the statement returns). Held rows are left as they
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
  ms: number;
}

async function count(store: Store, t: ErasureTable, sql: SubjectSql): Promise<{ del: number; pseudo: number; held: number }> {
  const own = sql.own(t);
  const mentioned = sql.mentioned(t);
  const held = sql.held(t);
  const [r] = await store.query<{ del: string; pseudo: string; held: string }>(`erasure: count ${t.table}`,
    `SELECT countIf(${own} AND NOT ${held}) AS del, countIf(${mentioned} AND NOT ${own} AND NOT ${held}) AS pseudo, countIf(${held}) AS held
     FROM ${quoted(t.storage)} WHERE ${sql.tenantIs(t)} AND (${own} OR ${mentioned})`, sql.params);
  return { del: Number(r?.del ?? 0), pseudo: Number(r?.pseudo ?? 0), held: Number(r?.held ?? 0) };
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

/**
 * One ALTER per table: the pseudonymization, the recomputation of the columns it does
 * not reach, and the deletion are commands of one mutation, so each part is read and
 * rewritten once instead of once per command (docs/erasure.md, figures).
 */
export async function eraseTable(store: Store, t: ErasureTable, sql: SubjectSql, operation: string): Promise<TableOutcome> {
  const started = performance.now();
  const groups = sql.cellGroupsInsert(t);
  if (groups) await store.command(`${operation}: term groups of ${t.table}`, groups, sql.params);
  const c = await count(store, t, sql);
  const own = sql.own(t);
  const held = sql.held(t);
  const commands: string[] = [];
  const params: Record<string, unknown> = { ...sql.params };
  let rematerialized = 0;
  if (c.pseudo > 0) {
    commands.push(`UPDATE ${sql.assignments(t).join(', ')} WHERE ${sql.tenantIs(t)} AND ${sql.mentioned(t)} AND NOT ${own} AND NOT ${held}`);
    const recompute = t.textColumns.length > 0 && t.engine !== 'EmbeddedRocksDB' ? indirectlyComputed(t) : [];
    if (recompute.length > 0) {
      const partitions = (await store.query<{ p: string }>(`erasure: partitions of ${t.table}`,
        `SELECT DISTINCT _partition_id AS p FROM ${quoted(t.storage)} WHERE ${sql.tenantIs(t)} AND ${sql.mentioned(t)} AND NOT ${own} AND NOT ${held}`, sql.params)).map((r) => r.p);
      partitions.forEach((p, i) => {
        params[`part${i}`] = p;
        for (const col of recompute) commands.push(`MATERIALIZE COLUMN ${quoted(col)} IN PARTITION ID {part${i}:String}`);
      });
      rematerialized = partitions.length;
    }
  }
  if (c.del > 0) commands.push(`DELETE WHERE ${sql.tenantIs(t)} AND ${own} AND NOT ${held}`);
  if (commands.length > 0) await store.command(`${operation}: erase`, `ALTER TABLE ${quoted(t.table)} ${commands.join(', ')}`, params, { mutations_sync: '2' });
  return { table: t.table, deleted: c.del, pseudonymized: c.pseudo, held: c.held, rematerialized, ms: Math.round(performance.now() - started) };
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
