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

/** Up to this many restricted messages are passed to a search as a list; more keep the subquery. */
export const MAX_RESTRICTED_KEYS = 10_000;

/**
 * The restricted messages a search must leave out, as `conversation\0message` keys
 * (params: tenant, visible_holds, max_restricted = MAX_RESTRICTED_KEYS + 1; more
 * rows than MAX_RESTRICTED_KEYS mean "keep the subquery"). Why look them up first:
 * the subquery above makes every word count and page read the conversation and
 * message ids of every row the text index selects (to test them against the set),
 * even when the set is empty, as it almost always is; a known list lets the search
 * drop the condition (empty) or test a short constant list.
 */
export const RESTRICTED_KEYS_SQL = `SELECT concat(conversation_id, '\\0', record_id) AS k FROM restricted_records
    WHERE tenant = {tenant:String} AND family = 'messages'
    GROUP BY conversation_id, record_id HAVING NOT hasAny(groupArray(hold_id), {visible_holds:Array(String)})
    LIMIT {max_restricted:UInt32}`;

/** The list to pass to notRestrictedCondition, from the rows of RESTRICTED_KEYS_SQL; undefined when there were too many. */
export function restrictedKeysFrom(keys: readonly string[]): string[] | undefined {
  return keys.length > MAX_RESTRICTED_KEYS ? undefined : [...keys];
}

/** The condition on a created version for a looked-up list (restrictedKeysFrom): none, a constant list, or the subquery. */
export function notRestrictedCondition(keys: readonly string[] | undefined): string | undefined {
  if (keys === undefined) return NOT_RESTRICTED_MESSAGE;
  if (keys.length === 0) return undefined;
  return "concat(conversation_id, '\\0', message_id) NOT IN {restricted_keys:Array(String)}";
}
