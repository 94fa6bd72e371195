/**
 * Who is calling: a Custos API token or an IdP access token in
 * `Authorization: Bearer`, or the browser session cookie. Anything presented and
 * wrong is refused (401 with WWW-Authenticate, RFC 6750); nothing presented is 401 too.
 */
import type { RequestHandler } from 'express';
import type { AuthConfig } from '../../common/config.js';
import { HttpProblem } from '../problem.js';
import { PROBLEM_BASE, ProblemWithHeaders, answerProblem } from '../middleware/problems.js';
import type { Principal } from '../route-spec.js';
import { ApiTokenStore, isApiTokenSecret } from './api-tokens.js';
import { InvalidBearerToken, verifyAccessToken } from './bearer-jwt.js';
import { readCookie } from './cookies.js';
import type { OidcIssuer } from './oidc-issuer.js';
import { identityFromClaims } from './oidc-principal.js';
import { SESSION_COOKIE } from './session.js';
import type { SessionStore } from './session-store.js';
import type { NoRoleReporter } from './no-role-report.js';

export interface AuthenticateDeps {
  tokens: ApiTokenStore;
  sessions: SessionStore;
  idp?: OidcIssuer;
  auth: AuthConfig;
  noRole?: NoRoleReporter;
}

function unauthorized(detail: string, error?: 'invalid_token' | 'invalid_request'): HttpProblem {
  const challenge = error ? `Bearer realm="custos", error="${error}", error_description="${detail}"` : 'Bearer realm="custos"';
  return new ProblemWithHeaders({ status: 401, type: `${PROBLEM_BASE}unauthenticated`, title: 'Authentication required', detail }, { 'WWW-Authenticate': challenge });
}

export function apiTokenPrincipal(t: { id: string; tenant: string; role: string; name: string }): Principal {
  // A token named after a person's email acts for that person where the directory matters (a manager's analytics scope).
  const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t.name) ? t.name : undefined;
  return { subject: `token:${t.id}`, name: t.name, kind: 'api_token', roles: { [t.tenant]: [t.role] }, method: 'api_token', ...(email ? { email } : {}) };
}

export async function principalOf(deps: AuthenticateDeps, authorization: string | undefined, cookieHeader: string | undefined): Promise<Principal> {
  if (authorization !== undefined) {
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization);
    if (!m) throw unauthorized('the Authorization header must be "Bearer <token>"', 'invalid_request');
    const token = m[1]!;
    if (isApiTokenSecret(token)) {
      const t = await deps.tokens.verify(token);
      if (!t) throw unauthorized('the API token is unknown or revoked', 'invalid_token');
      return apiTokenPrincipal(t);
    }
    if (!deps.idp || !deps.auth.audience) throw unauthorized('no identity provider is configured for bearer access tokens', 'invalid_token');
    try {
      const identity = identityFromClaims(await verifyAccessToken(token, deps.idp, deps.auth.audience), deps.auth, 'oidc_bearer');
      deps.noRole?.report(identity);
      return identity.principal;
    } catch (err) {
      if (err instanceof InvalidBearerToken) throw unauthorized(err.message, 'invalid_token');
      throw err;
    }
  }
  // The cookie is only a session id: a logged-out, revoked or expired session is refused here, wherever the cookie was copied to.
  const session = await deps.sessions.open(readCookie(cookieHeader, SESSION_COOKIE));
  if (session) return session.principal;
  throw unauthorized('sign in at /auth/login, or send Authorization: Bearer <token>');
}

/** Express middleware: sets res.locals.principal or answers 401. */
export function authenticate(deps: AuthenticateDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.principal = await principalOf(deps, req.headers.authorization, req.headers.cookie);
      next();
    } catch (err) {
      if (err instanceof HttpProblem) {
        answerProblem(res, err);
        return;
      }
      next(err);
    }
  };
}
