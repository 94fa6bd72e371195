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

/** The same shape as analytics/scope.ts' AnalyticsScope (the two contexts may not import each other; the API passes one as the other). */
export type DepartmentScope = { kind: 'all' } | { kind: 'departments'; departments: string[] };

const SEE_ALL_ROLES = new Set(['admin', 'compliance_officer', 'service']);

interface DirectoryRow {
  user_id: string;
  manager_id: string;
  department: string;
  is_reader: number | string;
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

export async function analyticsScopeOf(store: Store, tenant: string, reader: { roles: readonly string[]; email?: string }): Promise<DepartmentScope> {
  if (reader.roles.some((r) => SEE_ALL_ROLES.has(r))) return { kind: 'all' };
  if (!reader.roles.includes('manager') || !reader.email) return { kind: 'departments', departments: [] };
  // One read: each person's latest department and manager, and whether they are the reader (by email).
  const rows = await store.query<DirectoryRow>('analytics: manager scope', `
    SELECT user_id, argMax(manager_id, (time, event_id)) AS manager_id, argMax(department, (time, event_id)) AS department,
      user_id IN (SELECT user_id FROM users_current WHERE tenant = {tenant:String} AND lower(email) = lower({email:String})) AS is_reader
    FROM analytics_departments
    WHERE tenant = {tenant:String}
    GROUP BY user_id`, { tenant, email: reader.email });
  const me = rows.filter((r) => Number(r.is_reader) === 1).map((r) => r.user_id);
  return { kind: 'departments', departments: departmentsBelow(rows, me) };
}
