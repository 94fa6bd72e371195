/**
 * Supervision policies over HTTP (docs/supervision.md): list, read with their
 * versions, create (from scratch or from a shipped template), change (every change
 * a new version; the audit entry names it), and queue a backtest of a version.
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import type { JobService } from '../../common/jobs/job-service.js';
import { loadPseudonymizer, type Pseudonymizer } from '../../common/audit/index.js';
import { DEFAULT_POLICIES, DEFAULT_POLICY_TEMPLATES } from '../../common/supervision/default-policies.js';
import { createPolicyStore, parsePolicyDefinition } from '../../common/supervision/policy-store.js';
import { HttpProblem, PROBLEM_BASE } from '../problem.js';
import { defineRoute, type Principal, type RouteSpec } from '../route-spec.js';
import { queryObject, tenantOnlyParams } from '../schemas/query-fields.js';
import { mappedSupervision, onePolicy, policyView, toPolicyView } from '../schemas/supervision.js';
import { jobProblem } from './jobs.js';

const templateView = z.object({ template: z.string(), name: z.string(), description: z.string(), severity: z.string(), definition: z.record(z.string(), z.unknown()) });
const policyBody = z.record(z.string(), z.unknown()).meta({ description: 'A policy definition (name, description, severity, enabled, lexicon {terms, near, patterns, none_of}, conditions, sampling {percent, seed}); or {"template": NAME} with any of those fields to override (docs/supervision.md)' });

export interface SupervisionPolicyRouteDeps {
  store: Store;
  /** The job runner, for backtests; without it there is no backtest route. */
  jobs?: JobService;
}

export function supervisionPolicyRoutes(deps: SupervisionPolicyRouteDeps): RouteSpec[] {
  const policies = createPolicyStore(deps.store);
  let pseudonyms: Promise<Pseudonymizer> | undefined;
  const actorOf = async (p: Principal) => (await (pseudonyms ??= loadPseudonymizer(deps.store))).refOf(p.subject);

  const templates = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/supervision/templates', operationId: 'listSupervisionTemplates', summary: 'The default policies Custos ships (English and French), to create a policy from', tags: ['supervision'],
    scope: 'supervision:read', action: 'supervision.templates.list', params: tenantOnlyParams, query: queryObject({}),
    response: z.object({ items: z.array(templateView) }),
    handler: async () => {
      const items = DEFAULT_POLICY_TEMPLATES.map((t) => {
        const d = DEFAULT_POLICIES[t]!;
        return { template: t, name: d.name, description: d.description ?? '', severity: d.severity, definition: d as Record<string, unknown> };
      });
      return { body: { items }, resultCount: items.length };
    },
  });
  const list = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/supervision/policies', operationId: 'listSupervisionPolicies', summary: "The tenant's supervision policies, each at its newest version", tags: ['supervision'],
    scope: 'supervision:read', action: 'supervision.policies.list', params: tenantOnlyParams, query: queryObject({}),
    response: z.object({ items: z.array(policyView), total: z.number().int() }),
    handler: async ({ tenant }) => {
      const items = (await policies.list(tenant)).map(toPolicyView);
      return { body: { items, total: items.length }, resultCount: items.length };
    },
  });
  const show = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/supervision/policies/:policyId', operationId: 'getSupervisionPolicy', summary: 'One policy at its newest version, with every earlier version', tags: ['supervision'],
    scope: 'supervision:read', action: 'supervision.policies.get', params: onePolicy, query: queryObject({}),
    response: policyView.extend({ versions: z.array(policyView) }),
    handler: async ({ tenant, params }) => {
      const versions = await mappedSupervision(() => policies.versions(tenant, params.policyId));
      return { body: { ...toPolicyView(versions[versions.length - 1]!), versions: versions.map(toPolicyView) }, resultCount: 1 };
    },
  });
  const create = defineRoute({
    method: 'post', path: '/v1/tenants/:tenant/supervision/policies', operationId: 'createSupervisionPolicy', summary: 'Create a policy (version 1), from a definition or a template', tags: ['supervision'],
    scope: 'supervision:manage', action: 'supervision.policies.create', params: tenantOnlyParams, body: policyBody, response: policyView, successStatus: 201,
    handler: async ({ tenant, body, principal }) => {
      const { template, ...fields } = body;
      let input: Record<string, unknown> = fields;
      if (template !== undefined) {
        const base = typeof template === 'string' ? DEFAULT_POLICIES[template] : undefined;
        if (!base) throw new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: `body.template: must be one of ${DEFAULT_POLICY_TEMPLATES.join(', ')}`, field: 'template' });
        input = { ...base, ...fields };
      }
      const v = await mappedSupervision(async () => policies.create(tenant, parsePolicyDefinition(input), await actorOf(principal)));
      return { status: 201, body: toPolicyView(v), resultCount: 1, audit: { policy_id: v.policyId, version: v.version, enabled: v.definition.enabled } };
    },
  });
  const change = defineRoute({
    method: 'patch', path: '/v1/tenants/:tenant/supervision/policies/:policyId', operationId: 'updateSupervisionPolicy', summary: 'Change a policy: the fields given replace the newest version\'s, as a new version', tags: ['supervision'],
    scope: 'supervision:manage', action: 'supervision.policies.update', params: onePolicy, body: policyBody, response: policyView,
    handler: async ({ tenant, params, body, principal }) => {
      const v = await mappedSupervision(async () => {
        const current = await policies.get(tenant, params.policyId);
        // The seed stays unless the change gives one, so the sample stays reproducible across versions.
        return policies.update(tenant, params.policyId, parsePolicyDefinition({ ...current.definition, ...body }, current.definition.sampling.seed), await actorOf(principal));
      });
      return { body: toPolicyView(v), resultCount: 1, audit: { policy_id: v.policyId, version: v.version, enabled: v.definition.enabled } };
    },
  });
  const routes: RouteSpec[] = [templates, list, show, create, change] as unknown as RouteSpec[];
  if (deps.jobs) {
    const jobs = deps.jobs;
    routes.push(defineRoute({
      method: 'post', path: '/v1/tenants/:tenant/supervision/policies/:policyId/backtests', operationId: 'createSupervisionBacktest',
      summary: 'Queue a backtest: run a policy version over the archive (or a time range) without flagging; the job\'s result counts matches by conversation type and week, with a sample', tags: ['supervision'],
      scope: 'supervision:manage', action: 'supervision.backtests.create', params: onePolicy,
      body: z.record(z.string(), z.unknown()).meta({ description: 'Backtest parameters: version (default the newest), from, to (RFC 3339), sample (matches kept, default 50)' }),
      response: z.object({ job_id: z.string(), state: z.string(), href: z.string() }), successStatus: 202,
      handler: async ({ tenant, params, body, principal }) => {
        await mappedSupervision(() => policies.get(tenant, params.policyId));
        let job;
        try {
          job = await jobs.submit(tenant, 'supervision-backtest', { ...body, policy: params.policyId }, { subjectRef: await actorOf(principal), kind: principal.kind });
        } catch (err) {
          throw jobProblem(err);
        }
        return { status: 202, body: { job_id: job.id, state: job.state, href: `/v1/tenants/${tenant}/jobs/${job.id}` }, resultCount: 1, audit: { policy_id: params.policyId, job_id: job.id } };
      },
    }) as unknown as RouteSpec);
  }
  return routes;
}
