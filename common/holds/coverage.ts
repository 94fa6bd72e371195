/**
 * What a hold covers, as SQL conditions on a row of any table of a held family.
 * A hold covers whole records: every row of a covered message (versions, deletion
 * marks, reactions, lookup views: whatever table has its conversation_id and
 * message_id), every row of a covered call, and covered app invocations.
 *
 * - messages: the message's created version matches the scope (custodian = author or
 *   mentioned, conversation, created time in [from, to)), and, with words, some
 *   version has all the words (the message search's default, same text index);
 * - calls: some row of the call matches conversation, time and custodian (initiator
 *   or participant); words do not narrow calls (they have no text): a hold with words
 *   keeps the calls of its other filters, the safe side;
 * - app invocations: conversation, time, custodian (the invoking user); words ignored
 *   likewise.
 * Admin events and Custos' audit log are not covered by holds.
 * Values are parameters prefixed per hold (`h0_`, `h1_` ...); only fixed clauses are spliced.
 */
import type { Family } from '../retention/policy.js';
import { exactTokensCondition, exactTokensParams, tokenize } from '../queries/tokens.js';
import { toStoreTime } from '../events/time.js';
import type { LegalHold } from './hold-model.js';

export interface SqlPart {
  sql: string;
  params: Record<string, unknown>;
}

const T = "DateTime64(3, 'UTC')";

/** The columns a table of the family must have for a hold to reach its rows. */
export const HOLD_KEYS: Partial<Record<Family, readonly string[]>> = {
  messages: ['conversation_id', 'message_id'],
  calls: ['conversation_id', 'call_id'],
  app_invocations: ['conversation_id', 'time', 'user_id'],
};

export function heldFamilies(): Family[] {
  return Object.keys(HOLD_KEYS) as Family[];
}

export class HoldReachError extends Error {
  constructor(readonly table: string, readonly family: Family, readonly missing: string[]) {
    super(`table ${table} (family ${family}) lacks ${missing.join(', ')}: a hold could not tell its covered rows, so retention will not delete from it`);
    this.name = 'HoldReachError';
  }
}

function common(h: LegalHold, p: string, params: Record<string, unknown>, timeOk: boolean): string[] {
  const c: string[] = [];
  if (h.scope.conversations.length > 0) {
    params[`${p}conv`] = h.scope.conversations;
    c.push(`conversation_id IN {${p}conv:Array(String)}`);
  }
  if (timeOk && h.scope.from) {
    params[`${p}from`] = toStoreTime(Date.parse(h.scope.from));
    c.push(`time >= {${p}from:${T}}`);
  }
  if (timeOk && h.scope.to) {
    params[`${p}to`] = toStoreTime(Date.parse(h.scope.to));
    c.push(`time < {${p}to:${T}}`);
  }
  return c;
}

/** The keys (conversation_id, message_id) of the messages a hold covers. */
export function heldMessageKeys(h: LegalHold, p: string): SqlPart {
  const params: Record<string, unknown> = {};
  const c = ['tenant = {tenant:String}', "kind = 'created'", ...common(h, p, params, true)];
  if (h.scope.custodians.length > 0) {
    params[`${p}cust`] = h.scope.custodians;
    c.push(`(author_id IN {${p}cust:Array(String)} OR hasAny(mentions, {${p}cust:Array(String)}))`);
  }
  const tokens = tokenize(h.scope.q);
  if (tokens.length > 0) {
    const t = exactTokensParams(`${p}tokens`, tokens);
    Object.assign(params, t.params);
    c.push(`(conversation_id, message_id) IN (SELECT conversation_id, message_id FROM message_versions WHERE tenant = {tenant:String} AND ${exactTokensCondition(`${p}tokens`, t.foldedCount)})`);
  }
  return { sql: `SELECT conversation_id, message_id FROM message_versions WHERE ${c.join(' AND ')}`, params };
}

function heldCallKeys(h: LegalHold, p: string): SqlPart {
  const params: Record<string, unknown> = {};
  const c = ['tenant = {tenant:String}', ...common(h, p, params, true)];
  if (h.scope.custodians.length > 0) {
    params[`${p}cust`] = h.scope.custodians;
    c.push(`(initiator_id IN {${p}cust:Array(String)} OR hasAny(participants, {${p}cust:Array(String)}))`);
  }
  return { sql: `SELECT conversation_id, call_id FROM calls WHERE ${c.join(' AND ')}`, params };
}

/**
 * The condition "hold `h` covers this row" for a table of `family` with `columns`;
 * null when holds never cover the family. Throws HoldReachError when the table lacks
 * the columns the hold needs (the job must stop rather than delete held rows).
 */
export function holdCondition(h: LegalHold, index: number, family: Family, table: string, columns: ReadonlySet<string>): SqlPart | null {
  const keys = HOLD_KEYS[family];
  if (!keys) return null;
  const missing = keys.filter((k) => !columns.has(k));
  if (missing.length > 0) throw new HoldReachError(table, family, missing);
  const p = `h${index}_`;
  if (family === 'messages') {
    const k = heldMessageKeys(h, p);
    return { sql: `(conversation_id, message_id) IN (${k.sql})`, params: k.params };
  }
  if (family === 'calls') {
    const k = heldCallKeys(h, p);
    return { sql: `(conversation_id, call_id) IN (${k.sql})`, params: k.params };
  }
  const params: Record<string, unknown> = {};
  const c = common(h, p, params, true);
  if (h.scope.custodians.length > 0) {
    params[`${p}cust`] = h.scope.custodians;
    c.push(`user_id IN {${p}cust:Array(String)}`);
  }
  return { sql: c.length > 0 ? `(${c.join(' AND ')})` : '1', params };
}

/** Counts of what a hold covers now: distinct messages, distinct calls, app invocations. */
export function coverageCountSql(h: LegalHold): SqlPart {
  const m = heldMessageKeys(h, 'm_');
  const k = heldCallKeys(h, 'k_');
  const a = holdCondition(h, 0, 'app_invocations', 'app_invocations', new Set(HOLD_KEYS.app_invocations))!;
  return {
    sql: `SELECT (SELECT uniqExact(conversation_id, message_id) FROM (${m.sql})) AS messages, (SELECT uniqExact(conversation_id, call_id) FROM (${k.sql})) AS calls,
      (SELECT count() FROM app_invocations WHERE tenant = {tenant:String} AND ${a.sql}) AS app_invocations`,
    params: { ...m.params, ...k.params, ...a.params },
  };
}
