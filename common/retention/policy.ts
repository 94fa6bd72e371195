/**
 * A tenant's retention policy (DESIGN.md "Legal holds, retention, erasure"):
 * `{"default": {FAMILY: RULE}, "rules": [{"match": {...}, FAMILY: RULE}]}`. Parsing
 * refuses anything else and names the field, so a typo can never become "no rule"
 * (which keeps) or a rule that deletes more than meant.
 */
import { parseDuration, type Duration } from './duration.js';

export const FAMILIES = ['messages', 'calls', 'app_invocations', 'admin_events', 'audit'] as const;
export type Family = (typeof FAMILIES)[number];

export const CONVERSATION_TYPES = ['channel', 'private', 'dm', 'group_dm'] as const;

export type Rule = { delete_after: string } | { keep_at_least: string } | { keep: 'forever' };
export type Match = { conversation_type: string } | { conversation_id: string };
export type FamilyRules = Partial<Record<Family, Rule>>;
export interface PolicyRule extends FamilyRules {
  match: Match;
}
export interface RetentionPolicy {
  default: FamilyRules;
  rules: PolicyRule[];
}

export const EMPTY_POLICY: RetentionPolicy = { default: {}, rules: [] };

export class PolicyError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'PolicyError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseRule(v: unknown, field: string): Rule {
  if (!isObject(v)) throw new PolicyError(field, 'must be an object: {"delete_after": "P90D"}, {"keep_at_least": "P7Y"} or {"keep": "forever"}');
  const keys = Object.keys(v);
  if (keys.length !== 1) throw new PolicyError(field, `must have exactly one of delete_after, keep_at_least, keep (has ${keys.length === 0 ? 'none' : keys.join(', ')})`);
  const [key] = keys as [string];
  const value = v[key];
  if (key === 'keep') {
    if (value !== 'forever') throw new PolicyError(`${field}.keep`, 'must be "forever"');
    return { keep: 'forever' };
  }
  if (key !== 'delete_after' && key !== 'keep_at_least') throw new PolicyError(`${field}.${key}`, 'is not a rule (delete_after, keep_at_least or keep)');
  if (typeof value !== 'string') throw new PolicyError(`${field}.${key}`, 'must be an ISO 8601 duration such as P90D or P7Y');
  try {
    parseDuration(value);
  } catch (err) {
    throw new PolicyError(`${field}.${key}`, (err as Error).message);
  }
  return key === 'delete_after' ? { delete_after: value } : { keep_at_least: value };
}

function parseFamilies(v: Record<string, unknown>, field: string, skip: string[]): FamilyRules {
  const out: FamilyRules = {};
  for (const [key, value] of Object.entries(v)) {
    if (skip.includes(key)) continue;
    if (!(FAMILIES as readonly string[]).includes(key)) throw new PolicyError(`${field}.${key}`, `is not a record family (${FAMILIES.join(', ')})`);
    out[key as Family] = parseRule(value, `${field}.${key}`);
  }
  return out;
}

function parseMatch(v: unknown, field: string): Match {
  if (!isObject(v)) throw new PolicyError(field, 'must be {"conversation_type": T} or {"conversation_id": C}');
  const keys = Object.keys(v);
  if (keys.length !== 1) throw new PolicyError(field, 'must name exactly one of conversation_type, conversation_id');
  const value = v[keys[0]!];
  if (keys[0] === 'conversation_type') {
    if (typeof value !== 'string' || !(CONVERSATION_TYPES as readonly string[]).includes(value)) throw new PolicyError(`${field}.conversation_type`, `must be one of ${CONVERSATION_TYPES.join(', ')}`);
    return { conversation_type: value };
  }
  if (keys[0] === 'conversation_id') {
    if (typeof value !== 'string' || value.length === 0 || value.length > 256) throw new PolicyError(`${field}.conversation_id`, 'must be a conversation id (1 to 256 characters)');
    return { conversation_id: value };
  }
  throw new PolicyError(`${field}.${keys[0]}`, 'is not a match (conversation_type or conversation_id)');
}

/** Validates a policy document; throws PolicyError naming the first wrong field. */
export function parsePolicy(v: unknown): RetentionPolicy {
  if (!isObject(v)) throw new PolicyError('policy', 'must be a JSON object with "default" and "rules"');
  for (const key of Object.keys(v)) if (key !== 'default' && key !== 'rules') throw new PolicyError(key, 'is not a policy field (default, rules)');
  const def = v.default ?? {};
  if (!isObject(def)) throw new PolicyError('default', 'must be an object of FAMILY: RULE');
  const rawRules = v.rules ?? [];
  if (!Array.isArray(rawRules)) throw new PolicyError('rules', 'must be a list');
  if (rawRules.length > 10_000) throw new PolicyError('rules', 'must have at most 10,000 rules');
  const rules = rawRules.map((r: unknown, i): PolicyRule => {
    const field = `rules[${i}]`;
    if (!isObject(r)) throw new PolicyError(field, 'must be an object with "match" and FAMILY: RULE');
    if (!('match' in r)) throw new PolicyError(`${field}.match`, 'is required');
    const families = parseFamilies(r, field, ['match']);
    if (families.audit) throw new PolicyError(`${field}.audit`, 'the audit log has one chain per tenant: only "default" may set its rule');
    if (Object.keys(families).length === 0) throw new PolicyError(field, 'names no family');
    return { match: parseMatch(r.match, `${field}.match`), ...families };
  });
  return { default: parseFamilies(def, 'default', []), rules };
}

export function ruleDuration(rule: Rule): Duration | null {
  if ('delete_after' in rule) return parseDuration(rule.delete_after);
  if ('keep_at_least' in rule) return parseDuration(rule.keep_at_least);
  return null;
}
