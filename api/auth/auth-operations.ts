/**
 * How the /auth/* routes (login-routes.ts) are documented: every status they can
 * answer, with its media type. Redirects carry no body, only `Location` (and the
 * cookies); errors are problem+json like everywhere else. A test calls each route
 * and checks the answer against this.
 */
import { json, problem, type ExtraOperation, type ResponseDoc } from '../openapi.js';

const location = (where: string) => ({ Location: { description: where, schema: { type: 'string' } } });
const redirect = (status: 302 | 303, where: string): ResponseDoc => ({ description: `redirect to ${where}, no body`, headers: location(where) });
const noIdp = problem('Sign-in is not configured (no OIDC_ISSUER): `no-identity-provider`');

const nullable = (type: string) => ({ type: [type, 'null'] });

export const AUTH_OPERATIONS: ExtraOperation[] = [
  {
    method: 'get', path: '/auth/login', operationId: 'startLogin', tags: ['auth'], public: true,
    summary: 'Browser sign-in with the IdP (authorization code + PKCE); step_up=1 asks for MFA',
    parameters: [
      { name: 'return_to', in: 'query', required: false, description: 'A path on this site to come back to; anything else (another site, `//host`, over 2001 characters) comes back to `/`', schema: { type: 'string', maxLength: 2001 } },
      { name: 'step_up', in: 'query', required: false, description: '`1`: ask the IdP for a fresh sign-in with MFA; any other value is an ordinary sign-in', schema: { type: 'string', maxLength: 16 } },
    ],
    responses: { 302: redirect(302, "the IdP's authorization endpoint; sets the short-lived custos_login cookie"), 404: noIdp },
  },
  {
    method: 'get', path: '/auth/callback', operationId: 'finishLogin', tags: ['auth'], public: true,
    summary: 'Where the IdP sends the browser back; sets the session cookie',
    // The bound keeps the longest documented request under the header limit (IdP codes and states are far shorter).
    parameters: ['code', 'state', 'iss', 'error', 'error_description'].map((name) => ({ name, in: 'query', required: false, description: 'Sent by the IdP (OAuth 2.0 authorization response)', schema: { type: 'string', maxLength: 512 } })),
    responses: {
      303: redirect(303, 'the page that asked for sign-in; sets the custos_session cookie (a random session id; the session is kept server-side)'),
      400: problem('`login-expired`: no sign-in in progress in this browser (or a query that is not UTF-8)'),
      401: problem('`login-failed`: the IdP refused the sign-in (the problem carries its `idp_error` and, for the sign-in this browser started, `idp_error_description`) or its answer did not check out'),
      404: noIdp,
    },
  },
  {
    method: 'get', path: '/auth/logout', operationId: 'logout', tags: ['auth'], public: true,
    summary: 'End the session (in the store: the cookie stops working everywhere) and the IdP session',
    responses: {
      200: json('signed out; no identity provider is configured', { type: 'object', properties: { signed_out: { const: true } }, required: ['signed_out'] }),
      303: redirect(303, "the IdP's end_session_endpoint (which comes back to /auth/signed-out), or /auth/signed-out when the IdP has none"),
    },
  },
  {
    method: 'get', path: '/auth/signed-out', operationId: 'signedOut', tags: ['auth'], public: true,
    summary: 'The page logout lands on (register `<CUSTOS_PUBLIC_URL>/auth/signed-out` at the IdP as post-logout redirect URI)',
    responses: { 200: { description: 'a small HTML page saying the session has ended, with a link to sign in again', content: { 'text/html': { schema: { type: 'string' } } } } },
  },
  {
    method: 'get', path: '/auth/me', operationId: 'whoAmI', tags: ['auth'], public: true,
    summary: 'Name, roles and MFA time of the signed-in person',
    responses: {
      200: json('the session principal', {
        type: 'object',
        properties: {
          name: { type: 'string' },
          roles: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
          method: { type: 'string' },
          mfa_at: nullable('integer'),
          amr: {},
          acr: {},
          auth_time: {},
          session_id: { type: 'string' },
          expires_at: { type: 'string' },
          no_role: {
            description: 'why the person holds no role in any tenant (the IdP sent a groups overage claim, no groups claim, or groups nothing maps), with the fix; null when they hold one',
            oneOf: [{ type: 'null' }, { type: 'object', properties: { reason: { enum: ['groups_overage', 'no_groups_claim', 'groups_unmapped'] }, hint: { type: 'string' } }, required: ['reason', 'hint'] }],
          },
        },
        required: ['name', 'roles', 'method', 'mfa_at', 'session_id', 'expires_at', 'no_role'],
      }),
      401: problem('`unauthenticated`: no valid session cookie; `no-identity-provider` when browser sign-in is not configured'),
    },
  },
];
