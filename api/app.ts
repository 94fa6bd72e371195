/**
 * Composes the HTTP API. `buildSecurity` prepares what authentication, authorization
 * and audit need (IdP discovery, keys, Casbin); `createApp` wires the routes and
 * opens no store or socket itself. Every /v1 RouteSpec runs the same chain:
 * authenticate -> rate limit -> body limit -> tenant check -> authorize -> step-up ->
 * validate -> handler -> audit (api/middleware/route-pipeline.ts).
 */
import express, { type ErrorRequestHandler } from 'express';
import { createHmac, randomUUID } from 'node:crypto';
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { Store } from '../common/store/store.js';
import { AuditWriter, loadPseudonymizer, type Pseudonymizer } from '../common/audit/index.js';
import { loadAuthorizer, type Authorizer } from '../policies/authorize.js';
import { healthRoutes, type HealthDeps } from './routes/health.js';
import { apiRoutes } from './routes/index.js';
import { openApiRouter } from './routes/openapi-route.js';
import { SYSTEM_OPERATIONS, type ExtraOperation } from './openapi.js';
import { sendProblem } from './problem.js';
import type { RouteSpec } from './route-spec.js';
import { ApiTokenStore } from './auth/api-tokens.js';
import { authenticate } from './auth/authenticate.js';
import { loginRoutes } from './auth/login-routes.js';
import { discoverIssuer, isLoopbackHttp, type OidcIssuer } from './auth/oidc-issuer.js';
import { SealedCookies, loadSessionKey } from './auth/session.js';
import { perPrincipalRateLimit } from './middleware/rate-limit.js';
import { routeHandler } from './middleware/route-pipeline.js';
import { securityHeaders } from './middleware/security-headers.js';
import { PROBLEM_BASE } from './middleware/problems.js';

export interface Security {
  config: Config;
  authorizer: Authorizer;
  tokens: ApiTokenStore;
  /** Absent only when a benchmark measures the API without auditing. */
  audit?: AuditWriter;
  pseudonyms: Pseudonymizer;
  sessions: SealedCookies;
  idp?: OidcIssuer;
  /** Where people reach Custos (OIDC redirect URI base, cookie Secure flag). */
  publicUrl: string;
  /** Signs pagination cursors; derived from the session key so cursors survive a restart and work on every instance. */
  cursorSecret: Buffer;
}

export interface ApiDeps extends HealthDeps {
  log: Logger;
  security: Security;
  /** The /v1 routes; defaults to every route of the API. */
  routes?: RouteSpec[];
}

export const AUTH_OPERATIONS: ExtraOperation[] = [
  { method: 'get', path: '/auth/login', operationId: 'startLogin', summary: 'Browser sign-in with the IdP (authorization code + PKCE); step_up=1 asks for MFA', tags: ['auth'], public: true, redirect: true, response: { description: 'redirect to the IdP', contentType: 'text/plain' } },
  { method: 'get', path: '/auth/callback', operationId: 'finishLogin', summary: 'Where the IdP sends the browser back; sets the session cookie', tags: ['auth'], public: true, redirect: true, response: { description: 'redirect to the page that asked for sign-in', contentType: 'text/plain' } },
  { method: 'get', path: '/auth/logout', operationId: 'logout', summary: 'Clear the session and end the IdP session', tags: ['auth'], public: true, redirect: true, response: { description: 'redirect to the IdP logout', contentType: 'text/plain' } },
  { method: 'get', path: '/auth/me', operationId: 'whoAmI', summary: 'Name, roles and MFA time of the signed-in person', tags: ['auth'], public: true, response: { description: 'the session principal', contentType: 'application/json' } },
];

export async function buildSecurity(opts: { config: Config; store: Store; publicUrl: string; audit?: boolean }): Promise<Security> {
  const { config, store } = opts;
  const idp = config.oidc ? await discoverIssuer(config.oidc) : undefined;
  const sessionKey = loadSessionKey(config.auth.sessionKey, config.dataDir);
  return {
    config,
    authorizer: await loadAuthorizer(),
    tokens: new ApiTokenStore(store),
    ...(opts.audit === false ? {} : { audit: new AuditWriter(store) }),
    pseudonyms: await loadPseudonymizer(store),
    sessions: new SealedCookies(sessionKey),
    cursorSecret: createHmac('sha256', sessionKey).update('custos cursor key v1').digest(),
    ...(idp ? { idp } : {}),
    publicUrl: opts.publicUrl.replace(/\/+$/, ''),
  };
}

export function createApp(deps: ApiDeps): express.Express {
  const { security: s, log } = deps;
  const auth = s.config.auth;
  const routes = deps.routes ?? apiRoutes({ store: deps.store, tokens: s.tokens, cursorSecret: s.cursorSecret });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.locals.requestId = randomUUID();
    next();
  });
  app.use(securityHeaders({ https: s.publicUrl.startsWith('https:') }));
  app.use(healthRoutes(deps));
  app.use(openApiRouter(routes, [...SYSTEM_OPERATIONS, ...AUTH_OPERATIONS]));
  app.use(
    loginRoutes({ ...(s.idp ? { idp: s.idp } : {}), sessions: s.sessions, auth, publicUrl: s.publicUrl, secureCookies: !isLoopbackHttp(new URL(s.publicUrl)), log }),
  );
  const authn = authenticate({ tokens: s.tokens, sessions: s.sessions, auth, ...(s.idp ? { idp: s.idp } : {}) });
  const limit = perPrincipalRateLimit(auth.rateLimitPerMin);
  const body = express.json({ limit: auth.maxBodyBytes, strict: true });
  const pipeline = { authorizer: s.authorizer, ...(s.audit ? { audit: s.audit } : {}), pseudonyms: s.pseudonyms, stepUpMaxAgeS: auth.stepUpMaxAgeS, mfaAcr: auth.mfaAcr, log };
  for (const spec of routes) {
    const chain = spec.body ? [authn, limit, body, routeHandler(spec, pipeline)] : [authn, limit, routeHandler(spec, pipeline)];
    app[spec.method](spec.path, ...chain);
  }
  app.use((req, res) => sendProblem(res, { status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Not found', detail: `no route for ${req.method} ${req.path.slice(0, 200)}` }));
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') return sendProblem(res, { status: 413, type: `${PROBLEM_BASE}body-too-large`, title: 'Request body too large', detail: `the body exceeds ${auth.maxBodyBytes} bytes`, field: 'body' });
    if (e.type === 'entity.parse.failed') return sendProblem(res, { status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: 'the request body is not valid JSON', field: 'body' });
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendProblem(res, { status: e.status, title: 'Bad request', detail: 'the request could not be read' });
    log.error({ err, path: req.path }, 'request failed');
    sendProblem(res, { status: 500, type: `${PROBLEM_BASE}internal`, title: 'Internal error', detail: 'the request failed; the server log has the cause' });
  };
  app.use(onError);
  return app;
}
