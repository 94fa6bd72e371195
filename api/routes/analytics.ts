/**
 * Engagement analytics for managers: series a chart draws directly, a dashboard's
 * summary, and the tenant's analytics settings. Every answer is aggregated and went
 * through the privacy floor (analytics/privacy-floor.ts); the departments a reader
 * may see are decided by the authorization layer (policies/analytics-scope.ts).
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import { GROUP_BYS, METRIC_NAMES } from '../../analytics/catalogue.js';
import { AnalyticsInputError, readEngagement } from '../../analytics/engagement.js';
import { readSummary, SUMMARY_FIGURES } from '../../analytics/summary.js';
import { analyticsSettingsSchema, readAnalyticsSettings, writeAnalyticsSettings } from '../../analytics/settings.js';
import { createAnswerCache, type AnswerCache, type DataVersion } from '../../analytics/answer-cache.js';
import type { AnalyticsScope } from '../../analytics/scope.js';
import { readScopeHistory, rowsByPerson } from '../../analytics/scope-people.js';
import { analyticsScopeOf } from '../../policies/analytics-scope.js';
import { defineRoute, type Principal, type RouteSpec } from '../route-spec.js';
import { problems } from '../middleware/problems.js';
import { queryObject, tenantOnlyParams } from '../schemas/query-fields.js';

const localDate = (what: string) => z.string()
  .regex(/^(19[7-9]\d|20\d\d|21[0-4]\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD between 1970 and 2149')
  .refine((d) => { const ms = Date.parse(`${d}T00:00:00Z`); return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(d); }, 'must be a date that exists')
  .meta({ description: `${what} (a local date in the tenant's time zone, inclusive)`, minLength: 10, maxLength: 10 });

const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
/** Without a range: the 28 days ending today (UTC date), four whole weeks of a dashboard. */
const rangeQuery = {
  from: localDate('First day (default: 27 days before `to`)').optional(),
  to: localDate('Last day (default: today)').optional(),
};
function range(q: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } {
  const to = q.to ?? (q.from && q.from > today() ? q.from : today());
  return { from: q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 27 * DAY).toISOString().slice(0, 10), to };
}

export const engagementQuery = queryObject({
  metric: z.enum(METRIC_NAMES).optional().transform((v) => v ?? 'active_people').meta({ description: 'The metric (docs/analytics.md lists them; default active_people)' }),
  period: z.enum(['day', 'week', 'month']).optional().transform((v) => v ?? 'week').meta({ description: 'Local day, ISO week (Monday first) or month (default week)' }),
  group_by: z.enum(GROUP_BYS).optional().transform((v) => v ?? 'none').meta({ description: 'One series per group (default none: one series for everyone in scope)' }),
  ...rangeQuery,
});

const asOf = z.string().meta({
  description: 'How fresh the answer is (RFC 3339, UTC): every event stored by this time is counted. An answer may be up to '
    + 'CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS older than the request while only new events arrived; a retention cut, erasure, '
    + 'restriction, backfill, directory or settings change is always reflected at once.',
  format: 'date-time',
});

const reason = z.enum(['fewer_than_k_people', 'difference_with_shown_groups', 'conversation_under_k_members']);

export const engagementResponse = z.object({
  metric: z.string(),
  unit: z.string(),
  period: z.enum(['day', 'week', 'month']),
  from: z.string(),
  to: z.string(),
  group_by: z.enum(GROUP_BYS),
  k: z.number().int(),
  periods: z.array(z.string()),
  series: z.array(z.object({ group: z.string().nullable(), values: z.array(z.number().nullable()) })),
  suppressed: z.array(z.object({ period: z.string(), group: z.string().nullable(), reason, count: z.number().int().optional() })),
  departments: z.union([z.literal('all'), z.array(z.string())]),
  as_of: asOf,
});

export const summaryResponse = z.object({
  from: z.string(),
  to: z.string(),
  k: z.number().int(),
  figures: z.record(z.enum(SUMMARY_FIGURES), z.number().nullable()),
  suppressed: z.array(z.object({ figure: z.enum(SUMMARY_FIGURES), reason })),
  departments: z.union([z.literal('all'), z.array(z.string())]),
  as_of: asOf,
});

const settingsResponse = z.object({ time_zone: z.string(), work_start: z.string(), work_end: z.string(), weekend: z.array(z.number().int()) });

function rolesIn(principal: Principal, tenant: string): string[] {
  return Object.hasOwn(principal.roles, tenant) ? principal.roles[tenant]! : [];
}

/**
 * The caller's departments, remembered at the same data version as the answers (the
 * directory tables are among those it is taken from): a manager's scope is a walk of
 * the whole directory, as costly as the answer itself.
 */
async function scopeFor(store: Store, cache: AnswerCache, version: DataVersion, tenant: string, principal: Principal): Promise<AnalyticsScope> {
  const roles = [...rolesIn(principal, tenant)].sort();
  const email = principal.email?.toLowerCase();
  // The directory is among the exact tables: a scope is never older than the last directory change.
  return (await cache.answer(version, ['scope', tenant, roles, email ?? null], () => analyticsScopeOf(store, tenant, { roles, ...(email ? { email } : {}) }))).value;
}

/**
 * A manager's scope for a range starting on `from`, marked `byPerson` when their rows'
 * scope does not depend on the day (analytics/scope-people.ts): the directory history
 * it is decided from is remembered at the same data version.
 */
async function scopeForRange(store: Store, cache: AnswerCache, version: DataVersion, tenant: string, scope: AnalyticsScope, from: string): Promise<AnalyticsScope> {
  if (scope.kind === 'all' || scope.departments.length === 0) return scope;
  const departments = [...scope.departments].sort();
  // A manager's scope comes with the history from its own read of the directory (policies/analytics-scope.ts).
  const history = scope.history ?? (await cache.answer(version, ['scope-history', tenant, departments], () => readScopeHistory(store, tenant, departments))).value;
  return rowsByPerson(history, from) ? { ...scope, byPerson: true } : scope;
}

/** The scope as a cache key: the same departments in any order are the same scope (byPerson follows from them). */
const scopeKey = (scope: AnalyticsScope) => (scope.kind === 'all' ? 'all' : [...scope.departments].sort());

function inputProblem(err: unknown): never {
  if (err instanceof AnalyticsInputError) throw problems.invalid(err.field, `query parameter ${err.field}: ${err.message}`);
  throw err;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString();

/** `answers`: the cache of answers (analytics/answer-cache.ts; by default exact: any write recomputes). */
export function analyticsRoutes(store: Store, k: number, answers: AnswerCache = createAnswerCache(store)): RouteSpec[] {
  const engagement = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/analytics/engagement',
    operationId: 'getEngagement',
    summary: 'One engagement metric per period and group, under the privacy floor (no figure about fewer than k people)',
    tags: ['analytics'],
    scope: 'metrics:read',
    action: 'analytics.engagement',
    params: tenantOnlyParams,
    query: engagementQuery,
    response: engagementResponse,
    handler: async ({ tenant, query, principal }) => {
      const version = await answers.version();
      const scope = await scopeFor(store, answers, version, tenant, principal);
      const q = { tenant, metric: query.metric, period: query.period, ...range(query), groupBy: query.group_by, k };
      const { value: answer, asOf } = await answers.answer(version, ['engagement', scopeKey(scope), q],
        async () => readEngagement(store, { ...q, scope: await scopeForRange(store, answers, version, tenant, scope, q.from) })).catch(inputProblem);
      const departments = scope.kind === 'all' ? 'all' as const : scope.departments;
      return { body: { ...answer, departments, as_of: rfc3339(asOf) }, resultCount: answer.series.length, audit: { departments, suppressed: answer.suppressed.length, as_of: rfc3339(asOf) } };
    },
  });
  const summary = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/analytics/engagement/summary',
    operationId: 'getEngagementSummary',
    summary: 'A dashboard\'s headline engagement figures for a range, under the privacy floor',
    tags: ['analytics'],
    scope: 'metrics:read',
    action: 'analytics.summary',
    params: tenantOnlyParams,
    query: queryObject(rangeQuery),
    response: summaryResponse,
    handler: async ({ tenant, query, principal }) => {
      const version = await answers.version();
      const scope = await scopeFor(store, answers, version, tenant, principal);
      const q = { tenant, ...range(query), k };
      const { value: answer, asOf } = await answers.answer(version, ['summary', scopeKey(scope), q],
        async () => readSummary(store, { ...q, scope: await scopeForRange(store, answers, version, tenant, scope, q.from) })).catch(inputProblem);
      const departments = scope.kind === 'all' ? 'all' as const : scope.departments;
      return { body: { ...answer, departments, as_of: rfc3339(asOf) }, resultCount: 1, audit: { departments, suppressed: answer.suppressed.length, as_of: rfc3339(asOf) } };
    },
  });
  const getSettings = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/analytics/settings',
    operationId: 'getAnalyticsSettings',
    summary: 'The tenant\'s analytics settings: time zone, working hours, weekend',
    tags: ['analytics'],
    scope: 'metrics:read',
    action: 'analytics.settings.get',
    params: tenantOnlyParams,
    query: queryObject({}),
    response: settingsResponse,
    handler: async ({ tenant }) => ({ body: await readAnalyticsSettings(store, tenant), resultCount: 1 }),
  });
  const putSettings = defineRoute({
    method: 'put',
    path: '/v1/tenants/:tenant/analytics/settings',
    operationId: 'putAnalyticsSettings',
    summary: 'Sets the analytics settings; rows arriving after apply them, metrics-backfill recomputes the rest',
    tags: ['analytics'],
    scope: 'analytics:configure',
    action: 'analytics.settings.put',
    params: tenantOnlyParams,
    query: queryObject({}),
    body: analyticsSettingsSchema,
    response: settingsResponse,
    handler: async ({ tenant, body }) => ({ body: await writeAnalyticsSettings(store, tenant, body), resultCount: 1, audit: { settings: body } }),
  });
  return [engagement, summary, getSettings, putSettings] as unknown as RouteSpec[];
}
