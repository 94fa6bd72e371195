/**
 * Records an erasure found under an active legal hold are restricted instead of erased
 * (DESIGN.md rule 1, reports/erasure/restriction.ts): the hold keeps them, and every
 * view but the hold's case leaves them out. Message searches add this condition on the
 * created version; `visible_holds` lists the holds whose case the caller works on (their
 * restricted records stay visible), empty for everyone else. The list is usually empty,
 * so the subquery costs a read of an empty table.
 */
export const NOT_RESTRICTED_MESSAGE = `(conversation_id, message_id) NOT IN (
  SELECT conversation_id, record_id FROM restricted_records WHERE tenant = {tenant:String} AND family = 'messages'
  GROUP BY conversation_id, record_id HAVING NOT hasAny(groupArray(hold_id), {visible_holds:Array(String)}))`;
