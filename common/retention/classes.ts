/**
 * The policy turned into cut-off times for one run: per family, one class per
 * conversation with an explicit rule, one per conversation type with a rule, and the
 * default. Each class's cut-off comes from resolveRetention (resolve.ts), so the job,
 * the dry run and the explanation use the same resolution.
 */
import type { Store } from '../store/store.js';
import { toStoreTime } from '../events/time.js';
import { FAMILIES, type Family, type RetentionPolicy } from './policy.js';
import { resolveRetention, type RetentionDecision } from './resolve.js';
import type { TablePlan } from './plan.js';

export interface CutoffClass {
  index: number;
  /** `conversation C1`, `conversation_type dm`, `default`. */
  label: string;
  /** The rule that decides (policy path), or `none` (no rule: kept). */
  rule: string;
  decision: RetentionDecision;
  /** Conversations of the class; null for the default class (everything else). */
  conversations: string[] | null;
}

export interface FamilyCutoffs {
  family: Family;
  /** Explicit conversations first, then types, the default last. */
  classes: CutoffClass[];
}

const NEVER = '1970-01-01 00:00:00.000';
const T = "DateTime64(3, 'UTC')";

/** Conversation id -> type, from messages' created versions and the conversation directory. */
export async function conversationTypes(store: Store, tenant: string, ids: readonly string[] | null, types: readonly string[]): Promise<Map<string, string>> {
  const byId = ids ? 'AND conversation_id IN {ids:Array(String)}' : 'AND conversation_type IN {types:Array(String)}';
  const rows = await store.query<{ conversation_id: string; conversation_type: string }>(
    'retention: conversation types',
    `SELECT conversation_id, any(conversation_type) AS conversation_type FROM (
       SELECT conversation_id, conversation_type FROM message_versions WHERE tenant = {tenant:String} AND kind = 'created' ${byId}
       UNION ALL SELECT conversation_id, conversation_type FROM conversations_current WHERE tenant = {tenant:String} AND conversation_type != '' ${byId})
     GROUP BY conversation_id`,
    { tenant, ids: ids ?? [], types },
  );
  return new Map(rows.map((r) => [r.conversation_id, r.conversation_type]));
}

const ruleOf = (d: RetentionDecision) => d.decidedBy?.path ?? 'none';

export async function familyCutoffs(store: Store, tenant: string, policy: RetentionPolicy, now: Date): Promise<Map<Family, FamilyCutoffs>> {
  const explicitIds = [...new Set(policy.rules.flatMap((r) => ('conversation_id' in r.match ? [r.match.conversation_id] : [])))];
  const ruleTypes = [...new Set(policy.rules.flatMap((r) => ('conversation_type' in r.match ? [r.match.conversation_type] : [])))];
  const explicitTypes = explicitIds.length > 0 ? await conversationTypes(store, tenant, explicitIds, []) : new Map<string, string>();
  const typed = ruleTypes.length > 0 ? await conversationTypes(store, tenant, null, ruleTypes) : new Map<string, string>();
  const out = new Map<Family, FamilyCutoffs>();
  for (const family of FAMILIES) {
    const classes: CutoffClass[] = [];
    if (family !== 'audit') {
      for (const id of explicitIds) {
        const type = explicitTypes.get(id);
        const decision = resolveRetention({ policy, family, conversation: { id, ...(type ? { type } : {}) }, now });
        classes.push({ index: classes.length, label: `conversation ${id}`, rule: ruleOf(decision), decision, conversations: [id] });
      }
      for (const type of ruleTypes) {
        const ids = [...typed.entries()].filter(([id, t]) => t === type && !explicitIds.includes(id)).map(([id]) => id);
        const decision = resolveRetention({ policy, family, conversation: { type }, now });
        classes.push({ index: classes.length, label: `conversation_type ${type}`, rule: ruleOf(decision), decision, conversations: ids });
      }
    }
    const decision = resolveRetention({ policy, family, conversation: {}, now });
    classes.push({ index: classes.length, label: 'default', rule: ruleOf(decision), decision, conversations: null });
    out.set(family, { family, classes });
  }
  return out;
}

export interface CutoffSql {
  /** The row's cut-off (DateTime64 expression). */
  cutoff: string;
  /** The row's class index (UInt expression). */
  classIndex: string;
  /** The latest cut-off of any class: a primary-key bound for the scan. */
  latest: string | null;
  params: Record<string, unknown>;
}

/** Cut-off and class of a row of `table`, per conversation when the table has one. */
export function cutoffSql(fc: FamilyCutoffs, table: TablePlan, prefix: string): CutoffSql {
  const params: Record<string, unknown> = {};
  const at = (c: CutoffClass) => (c.decision.cutoff ? toStoreTime(c.decision.cutoff.getTime()) : NEVER);
  const byConversation = table.columns.has('conversation_id') ? fc.classes.filter((c) => c.conversations !== null && c.conversations.length > 0) : [];
  const def = fc.classes[fc.classes.length - 1]!;
  const used = [...byConversation, def];
  for (const c of used) {
    params[`${prefix}cut${c.index}`] = at(c);
    if (c.conversations) params[`${prefix}ids${c.index}`] = c.conversations;
  }
  const branch = (value: (c: CutoffClass) => string) =>
    byConversation.length === 0 ? value(def) : `multiIf(${byConversation.map((c) => `conversation_id IN {${prefix}ids${c.index}:Array(String)}, ${value(c)}`).join(', ')}, ${value(def)})`;
  const cutoffs = used.map(at).sort();
  const latest = cutoffs[cutoffs.length - 1]!;
  return {
    cutoff: branch((c) => `{${prefix}cut${c.index}:${T}}`),
    classIndex: branch((c) => `toUInt32(${c.index})`),
    latest: latest === NEVER ? null : latest,
    params,
  };
}
