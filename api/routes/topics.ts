/**
 * Topic analysis for managers (docs/topics.md): terms, trends, recurring topics,
 * bottlenecks, training needs and sentiment per department or conversation and
 * period, only in aggregate, through the privacy floor; and the conversations left
 * out of it (GDPR Art. 21 objections, policy). A compliance officer also gets, per
 * term, the query of the normal (audited) message search that finds its messages;
 * nobody gets message text here.
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import type { Pseudonymizer } from '../../common/audit/pseudonym.js';
import { AnalyticsInputError } from '../../analytics/engagement.js';
import { readTopics, TOPIC_VIEWS, type TopicAnswer } from '../../analytics/topics/read-topics.js';
import { readExclusions, shownExclusion, writeExclusion } from '../../analytics/topics/topic-store.js';
import { readAnalyticsSettings } from '../../analytics/settings.js';
import { localMidnight } from '../../common/queries/search-query/dates.js';
import { analyticsScopeOf } from '../../policies/analytics-scope.js';
import { defineRoute, type Principal, type RouteSpec } from '../route-spec.js';
import { problems } from '../middleware/problems.js';
import { platformId, plainText, queryObject, tenantOnlyParams, tenantParam, wholeNumberPattern } from '../schemas/query-fields.js';

const localDate = (what: string) => z.string()
  .regex(/^(19[7-9]\d|20\d\d|21[0-4]\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD between 1970 and 2149')
  .refine((d) => { const ms = Date.parse(`${d}T00:00:00Z`); return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(d); }, 'must be a date that exists')
  .meta({ description: `${what} (a local date in the tenant's time zone, inclusive)`, minLength: 10, maxLength: 10 });

/** A whole number min..max given as a string, bounded in the document (pattern and length) as the contract test wants. */
const int = (min: number, max: number, dflt: number, description: string) => z.string().regex(new RegExp(wholeNumberPattern(max)), `must be a whole number from ${min} to ${max}`)
  .meta({ minLength: 1, maxLength: String(max).length })
  .transform(Number).refine((n) => n >= min, `must be a whole number from ${min} to ${max}`)
  .optional().transform((v) => v ?? dflt).meta({ description: `${description}, ${min}..${max} (default ${dflt})` });

export const topicsQuery = queryObject({
  view: z.enum(TOPIC_VIEWS).optional().transform((v) => v ?? 'terms').meta({ description: 'terms (TF-IDF terms and phrases), trends, recurring, bottlenecks, training, sentiment (default terms)' }),
  period: z.enum(['week', 'month']).optional().transform((v) => v ?? 'week').meta({ description: 'ISO week or month (default week)' }),
  group_by: z.enum(['none', 'department', 'conversation']).optional().transform((v) => v ?? 'department').meta({ description: 'One table and series per group (default department)' }),
  from: localDate('First day (default: 83 days before `to`)').optional(),
  to: localDate('Last day (default: today)').optional(),
  limit: int(1, 200, 20, 'Rows per table'),
  baseline: int(1, 52, 4, 'trends: previous periods each period is compared with'),
  reply_within: int(60, 30 * 86_400, 86_400, 'bottlenecks: seconds within which a question counts as answered'),
});

const suppressedSchema = z.object({ period: z.string(), group: z.string().nullable(), reason: z.enum(['fewer_than_k_people', 'difference_with_shown_groups', 'conversation_under_k_members']), count: z.number().int().optional() });
const rowSchema = z.object({
  kind: z.enum(['term', 'phrase']), term: z.string(), display: z.string(), forms: z.array(z.string()),
  search: z.object({ q: z.string(), from: z.string(), to: z.string() }).optional(),
}).catchall(z.number());

export const topicsResponse = z.object({
  view: z.enum(TOPIC_VIEWS),
  period: z.enum(['week', 'month']),
  from: z.string(),
  to: z.string(),
  group_by: z.enum(['none', 'department', 'conversation']),
  k: z.number().int(),
  periods: z.array(z.string()),
  tables: z.array(z.object({ period: z.string(), group: z.string().nullable(), rows: z.array(rowSchema) })),
  series: z.array(z.object({ group: z.string().nullable(), figure: z.string(), values: z.array(z.number().nullable()) })),
  suppressed: z.array(suppressedSchema),
  analyzer: z.object({ name: z.string(), version: z.string() }),
  departments: z.union([z.literal('all'), z.array(z.string())]),
});

const exclusionView = z.object({ conversation_id: z.string(), excluded: z.boolean(), reason: z.enum(['objection', 'policy']), note: z.string(), changed_by: z.string(), changed_at: z.string() });

const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);

function rolesIn(principal: Principal, tenant: string): string[] {
  return Object.hasOwn(principal.roles, tenant) ? principal.roles[tenant]! : [];
}

/** The message search query that finds a term's messages (any of its forms; a phrase as a phrase). */
export function searchQueryOf(forms: readonly string[], kind: 'term' | 'phrase'): string {
  const parts = forms.map((f) => (kind === 'phrase' ? `"${f}"` : f));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/** The UTC instant (RFC 3339) of the local midnight starting `date` in `zone`. */
function midnightOf(date: string, zone: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(localMidnight(zone, y, m - 1, d)).toISOString();
}

/**
 * Compliance officers follow a term to its messages through the audited search: the
 * query, and the range (RFC 3339) from the local midnight the row's period starts at to
 * the one after it ends (the tenant's zone, as the periods).
 */
function withSearch(answer: TopicAnswer, zone: string): TopicAnswer {
  // The period's last day (a week's Sunday, a month's last day), never after the range.
  const last = (p: string) => (answer.period === 'week' ? Date.parse(`${p}T00:00:00Z`) + 6 * DAY : Date.UTC(Number(p.slice(0, 4)), Number(p.slice(5, 7)), 0));
  const end = (p: string) => (answer.view === 'recurring' ? answer.to : new Date(Math.min(Date.parse(`${answer.to}T00:00:00Z`), last(p))).toISOString().slice(0, 10));
  for (const t of answer.tables) {
    const from = midnightOf(t.period < answer.from ? answer.from : t.period, zone);
    const to = midnightOf(new Date(Date.parse(`${end(t.period)}T00:00:00Z`) + DAY).toISOString().slice(0, 10), zone);
    for (const r of t.rows) r.search = { q: searchQueryOf(r.forms, r.kind), from, to };
  }
  return answer;
}

export function topicRoutes(deps: { store: Store; k: number; pseudonyms?: Pseudonymizer }): RouteSpec[] {
  const { store, k } = deps;
  const topics = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/analytics/topics',
    operationId: 'getTopics',
    summary: 'Topics of groups (terms, trends, recurring topics, bottlenecks, training needs, sentiment) per period and department or conversation, under the privacy floor; never message text',
    tags: ['analytics'],
    scope: 'metrics:read',
    action: 'analytics.topics',
    params: tenantOnlyParams,
    query: topicsQuery,
    response: topicsResponse,
    handler: async ({ tenant, query, principal }) => {
      const roles = rolesIn(principal, tenant);
      const scope = await analyticsScopeOf(store, tenant, { roles, ...(principal.email ? { email: principal.email } : {}) });
      const to = query.to ?? (query.from && query.from > today() ? query.from : today());
      const from = query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 83 * DAY).toISOString().slice(0, 10);
      const answer = await readTopics(store, {
        tenant, view: query.view, period: query.period, from, to, groupBy: query.group_by, k, scope,
        limit: query.limit, baseline: query.baseline, replyWithinS: query.reply_within,
      }).catch((err: unknown) => {
        if (err instanceof AnalyticsInputError) throw problems.invalid(err.field, `query parameter ${err.field}: ${err.message}`);
        throw err;
      });
      const departments = scope.kind === 'all' ? 'all' as const : scope.departments;
      const body = roles.includes('compliance_officer') ? withSearch(answer, (await readAnalyticsSettings(store, tenant)).time_zone) : answer;
      return { body: { ...body, departments }, resultCount: answer.tables.length + answer.series.length, audit: { view: query.view, departments, suppressed: answer.suppressed.length } };
    },
  });
  const list = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/analytics/topics/exclusions',
    operationId: 'listTopicExclusions',
    summary: 'Conversations left out of topic analysis (and lifted exclusions), with why and when',
    tags: ['analytics'],
    scope: 'topics:exclude',
    action: 'analytics.topics.exclusions.list',
    params: tenantOnlyParams,
    query: queryObject({}),
    response: z.object({ items: z.array(exclusionView) }),
    handler: async ({ tenant }) => {
      const items = (await readExclusions(store, tenant)).map((e) => ({ ...shownExclusion(e), reason: e.reason as 'objection' | 'policy' }));
      return { body: { items }, resultCount: items.length };
    },
  });
  const put = defineRoute({
    method: 'put',
    path: '/v1/tenants/:tenant/analytics/topics/exclusions/:conversationId',
    operationId: 'putTopicExclusion',
    summary: 'Leave a conversation out of topic analysis (answers at once, its analysis deleted at the next run) or lift that (analysed again at the next run)',
    tags: ['analytics'],
    scope: 'topics:exclude',
    action: 'analytics.topics.exclusions.put',
    params: z.strictObject({ tenant: tenantParam, conversationId: platformId('Conversation id') }),
    query: queryObject({}),
    body: z.strictObject({
      excluded: z.boolean().meta({ description: 'true: leave the conversation out; false: analyse it again' }),
      reason: z.enum(['objection', 'policy']).meta({ description: 'objection (GDPR Art. 21) or policy' }),
      note: plainText(0, 2000, 'must be at most 2000 characters without control characters').optional().meta({ description: 'A reference (the request number, the policy): not a name, the row is kept for as long as the exclusion' }),
    }),
    response: exclusionView,
    handler: async ({ tenant, params, body, principal }) => {
      const changedBy = deps.pseudonyms ? deps.pseudonyms.refOf(principal.subject) : principal.subject;
      const e = await writeExclusion(store, tenant, { conversationId: params.conversationId, excluded: body.excluded, reason: body.reason, note: body.note ?? '', changedBy });
      return { body: { ...shownExclusion(e), reason: body.reason }, resultCount: 1, audit: { conversation_id: params.conversationId, excluded: body.excluded, reason: body.reason } };
    },
  });
  return [topics, list, put] as unknown as RouteSpec[];
}
