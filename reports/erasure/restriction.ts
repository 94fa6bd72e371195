/**
 * Records of an erased person that an active legal hold keeps are restricted instead
 * of erased (DESIGN.md rule 1): listed in `restricted_records` with the hold and the
 * request before anything is removed, so that the walk leaves exactly them alone
 * (SubjectSql.held), every view but the hold's case leaves them out (message search
 * does, common/queries/restricted.ts), and the certificate lists them with the hold
 * that keeps them. A record is a message (with its versions, marks and reactions), a
 * call or an app invocation that names the person. Each run lists them afresh, so a
 * released hold's records leave the list at the run that erases them.
 */
import type { Store } from '../../common/store/store.js';
import { holdCondition } from '../../common/holds/coverage.js';
import type { LegalHold } from '../../common/holds/hold-model.js';
import { quoted } from '../../common/retention/plan.js';
import type { ErasurePlan } from './erasure-plan.js';
import { ACTIVE_HOLDS, HOLDS_TABLE, RECORD_ID, type SubjectSql } from './subject-sql.js';

export interface Restricted { family: string; hold_id: string; records: number }

export async function listRestricted(store: Store, plan: ErasurePlan, sql: SubjectSql, holds: readonly LegalHold[]): Promise<Restricted[]> {
  const { tenant, request } = sql.params;
  await store.command('erasure: clear restricted', 'ALTER TABLE restricted_records DELETE WHERE tenant = {tenant:String} AND request_id = {request:String}', { tenant, request }, { mutations_sync: '2' });
  // The record tables only (not lookup copies, not analytics): they say which records hold the person.
  const tables = plan.tables.filter((x) => x.holdFamily && !x.deleteBy.source && RECORD_ID[x.holdFamily] && x.columns.has(RECORD_ID[x.holdFamily]!) && x.columns.has('conversation_id'));
  for (const t of tables) {
    const c = [...t.deleteBy.subjectColumns, ...t.pseudonymizeColumns].map((col) => sql.names(t, col));
    if (sql.hasPattern) c.push(...t.textColumns.map((col) => sql.textMatches(col)));
    if (t.deleteBy.ofErasedMessages) c.push(`(conversation_id, message_id) IN (${sql.erasedMessages()})`);
    if (c.length === 0) continue;
    for (const [i, h] of holds.entries()) {
      const hc = holdCondition(h, i, t.holdFamily!, t.table, new Set(t.columns.keys()));
      if (!hc) continue;
      await store.command(`erasure: restrict held records of ${t.table}`,
        `INSERT INTO restricted_records (tenant, conversation_id, record_id, family, hold_id, request_id)
         SELECT DISTINCT tenant, conversation_id, ${quoted(RECORD_ID[t.holdFamily!]!)}, {family:String}, {hold:String}, {request:String}
         FROM ${quoted(t.storage)} WHERE tenant = {tenant:String} AND (${c.join(' OR ')}) AND ${hc.sql}`,
        { ...sql.params, ...hc.params, hold: h.id, family: t.holdFamily });
    }
  }
  // An active hold that names the person as a custodian is itself kept as it is, and the request waits on it.
  const holdsTable = plan.tables.find((t) => t.table === HOLDS_TABLE);
  if (holdsTable) {
    await store.command('erasure: holds naming the person',
      `INSERT INTO restricted_records (tenant, conversation_id, record_id, family, hold_id, request_id)
       SELECT DISTINCT tenant, '', hold_id, 'hold', hold_id, {request:String} FROM legal_holds
       WHERE tenant = {tenant:String} AND ${sql.names(holdsTable, 'custodians')} AND hold_id IN (${ACTIVE_HOLDS})`, sql.params);
  }
  const rows = await store.query<{ family: string; hold_id: string; n: string }>('erasure: restricted',
    `SELECT family, hold_id, uniqExact(conversation_id, record_id) AS n FROM restricted_records FINAL
     WHERE tenant = {tenant:String} AND request_id = {request:String} GROUP BY family, hold_id ORDER BY family, hold_id`, { tenant, request });
  return rows.map((r) => ({ family: r.family, hold_id: r.hold_id, records: Number(r.n) }));
}
