/**
 * Browser sessions over HTTP, for an admin: who is signed in with a role in this
 * tenant (from where, since when, until when), and ending a session at once (a
 * stolen cookie, a person leaving). Sessions live in the store (api/auth/session-store.ts);
 * the cookie value is never shown, only the session id.
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import { HttpProblem } from '../problem.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { SESSION_ID_PATTERN, SessionStore, type StoredSession } from '../auth/session-store.js';
import { PROBLEM_BASE } from '../middleware/problems.js';
import { queryObject, tenantOnlyParams, tenantParam } from '../schemas/query-fields.js';

const sessionView = z.object({
  id: z.string(),
  subject: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  method: z.string(),
  mfa_at: z.number().int().nullable(),
  amr: z.array(z.string()),
  acr: z.string().nullable(),
  ip: z.string(),
  user_agent: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  revoked_at: z.string().nullable(),
  revoked_by: z.string().nullable(),
});

/** The roles shown are those in the tenant asked about: an admin of one tenant does not learn the person's roles elsewhere. */
function view(s: StoredSession, tenant: string): z.infer<typeof sessionView> {
  const p = s.principal;
  return {
    id: s.id, subject: p.subject, name: p.name, roles: Object.hasOwn(p.roles, tenant) ? p.roles[tenant]! : [], method: p.method, mfa_at: p.mfaAt ?? null,
    amr: s.amr, acr: s.acr, ip: s.ip, user_agent: s.userAgent, created_at: s.createdAt, expires_at: s.expiresAt, revoked_at: s.revokedAt, revoked_by: s.revokedBy,
  };
}

export function sessionRoutes(deps: { store: Store; sessions?: SessionStore }): RouteSpec[] {
  // The same instance that authenticates requests, so a revocation forgets its cached lookup at once.
  const sessions = deps.sessions ?? new SessionStore(deps.store);
  const list = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/sessions',
    operationId: 'listSessions',
    summary: 'List the live browser sessions of people with a role in this tenant (never the cookie)',
    tags: ['sessions'],
    scope: 'sessions:manage',
    action: 'sessions.list',
    params: tenantOnlyParams,
    query: queryObject({}),
    response: z.object({ items: z.array(sessionView), total: z.number().int(), next_cursor: z.null() }),
    handler: async ({ tenant }) => {
      const items = (await sessions.listLive(tenant)).map((s) => view(s, tenant));
      return { body: { items, total: items.length, next_cursor: null }, resultCount: items.length };
    },
  });
  const revoke = defineRoute({
    method: 'post',
    path: '/v1/tenants/:tenant/sessions/:sessionId/revoke',
    operationId: 'revokeSession',
    summary: 'End a browser session of a person with a role in this tenant; its cookie stops working at once',
    tags: ['sessions'],
    scope: 'sessions:manage',
    action: 'sessions.revoke',
    query: queryObject({}),
    params: z.strictObject({ tenant: tenantParam, sessionId: z.string().regex(SESSION_ID_PATTERN, 'must be a session id (16 lowercase letters and digits)').meta({ minLength: 16, maxLength: 16 }) }),
    response: sessionView,
    handler: async ({ tenant, params, principal }) => {
      const revoked = await sessions.revoke(params.sessionId, principal.subject, 'admin', tenant);
      if (!revoked) throw new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Session not found', detail: `no session ${params.sessionId} of a person with a role in this tenant`, field: 'sessionId' });
      return { body: view(revoked, tenant), resultCount: 1 };
    },
  });
  return [list, revoke] as unknown as RouteSpec[];
}
