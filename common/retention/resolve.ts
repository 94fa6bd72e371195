/**
 * The one resolution of "how long is this record kept" (DESIGN.md "Legal holds,
 * retention, erasure: who wins"), pure: the retention job, the dry run, the first-run
 * brake and the "why is this kept?" answer all call it, so they cannot disagree.
 *
 * Order, as records managers know it (Microsoft Purview's principles of retention):
 *  1. a legal hold beats everything;
 *  2. keep beats delete (`keep: forever`, or `keep_at_least` longer than the deletion);
 *  3. the longest keep wins;
 *  4. an explicit rule (`conversation_id`) beats an implicit one (`conversation_type`,
 *     `default`), among deletions;
 *  5. among deletions, the shortest wins.
 * A family with no rule is kept.
 */
import { compareDurations, parseDuration, shift, type Duration } from './duration.js';
import type { Family, RetentionPolicy, Rule } from './policy.js';

export type RuleScope = 'default' | 'conversation_type' | 'conversation_id';
export type Principle = 'hold' | 'keep_beats_delete' | 'longest_keep' | 'explicit_beats_implicit' | 'shortest_delete';

export interface RuleRef {
  /** Where the rule is in the policy: `default.messages`, `rules[2].calls`. */
  path: string;
  scope: RuleScope;
  rule: Rule;
}

export interface HoldRef {
  id: string;
  caseName: string;
}

export interface RetentionInput {
  policy: RetentionPolicy;
  family: Family;
  /** The record's conversation, when its family has one. */
  conversation?: { id?: string; type?: string };
  now: Date;
  /** The record's own time; without it the answer is for the whole class (the job's cut-off). */
  recordTime?: Date;
  /** Holds that cover the record. */
  holds?: readonly HoldRef[];
}

export interface RetentionDecision {
  family: Family;
  /** Every rule of the policy that applies to this family and conversation. */
  applicable: RuleRef[];
  /** The deletion that applies after principles 4 and 5 (null: nothing deletes). */
  deleteRule: RuleRef | null;
  /** The rule that fixes when the record goes or that it stays (null: no rule at all). */
  decidedBy: RuleRef | null;
  /** The conflict principles that changed the outcome, in the order they applied. */
  principles: Principle[];
  /** Records of this class whose time is before this have expired; null: they never expire. */
  cutoff: Date | null;
  /** When the record becomes removable (null: never, by policy); only with recordTime. */
  removableAt: Date | null;
  /** Past its time by policy; only meaningful with recordTime. */
  expired: boolean;
  heldBy: HoldRef[];
  /** Expired and not held: the next run removes it. */
  removable: boolean;
}

function applicableRules(policy: RetentionPolicy, family: Family, conversation: RetentionInput['conversation']): RuleRef[] {
  const out: RuleRef[] = [];
  const def = policy.default[family];
  if (def) out.push({ path: `default.${family}`, scope: 'default', rule: def });
  policy.rules.forEach((r, i) => {
    const rule = r[family];
    if (!rule) return;
    if ('conversation_type' in r.match && conversation?.type !== undefined && r.match.conversation_type === conversation.type) {
      out.push({ path: `rules[${i}].${family}`, scope: 'conversation_type', rule });
    }
    if ('conversation_id' in r.match && conversation?.id !== undefined && r.match.conversation_id === conversation.id) {
      out.push({ path: `rules[${i}].${family}`, scope: 'conversation_id', rule });
    }
  });
  return out;
}

const durationOf = (r: RuleRef): Duration => parseDuration('delete_after' in r.rule ? r.rule.delete_after : 'keep_at_least' in r.rule ? r.rule.keep_at_least : 'P0D');

function shortest(refs: RuleRef[], at: Date): RuleRef | null {
  return refs.reduce<RuleRef | null>((best, r) => (best === null || compareDurations(durationOf(r), durationOf(best), at) < 0 ? r : best), null);
}

function longest(refs: RuleRef[], at: Date): RuleRef | null {
  return refs.reduce<RuleRef | null>((best, r) => (best === null || compareDurations(durationOf(r), durationOf(best), at) > 0 ? r : best), null);
}

export function resolveRetention(input: RetentionInput): RetentionDecision {
  const { now, recordTime } = input;
  const at = recordTime ?? now;
  const applicable = applicableRules(input.policy, input.family, input.conversation);
  const principles: Principle[] = [];
  const deletes = applicable.filter((r) => 'delete_after' in r.rule);
  const forever = applicable.find((r) => 'keep' in r.rule) ?? null;
  const keeps = applicable.filter((r) => 'keep_at_least' in r.rule);

  // Principles 4 and 5: explicit deletions first, then the shortest among them.
  const explicit = deletes.filter((r) => r.scope === 'conversation_id');
  const pool = explicit.length > 0 ? explicit : deletes;
  const deleteRule = shortest(pool, at);
  const shortestOverall = shortest(deletes, at);
  if (deleteRule && shortestOverall && compareDurations(durationOf(shortestOverall), durationOf(deleteRule), at) < 0) principles.push('explicit_beats_implicit');
  if (deleteRule && pool.length > 1 && pool.some((r) => compareDurations(durationOf(r), durationOf(deleteRule), at) !== 0)) principles.push('shortest_delete');

  // Principles 2 and 3: a keep outlasting the deletion decides.
  let decidedBy: RuleRef | null = deleteRule;
  const longestKeep = longest(keeps, at);
  let reach: Duration | null = deleteRule ? durationOf(deleteRule) : null;
  if (forever) {
    if (deleteRule) principles.push('keep_beats_delete');
    decidedBy = forever;
    reach = null;
  } else if (deleteRule && longestKeep && compareDurations(durationOf(longestKeep), durationOf(deleteRule), at) > 0) {
    principles.push('keep_beats_delete');
    const others = keeps.filter((k) => k !== longestKeep && compareDurations(durationOf(k), durationOf(longestKeep), at) < 0);
    if (others.length > 0) principles.push('longest_keep');
    decidedBy = longestKeep;
    reach = durationOf(longestKeep);
  } else if (!deleteRule) {
    decidedBy = forever ?? longestKeep;
    reach = null;
  }

  const cutoff = reach ? shift(now, reach, -1) : null;
  const removableAt = reach && recordTime ? shift(recordTime, reach, 1) : null;
  const expired = cutoff !== null && recordTime !== undefined && recordTime.getTime() < cutoff.getTime();
  const heldBy = [...(input.holds ?? [])];
  if (heldBy.length > 0 && expired) principles.unshift('hold');
  return { family: input.family, applicable, deleteRule, decidedBy, principles, cutoff, removableAt, expired, heldBy, removable: expired && heldBy.length === 0 };
}
