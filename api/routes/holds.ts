/**
 * Legal holds over HTTP (DESIGN.md rule 1): create, list, show (with what the hold
 * covers now), release (a step-up action). Every call is audited by the route
 * pipeline; creating and releasing record the hold id in the answer facts.
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import type { Pseudonymizer } from '../../common/audit/index.js';
import { HOLD_ID, HoldNotFoundError, HoldReleasedError, holdInput, scopeOf, type LegalHold } from '../../common/holds/hold-model.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import { coverageCountSql } from '../../common/holds/coverage.js';
import { HttpProblem } from '../problem.js';
import { PROBLEM_BASE } from '../middleware/problems.js';
import { defineRoute, type Principal, type RouteSpec } from '../route-spec.js';
import { plainText, queryObject, tenantParam } from '../schemas/query-fields.js';

const holdIdParam = z.string().regex(HOLD_ID, 'must be a hold id (hold_ and lowercase letters and digits)').meta({ description: 'Hold id', minLength: 13, maxLength: 45 });

const holdView = z.object({
  id: z.string(), tenant: z.string(), case_name: z.string(), reason: z.string(),
  scope: z.object({ custodians: z.array(z.string()), conversations: z.array(z.string()), from: z.string().nullable(), to: z.string().nullable(), q: z.string() }),
  created_by: z.string(), created_at: z.string(), state: z.enum(['active', 'released']),
  released_by: z.string().nullable(), released_at: z.string().nullable(), release_reason: z.string().nullable(),
});
const coverageView = z.object({ messages: z.number().int(), calls: z.number().int(), app_invocations: z.number().int() });

function view(h: LegalHold): z.infer<typeof holdView> {
  return {
    id: h.id, tenant: h.tenant, case_name: h.caseName, reason: h.reason, scope: h.scope, created_by: h.createdBy, created_at: h.createdAt,
    state: h.releasedAt ? 'released' : 'active', released_by: h.releasedBy, released_at: h.releasedAt, release_reason: h.releaseReason,
  };
}

export function holdProblem(err: unknown): unknown {
  if (err instanceof HoldNotFoundError) return new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Hold not found', detail: err.message, field: 'holdId' });
  if (err instanceof HoldReleasedError) return new HttpProblem({ status: 409, type: `${PROBLEM_BASE}hold-released`, title: 'Hold already released', detail: err.message, field: 'holdId' });
  return err;
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw holdProblem(err);
  }
}

export async function holdCoverage(store: Store, h: LegalHold): Promise<z.infer<typeof coverageView>> {
  const c = coverageCountSql(h);
  const [r] = await store.query<{ messages: string; calls: string; app_invocations: string }>('holds: coverage', c.sql, { tenant: h.tenant, ...c.params });
  return { messages: Number(r?.messages ?? 0), calls: Number(r?.calls ?? 0), app_invocations: Number(r?.app_invocations ?? 0) };
}

export function holdRoutes(deps: { store: Store; pseudonyms: Pseudonymizer }): RouteSpec[] {
  const holds = new HoldStore(deps.store);
  const by = (p: Principal) => deps.pseudonyms.refOf(p.subject);
  const oneHold = z.strictObject({ tenant: tenantParam, holdId: holdIdParam });
  const create = defineRoute({
    method: 'post', path: '/v1/tenants/:tenant/holds', operationId: 'createHold', summary: 'Put a legal hold on custodians, conversations, a time range and/or words (each narrows the others)', tags: ['holds'],
    scope: 'holds:create', action: 'holds.create', params: z.strictObject({ tenant: tenantParam }), query: queryObject({}),
    body: holdInput, response: holdView, successStatus: 201,
    handler: async ({ tenant, body, principal }) => {
      const hold = await holds.create(tenant, { caseName: body.case_name, reason: body.reason, scope: scopeOf(body), createdBy: by(principal) });
      return { status: 201, body: view(hold), resultCount: 1, audit: { hold_id: hold.id } };
    },
  });
  const list = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/holds', operationId: 'listHolds', summary: "The tenant's legal holds, newest first", tags: ['holds'],
    scope: 'holds:read', action: 'holds.list', params: z.strictObject({ tenant: tenantParam }),
    query: queryObject({ state: z.enum(['active', 'released', 'all']).default('all').meta({ description: 'Only active or only released holds (default all)' }) }),
    response: z.object({ items: z.array(holdView), total: z.number().int(), next_cursor: z.null() }),
    handler: async ({ tenant, query }) => {
      const all = (await holds.list(tenant)).map(view).filter((h) => query.state === 'all' || h.state === query.state);
      return { body: { items: all, total: all.length, next_cursor: null }, resultCount: all.length };
    },
  });
  const show = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/holds/:holdId', operationId: 'getHold', summary: 'One legal hold, with the count of records it covers now', tags: ['holds'],
    scope: 'holds:read', action: 'holds.get', params: oneHold, query: queryObject({}),
    response: holdView.extend({ covers: coverageView }),
    handler: async ({ tenant, params }) => {
      const hold = await mapped(() => holds.get(tenant, params.holdId));
      return { body: { ...view(hold), covers: await holdCoverage(deps.store, hold) }, resultCount: 1 };
    },
  });
  const release = defineRoute({
    method: 'post', path: '/v1/tenants/:tenant/holds/:holdId/release', operationId: 'releaseHold', summary: 'Release a legal hold: what it kept goes at the next retention run if policy says so (step-up)', tags: ['holds'],
    scope: 'holds:release', action: 'holds.release', params: oneHold, query: queryObject({}),
    body: z.strictObject({ reason: plainText(1, 2000, 'must be 1 to 2000 characters without control characters').meta({ description: 'Why the hold ends (case closed, ...)' }) }),
    response: holdView, conflict: 'The hold was already released',
    handler: async ({ tenant, params, body, principal }) => {
      const released = await mapped(() => holds.release(tenant, params.holdId, { by: by(principal), reason: body.reason }));
      return { body: view(released), resultCount: 1, audit: { hold_id: released.id } };
    },
  });
  return [create, list, show, release] as unknown as RouteSpec[];
}
