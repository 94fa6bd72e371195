/**
 * An item escalated to a legal hold (FINRA 3110 review leading to preservation) names
 * the hold by its id. The name is checked, not trusted: the hold must be one of the
 * tenant's, still active, and cover the flagged message, or the reviewer would believe
 * evidence is preserved that retention may still delete. A case id that is not a hold
 * id (an investigation elsewhere) stays free text.
 */
import type { Store } from '../store/store.js';
import { HOLD_ID, HoldNotFoundError } from '../holds/hold-model.js';
import { HoldStore } from '../holds/hold-store.js';
import { heldMessageKeys } from '../holds/coverage.js';
import { InvalidEscalationError } from './errors.js';

export async function checkEscalationHold(store: Store, tenant: string, escalationCase: string, message: { conversationId: string; messageId: string }): Promise<void> {
  if (!HOLD_ID.test(escalationCase)) return;
  let hold;
  try {
    hold = await new HoldStore(store).get(tenant, escalationCase);
  } catch (err) {
    if (err instanceof HoldNotFoundError) throw new InvalidEscalationError(`names no legal hold of tenant ${tenant}`);
    throw err;
  }
  if (hold.releasedAt) throw new InvalidEscalationError(`names legal hold ${hold.id}, released at ${hold.releasedAt}`);
  const keys = heldMessageKeys(hold, 'e_');
  const [row] = await store.query<{ n: string }>('supervision: escalation hold covers message',
    `SELECT count() AS n FROM (${keys.sql}) WHERE conversation_id = {esc_conversation:String} AND message_id = {esc_message:String}`,
    { ...keys.params, tenant, esc_conversation: message.conversationId, esc_message: message.messageId });
  if (Number(row?.n ?? 0) === 0) throw new InvalidEscalationError(`legal hold ${hold.id} ("${hold.caseName}") does not cover this message: widen the hold or name another case`);
}
