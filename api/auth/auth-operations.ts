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
      303: redirect(303, 'the page that asked for sign-in; sets the custos_session cookie'),
      400: problem('`login-expired`: no sign-in in progress in this browser (or a query that is not UTF-8)'),
      401: problem('`login-failed`: the IdP answer did not check out'),
      404: noIdp,
    },
  },
  {
    method: 'get', path: '/auth/logout', operationId: 'logout', tags: ['auth'], public: true,
    summary: 'Clear the session and end the IdP session',
    responses: {
      200: json('signed out here; the IdP has no end-session endpoint (or none is configured)', { type: 'object', properties: { signed_out: { const: true } }, required: ['signed_out'] }),
      303: redirect(303, "the IdP's end_session_endpoint"),
    },
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
        },
        required: ['name', 'roles', 'method', 'mfa_at'],
      }),
      401: problem('`unauthenticated`: no valid session cookie; `no-identity-provider` when browser sign-in is not configured'),
    },
  },
];
