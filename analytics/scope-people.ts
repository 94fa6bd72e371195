/**
 * Whether the directory lets a row's scope for a manager be decided by its person alone. A row is in a manager's scope when its person's
 * department at the end of its local day (analytics_departments, as of then) is one of
 * the manager's. When everyone who ever had one of those departments (1) never had any
 * other and (2) had one before the range began, every row of theirs in the range is in
 * scope and no one else's is: the answer can select rows by person instead of joining
 * each row to the department history (that join is most of a manager's query time).
 * Anyone else (moved across the scope's edge, or arrived in the directory during the
 * range) makes it false, and the join decides, as before.
 */
import type { Store } from '../common/store/store.js';

/** Directory history of everyone who ever had one of the departments: what `rowsByPerson` decides from. */
export interface ScopeHistory {
  user: string;
  /** Epoch ms of their first directory row. */
  firstMs: number;
  /** Rows (readScopeHistory) or distinct departments (the manager's scope read) of theirs outside the scope, or none: only whether it is above 0 matters. */
  outside: number;
}

export async function readScopeHistory(store: Store, tenant: string, departments: readonly string[]): Promise<ScopeHistory[]> {
  const rows = await store.query<{ user_id: string; first_ms: string; outside: string }>('analytics: scope history', `
    SELECT user_id, toUnixTimestamp64Milli(min(time)) AS first_ms, countIf(department NOT IN {departments:Array(String)}) AS outside
    FROM analytics_departments
    WHERE tenant = {tenant:String} AND user_id IN (
      SELECT user_id FROM analytics_departments WHERE tenant = {tenant:String} AND department IN {departments:Array(String)})
    GROUP BY user_id`, { tenant, departments });
  return rows.map((r) => ({ user: r.user_id, firstMs: Number(r.first_ms), outside: Number(r.outside) }));
}

/**
 * Whether, for a range starting on local date `from`, rows may be selected by person
 * (false when some row's scope depends on its day). A local day ends at the earliest
 * at 10:00 UTC of the same date (UTC+14), so a first row before `from` 00:00 UTC
 * precedes the end of every day of the range.
 */
export function rowsByPerson(history: readonly ScopeHistory[], from: string): boolean {
  const start = Date.parse(`${from}T00:00:00Z`);
  return !history.some((h) => h.outside > 0 || h.firstMs >= start);
}
