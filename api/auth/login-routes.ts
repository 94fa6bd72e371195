/**
 * Browser sign-in with the IdP: authorization code + PKCE (S256) + state + nonce.
 * /auth/login keeps the verifier, state, nonce and return path in a short-lived
 * sealed cookie and redirects to the IdP; /auth/callback checks them all, exchanges
 * the code, stores a server-side session (session-store.ts) and sets a cookie that
 * holds only its id; /auth/logout ends that session in the store, clears the cookie,
 * ends the IdP session and comes back to /auth/signed-out. When the IdP refuses a
 * sign-in, its `error` and `error_description` are logged and shown.
 * `/auth/login?step_up=1` is the answer to a 401 insufficient_user_authentication:
 * it asks the IdP for a fresh sign-in with MFA (acr_values / max_age, RFC 9470).
 */
import { Router, type Request, type Response } from 'express';
import * as oidc from 'openid-client';
import type { AuthConfig } from '../../common/config.js';
import type { Logger } from '../../common/logger.js';
import { errorMessage } from '../../common/errors.js';
import { sendProblem } from '../problem.js';
import { PROBLEM_BASE } from '../middleware/problems.js';
import { cookieHeader, readCookie } from './cookies.js';
import type { OidcIssuer } from './oidc-issuer.js';
import { identityFromClaims } from './oidc-principal.js';
import { LOGIN_COOKIE, SESSION_COOKIE, type SealedCookies } from './session.js';
import type { SessionStore } from './session-store.js';
import { noRoleHint, type NoRoleReason, type NoRoleReporter } from './no-role-report.js';
import { stepUpAcrValues } from './mfa.js';
import { idpErrorOf, type IdpError } from './idp-error.js';

export interface LoginDeps {
  idp?: OidcIssuer;
  /** Seals the short-lived login cookie (PKCE verifier, state, nonce). */
  loginCookies: SealedCookies;
  sessions: SessionStore;
  noRole: NoRoleReporter;
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
      const acr = stepUpAcrValues(deps.auth);
      if (acr.length > 0) params.acr_values = acr.join(' ');
      else params.prompt = 'login';
    }
    const sealed = await deps.loginCookies.seal({ verifier, state, nonce, return_to: safeReturnPath(req.query.return_to) }, LOGIN_TTL_S, 'login');
    setCookie(res, LOGIN_COOKIE, sealed, LOGIN_TTL_S, '/auth');
    redirect(res, 302, oidc.buildAuthorizationUrl(deps.idp.client, params).href);
  });

  const loginFailed = (res: Response, idpError: IdpError | undefined) =>
    sendProblem(res, {
      status: 401,
      type: `${PROBLEM_BASE}login-failed`,
      title: 'Sign-in failed',
      detail: idpError
        ? `the identity provider refused the sign-in: ${idpError.error}${idpError.description ? ` (${idpError.description})` : ''}; start again at /auth/login`
        : 'the identity provider answer did not check out; start again at /auth/login',
      ...(idpError ? { idp_error: idpError.error, ...(idpError.description ? { idp_error_description: idpError.description } : {}) } : {}),
    });

  r.get('/auth/callback', async (req: Request, res: Response) => {
    if (!deps.idp) return noIdp(res);
    const login = await deps.loginCookies.open(readCookie(req.headers.cookie, LOGIN_COOKIE), 'login');
    setCookie(res, LOGIN_COOKIE, '', 0, '/auth');
    // The IdP said no (invalid_scope, access_denied, ...): its words are what the person and the operator need.
    // The description is shown only for the sign-in this browser started (state matches), so a crafted link cannot put words in the IdP's mouth.
    const refused = idpErrorOf(req.query, login ? String(login.state) : undefined);
    if (refused) {
      deps.log.warn({ idp_error: refused.error, idp_error_description: refused.description ?? null, issuer: deps.idp.issuer }, 'the identity provider refused the sign-in');
      return loginFailed(res, refused);
    }
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
      const identity = identityFromClaims(claims, deps.auth, 'oidc_session');
      const noRole = deps.noRole.report(identity);
      const amr = Array.isArray(claims.amr) ? claims.amr.filter((x): x is string => typeof x === 'string') : [];
      const acr = typeof claims.acr === 'string' || typeof claims.acr === 'number' ? String(claims.acr) : undefined;
      const { cookie } = await deps.sessions.create({
        principal: identity.principal,
        ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
        amr,
        ...(acr !== undefined ? { acr } : {}),
        ...(typeof claims.auth_time === 'number' ? { authTime: claims.auth_time } : {}),
        ...(noRole ? { noRoleReason: noRole } : {}),
        ip: req.socket.remoteAddress ?? '',
        userAgent: String(req.headers['user-agent'] ?? ''),
        ttlS: deps.auth.sessionTtlS,
      });
      setCookie(res, SESSION_COOKIE, cookie, deps.auth.sessionTtlS, '/');
      redirect(res, 303, safeReturnPath(login.return_to));
    } catch (err) {
      const idpError = idpErrorOf(err, undefined);
      deps.log.warn({ err: errorMessage(err), ...(idpError ? { idp_error: idpError.error, idp_error_description: idpError.description ?? null } : {}) }, 'sign-in callback refused');
      loginFailed(res, idpError);
    }
  });

  r.get('/auth/logout', async (req: Request, res: Response) => {
    const session = await deps.sessions.open(readCookie(req.headers.cookie, SESSION_COOKIE));
    // Ended in the store, not only in this browser: the same cookie value anywhere else is refused from now on.
    if (session) await deps.sessions.revoke(session.id, session.principal.subject, 'logout');
    setCookie(res, SESSION_COOKIE, '', 0, '/');
    if (!deps.idp) {
      res.json({ signed_out: true });
      return;
    }
    const endSession = deps.idp.client.serverMetadata().end_session_endpoint;
    const signedOut = `${deps.publicUrl}/auth/signed-out`;
    if (!endSession) return redirect(res, 303, '/auth/signed-out');
    const params: Record<string, string> = { post_logout_redirect_uri: signedOut, client_id: deps.idp.clientId };
    if (session?.idToken) params.id_token_hint = session.idToken;
    redirect(res, 303, oidc.buildEndSessionUrl(deps.idp.client, params).href);
  });

  /** Where the IdP sends the browser after logout (register it at the IdP as the post-logout redirect URI). */
  r.get('/auth/signed-out', (_req: Request, res: Response) => {
    res.status(200).type('text/html; charset=utf-8').send(SIGNED_OUT_PAGE);
  });

  /** Who the session says you are (no secrets): lets a browser UI show the name and roles. */
  r.get('/auth/me', async (req: Request, res: Response) => {
    const session = await deps.sessions.open(readCookie(req.headers.cookie, SESSION_COOKIE));
    if (!session) {
      // The web UI's signed-out page says so instead of offering a sign-in that cannot work.
      if (!deps.idp) return sendProblem(res, { status: 401, type: `${PROBLEM_BASE}no-identity-provider`, title: 'Sign-in is not configured', detail: 'browser sign-in needs OIDC_ISSUER and OIDC_CLIENT_ID; API tokens work without it' });
      return sendProblem(res, { status: 401, type: `${PROBLEM_BASE}unauthenticated`, title: 'Not signed in', detail: 'sign in at /auth/login' });
    }
    const p = session.principal;
    const reason = session.noRoleReason as NoRoleReason | null;
    res.json({
      name: p.name, roles: p.roles, method: p.method, mfa_at: p.mfaAt ?? null, amr: session.amr, acr: session.acr, auth_time: session.authTime,
      session_id: session.id, expires_at: session.expiresAt,
      no_role: reason ? { reason, hint: noRoleHint(reason) } : null,
    });
  });

  return r;
}

const SIGNED_OUT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signed out of Custos</title></head>
<body><h1>You are signed out of Custos</h1><p>Your session has ended here and at the identity provider.</p>
<p><a href="/auth/login">Sign in again</a></p></body></html>
`;
