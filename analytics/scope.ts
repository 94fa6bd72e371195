/**
 * Which departments a reader of analytics may see: all of them (admins, compliance
 * officers, services: still only aggregates), or a list worked out by the
 * authorization layer (policies/analytics-scope.ts) for a manager.
 *
 * `people`, when set (analytics/scope-people.ts), lists the people whose every row in
 * the range is in scope, no other row being in scope: then a row is in scope by its
 * person alone, without joining each row to the department its person had that day.
 */
export type AnalyticsScope = { kind: 'all' } | { kind: 'departments'; departments: string[]; people?: string[] };

export const ALL_DEPARTMENTS: AnalyticsScope = { kind: 'all' };
