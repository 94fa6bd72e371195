/**
 * GET /v1/tenants/{tenant}/me: who the caller is in this tenant and which scopes
 * its roles grant there, as the authorizer decides (not a copy of the policy). The
 * web UI shows only the pages these scopes allow; the server still checks every
 * call. A /v1 route rather than /auth/me so it is audited, rate limited and in the
 * permission matrix like every other read.
 */
import { z } from 'zod';
import { loadAuthorizer, type Authorizer } from '../../policies/authorize.js';
import { SCOPES, STEP_UP_SCOPES, type Scope } from '../../policies/scopes.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { queryObject, tenantOnlyParams } from '../schemas/query-fields.js';

export const meResponse = z.object({
  tenant: z.string(),
  name: z.string().meta({ description: 'Display name (IdP `name`, or the API token name)' }),
  kind: z.enum(['person', 'api_token']),
  method: z.enum(['oidc_session', 'oidc_bearer', 'api_token']),
  roles: z.array(z.string()).meta({ description: 'Roles held in this tenant' }),
  scopes: z.array(z.enum(SCOPES)).meta({ description: 'Scopes those roles grant in this tenant' }),
  step_up_scopes: z.array(z.enum(SCOPES)).meta({ description: 'Of those, the ones that need a recent MFA sign-in (step-up)' }),
  mfa_at: z.number().int().nullable().meta({ description: 'Epoch seconds of the last MFA sign-in, when the IdP said so' }),
});

/** `authorizer`: the app's own; without one (listing routes for the document) the policy files are loaded on first use. */
export function meRoute(authorizer?: Authorizer): RouteSpec {
  let loaded: Promise<Authorizer> | undefined;
  const authz = () => (authorizer ? Promise.resolve(authorizer) : (loaded ??= loadAuthorizer()));
  return defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/me', operationId: 'getMe', tags: ['auth'],
    summary: 'The caller in this tenant: name, roles, the scopes they grant and which of them need step-up',
    scope: 'me:read', action: 'me.get', params: tenantOnlyParams, query: queryObject({}), response: meResponse,
    handler: async ({ tenant, principal }) => {
      const a = await authz();
      const granted: Scope[] = [];
      for (const scope of SCOPES) if (await a.authorize(principal, tenant, scope)) granted.push(scope);
      const roles = Object.hasOwn(principal.roles, tenant) ? principal.roles[tenant]! : [];
      return {
        body: {
          tenant, name: principal.name, kind: principal.kind, method: principal.method, roles, scopes: granted,
          step_up_scopes: granted.filter((s) => STEP_UP_SCOPES.has(s)), mfa_at: principal.mfaAt ?? null,
        },
        resultCount: 1,
      };
    },
  }) as unknown as RouteSpec;
}
