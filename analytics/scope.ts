/**
 * Which departments a reader of analytics may see: all of them (admins, compliance
 * officers, services: still only aggregates), or a list worked out by the
 * authorization layer (policies/analytics-scope.ts) for a manager.
 *
 * `byPerson` (analytics/scope-people.ts): every row in the range of everyone who ever had
 * one of the departments is in scope, and no other row; a row is then in scope by its
 * person alone, without joining each row to the department its person had that day.
 * `history`: what that is decided from, when the manager's scope was read with it
 * (policies/analytics-scope.ts reads both from one pass over the directory).
 */
import type { ScopeHistory } from './scope-people.js';

export type AnalyticsScope = { kind: 'all' } | { kind: 'departments'; departments: string[]; byPerson?: boolean; history?: readonly ScopeHistory[] };

export const ALL_DEPARTMENTS: AnalyticsScope = { kind: 'all' };
