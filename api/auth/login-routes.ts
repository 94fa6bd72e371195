/**
 * Browser sign-in with the IdP: authorization code + PKCE (S256) + state + nonce.
 * /auth/login keeps the verifier, state, nonce and return path in a short-lived
 * sealed cookie and redirects to the IdP; /auth/callback checks them all, exchanges
 * the code and sets the session cookie; /auth/logout clears it and ends the IdP
 * session. `/auth/login?step_up=1` is the answer to a 401 insufficient_user_authentication:
 * it asks the IdP for a fresh sign-in with MFA (acr_values / max_age, RFC 9470).
 */
import { Router, type Request, type Response } from 'express';
import * as oidc from 'openid-client';
import type { AuthConfig } from '../../common/config.js';
import type { Logger } from '../../common/logger.js';
import { errorMessage } from '../../common/errors.js';
import { sendProblem } from '../problem.js';
import { PROBLEM_BASE } from '../middleware/problems.js';
import type { Principal } from '../route-spec.js';
import { cookieHeader, readCookie } from './cookies.js';
import type { OidcIssuer } from './oidc-issuer.js';
import { principalFromClaims } from './oidc-principal.js';
import { LOGIN_COOKIE, SESSION_COOKIE, type SealedCookies } from './session.js';

export interface LoginDeps {
  idp?: OidcIssuer;
  sessions: SealedCookies;
  auth: AuthConfig;
  publicUrl: string;
  secureCookies: boolean;
  log: Logger;
}

const LOGIN_TTL_S = 600;

/** Only same-site relative paths: an open redirect after login would hand the session to a phishing page. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]{0,2000}$/.test(value) ? value : '/';
}

export function stepUpLoginPath(returnTo: string): string {
  return `/auth/login?step_up=1&return_to=${encodeURIComponent(safeReturnPath(returnTo))}`;
}

export function loginRoutes(deps: LoginDeps): Router {
  const r = Router();
  const redirectUri = `${deps.publicUrl}/auth/callback`;
  const setCookie = (res: Response, name: string, value: string, maxAgeS: number, path: string) =>
    res.append('Set-Cookie', cookieHeader(name, value, { secure: deps.secureCookies, maxAgeS, path }));
  // Redirects without a body: Express's would be text or HTML depending on Accept, which the document cannot state.
  const redirect = (res: Response, status: 302 | 303, url: string) => res.status(status).location(url).end();
  const noIdp = (res: Response) =>
    sendProblem(res, { status: 404, type: `${PROBLEM_BASE}no-identity-provider`, title: 'Sign-in is not configured', detail: 'set OIDC_ISSUER and OIDC_CLIENT_ID to enable browser sign-in' });

  r.get('/auth/login', async (req: Request, res: Response) => {
    if (!deps.idp) return noIdp(res);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const stepUp = req.query.step_up === '1';
    const params: Record<string, string> = {
      redirect_uri: redirectUri,
      scope: deps.auth.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    if (stepUp) {
      params.max_age = String(deps.auth.stepUpMaxAgeS);
      if (deps.auth.mfaAcr.length > 0) params.acr_values = deps.auth.mfaAcr.join(' ');
      else params.prompt = 'login';
    }
    const sealed = await deps.sessions.seal({ verifier, state, nonce, return_to: safeReturnPath(req.query.return_to) }, LOGIN_TTL_S, 'login');
    setCookie(res, LOGIN_COOKIE, sealed, LOGIN_TTL_S, '/auth');
    redirect(res, 302, oidc.buildAuthorizationUrl(deps.idp.client, params).href);
  });

  r.get('/auth/callback', async (req: Request, res: Response) => {
    if (!deps.idp) return noIdp(res);
    const login = await deps.sessions.open(readCookie(req.headers.cookie, LOGIN_COOKIE), 'login');
    setCookie(res, LOGIN_COOKIE, '', 0, '/auth');
    if (!login) {
      return sendProblem(res, { status: 400, type: `${PROBLEM_BASE}login-expired`, title: 'Sign-in expired', detail: 'the sign-in started too long ago or in another browser; start again at /auth/login' });
    }
    try {
      const current = new URL(req.originalUrl, deps.publicUrl);
      const tokens = await oidc.authorizationCodeGrant(deps.idp.client, current, {
        pkceCodeVerifier: String(login.verifier),
        expectedState: String(login.state),
        expectedNonce: String(login.nonce),
        idTokenExpected: true,
      });
      const claims = tokens.claims()! as Record<string, unknown>;
      const principal: Principal = principalFromClaims(claims, deps.auth, 'oidc_session');
      // The raw amr/acr/auth_time are kept beside the principal so a later check can use more than the MFA time.
      const session = await deps.sessions.seal(
        { principal, id_token: tokens.id_token, amr: claims.amr ?? null, acr: claims.acr ?? null, auth_time: claims.auth_time ?? null },
        deps.auth.sessionTtlS,
        'session',
      );
      setCookie(res, SESSION_COOKIE, session, deps.auth.sessionTtlS, '/');
      redirect(res, 303, safeReturnPath(login.return_to));
    } catch (err) {
      deps.log.warn({ err: errorMessage(err) }, 'sign-in callback refused');
      sendProblem(res, { status: 401, type: `${PROBLEM_BASE}login-failed`, title: 'Sign-in failed', detail: 'the identity provider answer did not check out; start again at /auth/login' });
    }
  });

  r.get('/auth/logout', async (req: Request, res: Response) => {
    const session = await deps.sessions.open(readCookie(req.headers.cookie, SESSION_COOKIE), 'session');
    setCookie(res, SESSION_COOKIE, '', 0, '/');
    const endSession = deps.idp?.client.serverMetadata().end_session_endpoint;
    if (deps.idp && endSession) {
      const params: Record<string, string> = { post_logout_redirect_uri: `${deps.publicUrl}/`, client_id: deps.idp.clientId };
      if (session && typeof session.id_token === 'string') params.id_token_hint = session.id_token;
      redirect(res, 303, oidc.buildEndSessionUrl(deps.idp.client, params).href);
      return;
    }
    res.json({ signed_out: true });
  });

  /** Who the session says you are (no secrets): lets a browser UI show the name and roles. */
  r.get('/auth/me', async (req: Request, res: Response) => {
    const session = await deps.sessions.open(readCookie(req.headers.cookie, SESSION_COOKIE), 'session');
    if (!session) {
      // The web UI's signed-out page says so instead of offering a sign-in that cannot work.
      if (!deps.idp) return sendProblem(res, { status: 401, type: `${PROBLEM_BASE}no-identity-provider`, title: 'Sign-in is not configured', detail: 'browser sign-in needs OIDC_ISSUER and OIDC_CLIENT_ID; API tokens work without it' });
      return sendProblem(res, { status: 401, type: `${PROBLEM_BASE}unauthenticated`, title: 'Not signed in', detail: 'sign in at /auth/login' });
    }
    const p = session.principal as Principal;
    res.json({ name: p.name, roles: p.roles, method: p.method, mfa_at: p.mfaAt ?? null, amr: session.amr ?? null, acr: session.acr ?? null, auth_time: session.auth_time ?? null });
  });

  return r;
}
