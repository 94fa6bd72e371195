/**
 * Records an erasure found under an active legal hold are restricted instead of erased
 * (DESIGN.md rule 1, GDPR Art. 18, reports/erasure/restriction.ts): the hold keeps them,
 * and nothing but the hold's case processes them. Message searches, message detail,
 * threads, exports and supervision context add this condition on the created version;
 * `visible_holds` lists the holds whose case the caller works on (their restricted
 * records stay visible), empty for everyone else. The list is usually empty, so the
 * subquery costs a read of an empty table.
 */
export const NOT_RESTRICTED_MESSAGE = `(conversation_id, message_id) NOT IN (
  SELECT conversation_id, record_id FROM restricted_records WHERE tenant = {tenant:String} AND family = 'messages'
  GROUP BY conversation_id, record_id HAVING NOT hasAny(groupArray(hold_id), {visible_holds:Array(String)}))`;

/**
 * The record tables a restriction names rows of, with the family and the column that
 * is `record_id` in restricted_records (a message's versions and reactions by the
 * message, a call by its id, an app invocation by its event).
 */
export const RESTRICTED_RECORD_TABLES: Readonly<Record<string, { family: string; idColumn: string }>> = {
  message_versions: { family: 'messages', idColumn: 'message_id' },
  reactions: { family: 'messages', idColumn: 'message_id' },
  message_deletions: { family: 'messages', idColumn: 'message_id' },
  calls: { family: 'calls', idColumn: 'call_id' },
  app_invocations: { family: 'app_invocations', idColumn: 'event_id' },
};

/**
 * For readers that no hold's case ever uses (analytics, topic analysis, backfills):
 * the rows of `table` that belong to no restricted record, whatever the hold. Reads
 * `{tenant:String}` when `tenantParam`, else every tenant's restrictions.
 */
export function notRestrictedRow(table: string, tenantParam = true): string {
  const r = RESTRICTED_RECORD_TABLES[table];
  if (!r) return '1';
  const tenant = tenantParam ? 'tenant = {tenant:String} AND ' : '';
  return `(conversation_id, ${r.idColumn}) NOT IN (SELECT conversation_id, record_id FROM restricted_records WHERE ${tenant}family = '${r.family}')`;
}
