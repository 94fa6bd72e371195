/**
 * API tokens over HTTP. Listing and revoking need tokens:manage; minting one needs
 * tokens:create, a step-up scope: a new token is a new credential with access to
 * the tenant, so it takes a person who signed in with MFA recently (never a token).
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import { ROLES } from '../../policies/scopes.js';
import { HttpProblem } from '../problem.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { ApiTokenStore, TOKEN_ID_PATTERN, TOKEN_NAME_PATTERN, type ApiToken } from '../auth/api-tokens.js';
import { PROBLEM_BASE } from '../middleware/problems.js';
import { queryObject, tenantOnlyParams, tenantParam } from '../schemas/query-fields.js';

const tokenView = z.object({
  id: z.string(),
  tenant: z.string(),
  role: z.enum(ROLES),
  name: z.string(),
  created_at: z.string(),
  created_by: z.string(),
  revoked_at: z.string().nullable(),
  revoked_by: z.string().nullable(),
});

export function tokenView_(t: ApiToken): z.infer<typeof tokenView> {
  return { id: t.id, tenant: t.tenant, role: t.role, name: t.name, created_at: t.createdAt, created_by: t.createdBy, revoked_at: t.revokedAt, revoked_by: t.revokedBy };
}

export function tokenRoutes(deps: { store: Store; tokens?: ApiTokenStore }): RouteSpec[] {
  // The same instance that authenticates requests, so a revocation forgets its cached verification at once.
  const tokens = deps.tokens ?? new ApiTokenStore(deps.store);
  const list = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/tokens',
    operationId: 'listApiTokens',
    summary: "List the tenant's API tokens (never their secrets), revoked ones included",
    tags: ['tokens'],
    scope: 'tokens:manage',
    action: 'tokens.list',
    params: tenantOnlyParams,
    query: queryObject({}),
    response: z.object({ items: z.array(tokenView), total: z.number().int(), next_cursor: z.null() }),
    handler: async ({ tenant }) => {
      const items = (await tokens.list(tenant)).map(tokenView_);
      return { body: { items, total: items.length, next_cursor: null }, resultCount: items.length };
    },
  });
  const create = defineRoute({
    method: 'post',
    path: '/v1/tenants/:tenant/tokens',
    operationId: 'createApiToken',
    summary: 'Create an API token with one role in this tenant; the secret is in this answer only (step-up)',
    tags: ['tokens'],
    scope: 'tokens:create',
    action: 'tokens.create',
    params: tenantOnlyParams,
    query: queryObject({}),
    body: z.object({ name: z.string().regex(TOKEN_NAME_PATTERN, 'must be 1 to 100 letters, digits, spaces or ._:@/-'), role: z.enum(ROLES) }).strict(),
    response: z.object({ token: tokenView, secret: z.string() }),
    successStatus: 201,
    handler: async ({ tenant, body, principal }) => {
      const created = await tokens.create({ tenant, role: body.role, name: body.name, createdBy: principal.subject });
      return { status: 201, body: { token: tokenView_(created.token), secret: created.secret }, resultCount: 1 };
    },
  });
  const revoke = defineRoute({
    method: 'post',
    path: '/v1/tenants/:tenant/tokens/:tokenId/revoke',
    operationId: 'revokeApiToken',
    summary: 'Revoke an API token of this tenant; it stops working at once',
    tags: ['tokens'],
    scope: 'tokens:manage',
    action: 'tokens.revoke',
    query: queryObject({}),
    params: z.strictObject({ tenant: tenantParam, tokenId: z.string().regex(TOKEN_ID_PATTERN, 'must be a token id (16 lowercase letters and digits)').meta({ minLength: 16, maxLength: 16 }) }),
    response: tokenView,
    handler: async ({ tenant, params, principal }) => {
      const revoked = await tokens.revoke(params.tokenId, principal.subject, tenant);
      if (!revoked) throw new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Token not found', detail: `no token ${params.tokenId} in this tenant`, field: 'tokenId' });
      return { body: tokenView_(revoked), resultCount: 1 };
    },
  });
  return [list, create, revoke] as unknown as RouteSpec[];
}
