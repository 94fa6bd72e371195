/**
 * Retention over HTTP: the policy in force (GET) and a new version of it (PUT, with
 * the first-run brake and the old and new policy in the audit entry), the deletion
 * receipts, queueing a run or a dry run, and "why is this kept?" for a message or a
 * call (common/retention/explain.ts, the job's own resolution).
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import type { Pseudonymizer } from '../../common/audit/index.js';
import type { JobService } from '../../common/jobs/job-service.js';
import { PolicyError } from '../../common/retention/policy.js';
import { currentPolicy } from '../../common/retention/policy-store.js';
import { RetentionBrakeError, setRetentionPolicy } from '../../common/retention/set-policy.js';
import { listReceipts } from '../../common/retention/receipts.js';
import { explainCall, explainMessage, type Explanation } from '../../common/retention/explain.js';
import { HttpProblem } from '../problem.js';
import { PROBLEM_BASE } from '../middleware/problems.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { limitField, platformId, queryObject, tenantParam } from '../schemas/query-fields.js';
import { jobProblem } from './jobs.js';

export interface RetentionSettings {
  /** UTC hour of the daily run (CUSTOS_RETENTION_HOUR). */
  hour: number;
  /** CUSTOS_RETENTION_CONFIRM_FRACTION. */
  confirmFraction: number;
}

const policyView = z.object({
  tenant: z.string(), version: z.number().int().meta({ description: '0 when no policy was ever set: everything is kept' }),
  policy: z.record(z.string(), z.unknown()), set_by: z.string().nullable(), set_at: z.string().nullable(),
});
const firstRunView = z.object({ records: z.number().int(), stored: z.number().int(), fraction: z.number(), by_family: z.record(z.string(), z.number()) });
const explanationView = z.object({
  record: z.object({ kind: z.enum(['message', 'call']), conversation_id: z.string(), id: z.string(), time: z.string(), conversation_type: z.string().nullable() }),
  family: z.string(), policy_version: z.number().int(), status: z.enum(['kept', 'removable', 'held']),
  kept_until: z.string().nullable(), forever: z.boolean(),
  rule: z.object({ path: z.string(), scope: z.string(), rule: z.unknown() }).nullable(),
  principles: z.array(z.string()), applicable_rules: z.array(z.object({ path: z.string(), scope: z.string(), rule: z.unknown() })),
  holds: z.array(z.object({ id: z.string(), case_name: z.string() })), removal_expected_at: z.string().nullable(), summary: z.string(),
});
const receiptView = z.object({
  receipt_id: z.string(), job_id: z.string(), policy_version: z.number().int(), started_at: z.string(), finished_at: z.string(),
  key_id: z.string(), signature: z.string().meta({ description: 'Ed25519 over `receipt_json`, base64' }), receipt_json: z.string().meta({ description: 'the signed canonical JSON: counts, cut-offs, partitions, holds, statement ids; never text' }),
});

export function retentionRoutes(deps: { store: Store; jobs: JobService; pseudonyms: Pseudonymizer; settings?: RetentionSettings }): RouteSpec[] {
  const settings = deps.settings ?? { hour: 2, confirmFraction: 0.1 };
  const tenantOnly = z.strictObject({ tenant: tenantParam });
  const getPolicy = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/retention/policy', operationId: 'getRetentionPolicy', summary: 'The retention policy in force and its version', tags: ['retention'],
    scope: 'retention:read', action: 'retention.policy.get', params: tenantOnly, query: queryObject({}), response: policyView,
    handler: async ({ tenant }) => {
      const p = await currentPolicy(deps.store, tenant);
      return { body: { tenant, version: p.version, policy: p.policy as unknown as Record<string, unknown>, set_by: p.setBy, set_at: p.setAt }, resultCount: 1 };
    },
  });
  const putPolicy = defineRoute({
    method: 'put', path: '/v1/tenants/:tenant/retention/policy', operationId: 'setRetentionPolicy',
    summary: 'Set a new version of the retention policy; refused (409, with figures) when its first run would delete more than the configured share, unless confirm', tags: ['retention'],
    scope: 'retention:manage', action: 'retention.policy.set', params: tenantOnly, query: queryObject({}),
    body: z.strictObject({
      policy: z.record(z.string(), z.unknown()).meta({ description: 'The policy (DESIGN.md): {"default": {FAMILY: RULE}, "rules": [{"match": {...}, FAMILY: RULE}]}' }),
      confirm: z.boolean().default(false).meta({ description: 'Set it even when its first run deletes more than CUSTOS_RETENTION_CONFIRM_FRACTION of the records' }),
    }),
    response: policyView.extend({ previous_version: z.number().int(), first_run: firstRunView }),
    conflict: 'The first run of this policy would delete more than CUSTOS_RETENTION_CONFIRM_FRACTION of the records: `would_delete`, `records`, `fraction`, `limit`, `by_family` say how much; send `confirm: true` to set it',
    handler: async ({ tenant, body, principal }) => {
      try {
        const r = await setRetentionPolicy(deps.store, { tenant, raw: body.policy, confirm: body.confirm, setBy: deps.pseudonyms.refOf(principal.subject), confirmFraction: settings.confirmFraction });
        const firstRun = { records: r.firstRun.records, stored: r.firstRun.stored, fraction: r.firstRun.fraction, by_family: r.firstRun.byFamily };
        return {
          body: { tenant, version: r.current.version, policy: r.current.policy as unknown as Record<string, unknown>, set_by: r.current.setBy, set_at: r.current.setAt, previous_version: r.previous.version, first_run: firstRun },
          resultCount: 1,
          audit: { old_version: r.previous.version, old_policy: r.previous.policy, new_version: r.current.version, new_policy: r.current.policy, first_run_records: r.firstRun.records },
        };
      } catch (err) {
        if (err instanceof PolicyError) throw new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: `body.policy.${err.field}: ${err.reason}`, field: `policy.${err.field}` });
        if (err instanceof RetentionBrakeError) {
          throw new HttpProblem({
            status: 409, type: `${PROBLEM_BASE}retention-confirm`, title: 'Confirm a policy that deletes this much', detail: err.message, field: 'confirm',
            would_delete: err.firstRun.records, records: err.firstRun.stored, fraction: err.firstRun.fraction, limit: err.limit, by_family: err.firstRun.byFamily,
          });
        }
        throw err;
      }
    },
  });
  const receipts = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/retention/receipts', operationId: 'listRetentionReceipts', summary: 'Signed deletion receipts of past retention runs, newest first', tags: ['retention'],
    scope: 'retention:read', action: 'retention.receipts.list', params: tenantOnly, query: queryObject({ limit: limitField(100, 20) }),
    response: z.object({ items: z.array(receiptView), total: z.number().int(), next_cursor: z.null() }),
    handler: async ({ tenant, query }) => {
      const r = await listReceipts(deps.store, tenant, { limit: query.limit });
      const items = r.receipts.map((x) => ({ receipt_id: x.receiptId, job_id: x.jobId, policy_version: x.policyVersion, started_at: x.startedAt, finished_at: x.finishedAt, key_id: x.keyId, signature: x.signature, receipt_json: x.receipt }));
      return { body: { items, total: r.total, next_cursor: null }, resultCount: items.length };
    },
  });
  const run = defineRoute({
    method: 'post', path: '/v1/tenants/:tenant/retention/runs', operationId: 'createRetentionRun', summary: 'Queue a retention run now, or a dry run that reports exactly what it would remove', tags: ['retention'],
    scope: 'retention:manage', action: 'retention.run', params: tenantOnly, query: queryObject({}),
    body: z.strictObject({ dry_run: z.boolean().default(false) }),
    response: z.object({ job_id: z.string(), state: z.string(), dry_run: z.boolean(), href: z.string() }), successStatus: 202,
    handler: async ({ tenant, body, principal }) => {
      try {
        const job = await deps.jobs.submit(tenant, 'retention', { dry_run: body.dry_run }, { subjectRef: deps.pseudonyms.refOf(principal.subject), kind: principal.kind });
        return { status: 202, body: { job_id: job.id, state: job.state, dry_run: body.dry_run, href: `/v1/tenants/${tenant}/jobs/${job.id}` }, resultCount: 1, audit: { job_id: job.id } };
      } catch (err) {
        throw jobProblem(err);
      }
    },
  });
  const answer = (e: Explanation | null, what: string, field: string) => {
    if (!e) throw new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: `${what} not found`, detail: `no such ${what.toLowerCase()} in this tenant`, field });
    return { body: e, resultCount: 1 };
  };
  const explainMsg = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/messages/:conversationId/:messageId/retention', operationId: 'explainMessageRetention',
    summary: 'Why this message is kept: until when (or forever), by which rule, which holds cover it, when it will be removed', tags: ['retention'],
    scope: 'retention:explain', action: 'retention.explain.message',
    params: z.strictObject({ tenant: tenantParam, conversationId: platformId('Conversation id'), messageId: platformId('Message id') }), query: queryObject({}),
    response: explanationView,
    handler: async ({ tenant, params }) => answer(await explainMessage(deps.store, tenant, params.conversationId, params.messageId, { hour: settings.hour }), 'Message', 'messageId'),
  });
  const explainCallRoute = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/calls/:conversationId/:callId/retention', operationId: 'explainCallRetention',
    summary: 'Why this call is kept: until when (or forever), by which rule, which holds cover it, when it will be removed', tags: ['retention'],
    scope: 'retention:explain', action: 'retention.explain.call',
    params: z.strictObject({ tenant: tenantParam, conversationId: platformId('Conversation id'), callId: platformId('Call id') }), query: queryObject({}),
    response: explanationView,
    handler: async ({ tenant, params }) => answer(await explainCall(deps.store, tenant, params.conversationId, params.callId, { hour: settings.hour }), 'Call', 'callId'),
  });
  return [getPolicy, putPolicy, receipts, run, explainMsg, explainCallRoute] as unknown as RouteSpec[];
}
