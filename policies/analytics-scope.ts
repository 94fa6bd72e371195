/**
 * Which departments a reader of analytics may see, decided here, in the
 * authorization layer, never by a client (DESIGN.md "Analytics for managers").
 * Admins, compliance officers and services see every department (aggregates only).
 * A manager sees every department of anyone who reports to them, directly or not,
 * through the directory's `manager_id`, as the directory has it now. A manager is
 * found in the directory by the sign-in's email (an IdP's `email` claim, or an API
 * token whose name is an email); one the directory does not know sees nothing.
 */
import type { Store } from '../common/store/store.js';

/**
 * The same shape as analytics/scope.ts' AnalyticsScope (the two contexts may not import each other; the API passes one as the other).
 * `history`: the directory history of everyone who ever had one of the departments, taken from the same read
 * (analytics/scope-people.ts decides from it whether rows may be selected by person).
 */
export type DepartmentScope = { kind: 'all' } | { kind: 'departments'; departments: string[]; history?: PersonHistory[] };

/** A person's directory history as far as a manager's scope needs it: first row (epoch ms) and departments outside the scope. */
export interface PersonHistory {
  user: string;
  firstMs: number;
  /** Distinct departments (or none, '') of theirs outside the scope. */
  outside: number;
}

const SEE_ALL_ROLES = new Set(['admin', 'compliance_officer', 'service']);

interface DirectoryRow {
  user_id: string;
  manager_id: string;
  department: string;
  is_reader: number | string;
  first_ms: string;
  /** Every department the person ever had ('' for none). */
  had: string[];
}

/** The departments of everyone below `roots` in the manager tree (roots themselves excluded). */
export function departmentsBelow(rows: ReadonlyArray<{ user_id: string; manager_id: string; department: string }>, roots: readonly string[]): string[] {
  const reports = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.manager_id || r.manager_id === r.user_id) continue;
    reports.set(r.manager_id, [...(reports.get(r.manager_id) ?? []), r.user_id]);
  }
  const department = new Map(rows.map((r) => [r.user_id, r.department]));
  const seen = new Set<string>(roots);
  const queue = [...roots];
  const out = new Set<string>();
  // Breadth first, each person once: a cycle in the directory ends the walk instead of looping.
  while (queue.length > 0) {
    for (const u of reports.get(queue.shift()!) ?? []) {
      if (seen.has(u)) continue;
      seen.add(u);
      queue.push(u);
      const d = department.get(u);
      if (d) out.add(d);
    }
  }
  return [...out].sort();
}

/**
 * The reader's user id by their email as the directory has it now: users_current's
 * email (the latest of their user.created / user.updated events), computed alone
 * rather than through the view, which extracts nine fields from every event (about
 * 4 ms of the 17 this read took at 2,000 people; docs/analytics.md).
 */
const READER_SQL = `
  SELECT user_id FROM admin_events
  WHERE tenant = {tenant:String} AND user_id != '' AND type IN ('user.created', 'user.updated')
  GROUP BY user_id
  HAVING lower(argMax(JSONExtractString(data, 'email'), (time, event_id))) = lower({email:String})`;

export async function analyticsScopeOf(store: Store, tenant: string, reader: { roles: readonly string[]; email?: string }): Promise<DepartmentScope> {
  if (reader.roles.some((r) => SEE_ALL_ROLES.has(r))) return { kind: 'all' };
  if (!reader.roles.includes('manager') || !reader.email) return { kind: 'departments', departments: [] };
  // One read: each person's latest department and manager, whether they are the reader (by email), and their history.
  const rows = await store.query<DirectoryRow>('analytics: manager scope', `
    SELECT user_id, argMax(manager_id, (time, event_id)) AS manager_id, argMax(department, (time, event_id)) AS department,
      user_id IN (${READER_SQL}) AS is_reader, toUnixTimestamp64Milli(min(time)) AS first_ms, groupUniqArray(d.department) AS had
    FROM analytics_departments AS d
    WHERE tenant = {tenant:String}
    GROUP BY user_id`, { tenant, email: reader.email });
  const me = rows.filter((r) => Number(r.is_reader) === 1).map((r) => r.user_id);
  const departments = departmentsBelow(rows, me);
  return { kind: 'departments', departments, history: historyOf(rows, departments) };
}

/** Everyone who ever had one of `departments`, with their first directory row and the other departments they had. */
function historyOf(rows: readonly DirectoryRow[], departments: readonly string[]): PersonHistory[] {
  const inScope = new Set(departments);
  return rows.filter((r) => r.had.some((d) => inScope.has(d)))
    .map((r) => ({ user: r.user_id, firstMs: Number(r.first_ms), outside: r.had.filter((d) => !inScope.has(d)).length }));
}
