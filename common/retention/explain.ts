/**
 * "Why is this record still here?" for one message or call: the effective decision
 * from resolveRetention (the same function the job uses), the rule that decides, the
 * principles that settled any conflict, the holds that cover it, and when the daily
 * run will remove it. A message's versions, reactions and deletion mark each count
 * from their own time; the answer is for the message as posted (its first version).
 */
import type { Store } from '../store/store.js';
import { fromStoreTime } from '../events/time.js';
import { HoldStore } from '../holds/hold-store.js';
import { holdCondition, HOLD_KEYS } from '../holds/coverage.js';
import type { Family } from './policy.js';
import { currentPolicy } from './policy-store.js';
import { resolveRetention, type RetentionDecision } from './resolve.js';
import { conversationTypes } from './classes.js';

export interface Explanation {
  record: { kind: 'message' | 'call'; conversation_id: string; id: string; time: string; conversation_type: string | null };
  family: Family;
  policy_version: number;
  /** kept: stays until kept_until (or forever); removable: the next run removes it; held: expired but a hold keeps it. */
  status: 'kept' | 'removable' | 'held';
  kept_until: string | null;
  forever: boolean;
  rule: { path: string; scope: string; rule: unknown } | null;
  principles: string[];
  applicable_rules: Array<{ path: string; scope: string; rule: unknown }>;
  holds: Array<{ id: string; case_name: string }>;
  /** When the daily run removes it, if nothing changes (null: not by policy, or held). */
  removal_expected_at: string | null;
  summary: string;
}

/** The first daily run (at `hour` UTC) at or after `t`. */
export function nextRunAt(t: Date, hour: number): Date {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), hour));
  return d.getTime() >= t.getTime() ? d : new Date(d.getTime() + 86_400_000);
}

function summarize(kind: string, d: RetentionDecision, held: string[]): string {
  if (d.applicable.length === 0) return `No rule of the policy covers this ${kind}'s family: it is kept.`;
  const rule = d.decidedBy ? `${d.decidedBy.path} (${JSON.stringify(d.decidedBy.rule)})` : 'no rule';
  const why = d.principles.length > 0 ? ` Principles applied: ${d.principles.join(', ')}.` : '';
  if (held.length > 0 && d.expired) return `Expired under ${rule}, but kept by legal hold ${held.join(', ')}: it goes only after every covering hold is released.${why}`;
  if (!d.removableAt) return `Kept with no end under ${rule}.${why}${held.length ? ` Also under hold ${held.join(', ')}.` : ''}`;
  if (d.expired) return `Expired under ${rule} on ${d.removableAt.toISOString()}: the next retention run removes it.${why}`;
  return `Kept until ${d.removableAt.toISOString()} under ${rule}.${why}${held.length ? ` Also under hold ${held.join(', ')}.` : ''}`;
}

async function explain(store: Store, o: { tenant: string; kind: 'message' | 'call'; family: Family; table: string; idColumn: string; conversationId: string; id: string; now: Date; hour: number }): Promise<Explanation | null> {
  const [row] = await store.query<{ time: string; conversation_type: string }>(
    'retention: explain record',
    `SELECT min(time) AS time, any(${o.table === 'message_versions' ? 'conversation_type' : "''"}) AS conversation_type FROM ${o.table}
     WHERE tenant = {tenant:String} AND conversation_id = {conversation:String} AND ${o.idColumn} = {id:String} ${o.table === 'message_versions' ? "AND kind = 'created'" : ''}
     HAVING count() > 0`,
    { tenant: o.tenant, conversation: o.conversationId, id: o.id },
  );
  if (!row) return null;
  const type = row.conversation_type || (await conversationTypes(store, o.tenant, [o.conversationId], [])).get(o.conversationId) || null;
  const stored = await currentPolicy(store, o.tenant);
  const holds = await new HoldStore(store).list(o.tenant, { active: true });
  const covering: Array<{ id: string; caseName: string }> = [];
  if (holds.length > 0) {
    const columns = new Set(HOLD_KEYS[o.family]);
    const params: Record<string, unknown> = { tenant: o.tenant, conversation: o.conversationId, id: o.id };
    const flags = holds.map((h, i) => {
      const c = holdCondition(h, i, o.family, o.table, columns)!;
      Object.assign(params, c.params);
      return `max(${c.sql}) AS h${i}`;
    });
    const [f] = await store.query<Record<string, number>>(
      'retention: explain holds',
      `SELECT ${flags.join(', ')} FROM ${o.table} WHERE tenant = {tenant:String} AND conversation_id = {conversation:String} AND ${o.idColumn} = {id:String}`,
      params,
    );
    holds.forEach((h, i) => {
      if (Number(f?.[`h${i}`] ?? 0) === 1) covering.push({ id: h.id, caseName: h.caseName });
    });
  }
  const recordTime = new Date(fromStoreTime(row.time));
  const d = resolveRetention({ policy: stored.policy, family: o.family, conversation: { id: o.conversationId, ...(type ? { type } : {}) }, now: o.now, recordTime, holds: covering });
  const forever = d.applicable.length > 0 && d.removableAt === null && d.decidedBy !== null && 'keep' in d.decidedBy.rule;
  const status = d.removable ? 'removable' : d.expired ? 'held' : 'kept';
  const ref = (r: NonNullable<RetentionDecision['decidedBy']>) => ({ path: r.path, scope: r.scope, rule: r.rule });
  return {
    record: { kind: o.kind, conversation_id: o.conversationId, id: o.id, time: recordTime.toISOString(), conversation_type: type },
    family: o.family, policy_version: stored.version, status, kept_until: d.removableAt ? d.removableAt.toISOString() : null, forever,
    rule: d.decidedBy ? ref(d.decidedBy) : null, principles: d.principles, applicable_rules: d.applicable.map(ref),
    holds: covering.map((h) => ({ id: h.id, case_name: h.caseName })),
    removal_expected_at: d.removableAt && covering.length === 0 ? nextRunAt(new Date(Math.max(d.removableAt.getTime(), o.now.getTime())), o.hour).toISOString() : null,
    summary: summarize(o.kind, d, covering.map((h) => `${h.id} (${h.caseName})`)),
  };
}

export function explainMessage(store: Store, tenant: string, conversationId: string, messageId: string, o: { now?: Date; hour: number }): Promise<Explanation | null> {
  return explain(store, { tenant, kind: 'message', family: 'messages', table: 'message_versions', idColumn: 'message_id', conversationId, id: messageId, now: o.now ?? new Date(), hour: o.hour });
}

export function explainCall(store: Store, tenant: string, conversationId: string, callId: string, o: { now?: Date; hour: number }): Promise<Explanation | null> {
  return explain(store, { tenant, kind: 'call', family: 'calls', table: 'calls', idColumn: 'call_id', conversationId, id: callId, now: o.now ?? new Date(), hour: o.hour });
}
