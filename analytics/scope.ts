/**
 * Which departments a reader of analytics may see: all of them (admins, compliance
 * officers, services: still only aggregates), or a list worked out by the
 * authorization layer (policies/analytics-scope.ts) for a manager.
 */
export type AnalyticsScope = { kind: 'all' } | { kind: 'departments'; departments: string[] };

export const ALL_DEPARTMENTS: AnalyticsScope = { kind: 'all' };
