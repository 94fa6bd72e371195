/**
 * Auditors' search over a tenant's audit log: by action, subject pseudonym, time
 * range and outcome, newest first or oldest first, with an exact total and a cursor
 * (the last seq of the page) for the next page. Filters reach SQL only as parameters; the WHERE
 * clause is assembled from a fixed list of conditions.
 */
import type { Store } from '../store/store.js';
import { AUDIT_OUTCOMES, type AuditOutcome, type ChainedEntry } from './entry.js';
import { AUDIT_COLUMNS, fromRow, type AuditRow } from './rows.js';
import { orderSql, type ListOrder } from '../queries/list-order.js';

export { AUDIT_OUTCOMES };

export interface AuditSearch {
  tenant: string;
  action?: string;
  subjectRef?: string;
  outcome?: AuditOutcome;
  fromMs?: number;
  toMs?: number;
  /** newest (default) or oldest first, by seq (the chain's order). */
  order?: ListOrder;
  /** Only entries past this seq in the list's order (the cursor of the previous page). */
  pastSeq?: number;
  limit: number;
}

export interface SubjectName {
  subject: string;
  name: string;
}

export interface AuditPage {
  items: ChainedEntry[];
  /** Who is behind each pseudonym on the page, where the mapping still exists (absent once erased). */
  subjects: Map<string, SubjectName>;
  total: number;
  /** seq to pass as pastSeq for the next page, or null when this is the last page. */
  nextPastSeq: number | null;
}

export async function searchAuditLog(store: Store, q: AuditSearch): Promise<AuditPage> {
  const where = ['tenant = {tenant:String}'];
  const params: Record<string, unknown> = { tenant: q.tenant, limit: q.limit + 1 };
  if (q.action !== undefined) (where.push('action = {action:String}'), (params.action = q.action));
  if (q.subjectRef !== undefined) (where.push('subject_ref = {subject_ref:String}'), (params.subject_ref = q.subjectRef));
  if (q.outcome !== undefined) (where.push('outcome = {outcome:String}'), (params.outcome = q.outcome));
  if (q.fromMs !== undefined) (where.push('time >= fromUnixTimestamp64Milli({from_ms:Int64})'), (params.from_ms = q.fromMs));
  if (q.toMs !== undefined) (where.push('time < fromUnixTimestamp64Milli({to_ms:Int64})'), (params.to_ms = q.toMs));
  const filter = where.join(' AND ');
  const { direction, comparison } = orderSql(q.order);
  const pageFilter = q.pastSeq !== undefined ? `${filter} AND seq ${comparison} {past_seq:UInt64}` : filter;
  if (q.pastSeq !== undefined) params.past_seq = q.pastSeq;
  const [rows, counted] = await Promise.all([
    store.query<AuditRow>('audit search: page', `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${pageFilter} ORDER BY seq ${direction} LIMIT {limit:UInt32}`, params),
    store.query<{ total: string }>('audit search: total', `SELECT count() AS total FROM audit_log WHERE ${filter}`, params),
  ]);
  // One row more than asked says whether a next page exists, without a second count.
  const items = rows.slice(0, q.limit).map(fromRow);
  const next = rows.length > q.limit ? items.at(-1)!.seq : null;
  return { items, subjects: await resolveSubjects(store, [...new Set(items.map((i) => i.subjectRef))]), total: Number(counted[0]?.total ?? 0), nextPastSeq: next };
}

/** Pseudonym -> subject and name from audit_subjects (outside the chain, so erasable). */
export async function resolveSubjects(store: Store, refs: string[]): Promise<Map<string, SubjectName>> {
  if (refs.length === 0) return new Map();
  const rows = await store.query<{ subject_ref: string; subject: string; name: string }>(
    'audit search: subjects',
    'SELECT subject_ref, any(subject) AS subject, any(name) AS name FROM audit_subjects WHERE subject_ref IN {refs:Array(String)} GROUP BY subject_ref',
    { refs },
  );
  return new Map(rows.map((r) => [r.subject_ref, { subject: r.subject, name: r.name }]));
}
