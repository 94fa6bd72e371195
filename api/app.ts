/**
 * Composes the HTTP API. `buildSecurity` prepares what authentication, authorization
 * and audit need (IdP discovery, keys, Casbin); `createApp` wires the routes and
 * opens no store or socket itself. Every /v1 RouteSpec runs the same chain:
 * authenticate -> rate limit -> JSON body -> tenant check -> authorize -> step-up ->
 * validate -> handler -> audit (api/middleware/route-pipeline.ts). Before any route:
 * security headers and a UTF-8 query string; after them: 405 for a known path with
 * another method, 404 for the rest. The HTTP server itself is api/http-server.ts.
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
import { registerRetentionMetrics } from '../common/retention/metrics.js';
import { openApiRouter } from './routes/openapi-route.js';
import { allowedMethods } from './openapi.js';
import { STATUS_CODES } from 'node:http';
import { PROBLEM_BASE, sendProblem } from './problem.js';
import type { RouteSpec } from './route-spec.js';
import type { JobService } from '../common/jobs/job-service.js';
import type { SigningKeyLookup } from './routes/signing-keys.js';
import { ApiTokenStore } from './auth/api-tokens.js';
import { authenticate } from './auth/authenticate.js';
import { loginRoutes } from './auth/login-routes.js';
import { discoverIssuer, isLoopbackHttp, type OidcIssuer } from './auth/oidc-issuer.js';
import { SealedCookies, loadSessionKey } from './auth/session.js';
import { SessionStore } from './auth/session-store.js';
import { NoRoleReporter } from './auth/no-role-report.js';
import { stepUpAcrValues } from './auth/mfa.js';
import { perPrincipalRateLimit } from './middleware/rate-limit.js';
import { routeHandler } from './middleware/route-pipeline.js';
import { securityHeaders } from './middleware/security-headers.js';
import { webUiRouter } from './routes/web-ui.js';
import { EXTRA_OPERATIONS } from './served-document.js';
import { methodNotAllowed, queryEncoding, requireJsonBody } from './middleware/request-checks.js';

export interface Security {
  config: Config;
  authorizer: Authorizer;
  tokens: ApiTokenStore;
  /** Absent only when a benchmark measures the API without auditing. */
  audit?: AuditWriter;
  pseudonyms: Pseudonymizer;
  /** Seals the short-lived login cookie; sessions themselves are in the store. */
  loginCookies: SealedCookies;
  sessions: SessionStore;
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
  /** The job runner (reports/) and the tenant signing keys, for the job, export and signing-key routes. */
  jobs?: { service: JobService; signingKeys: SigningKeyLookup };
  /** Where the built web UI is (default dist/ui of the package). */
  webUiDir?: string;
}

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
    loginCookies: new SealedCookies(sessionKey),
    sessions: new SessionStore(store),
    cursorSecret: createHmac('sha256', sessionKey).update('custos cursor key v1').digest(),
    ...(idp ? { idp } : {}),
    publicUrl: opts.publicUrl.replace(/\/+$/, ''),
  };
}

export function createApp(deps: ApiDeps): express.Express {
  const { security: s, log } = deps;
  const auth = s.config.auth;
  const routes = deps.routes ?? apiRoutes({ store: deps.store, tokens: s.tokens, sessions: s.sessions, cursorSecret: s.cursorSecret, authorizer: s.authorizer, minGroupSize: s.config.analytics.minGroupSize, analyticsMaxStalenessS: s.config.analytics.maxStalenessS, retention: s.config.retention, ...(deps.jobs ? { jobs: { ...deps.jobs, pseudonyms: s.pseudonyms } } : {}) });
  // Retention figures read the jobs the runner stores: served where the job routes are.
  if (deps.jobs) registerRetentionMetrics(deps.registry, deps.store, { onError: (err) => log.error({ err }, 'retention metrics could not be read') });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.locals.requestId = randomUUID();
    next();
  });
  app.use(securityHeaders({ https: s.publicUrl.startsWith('https:') }));
  app.use(queryEncoding());
  app.use(healthRoutes(deps));
  const extra = EXTRA_OPERATIONS;
  app.use(openApiRouter(routes, extra));
  const noRole = new NoRoleReporter(log, deps.registry);
  app.use(
    loginRoutes({ ...(s.idp ? { idp: s.idp } : {}), loginCookies: s.loginCookies, sessions: s.sessions, noRole, auth, publicUrl: s.publicUrl, secureCookies: !isLoopbackHttp(new URL(s.publicUrl)), log }),
  );
  app.use(webUiRouter(deps.webUiDir));
  const authn = authenticate({ tokens: s.tokens, sessions: s.sessions, noRole, auth, ...(s.idp ? { idp: s.idp } : {}) });
  const limit = perPrincipalRateLimit(auth.rateLimitPerMin);
  const body = [requireJsonBody(), express.json({ limit: auth.maxBodyBytes, strict: true })];
  const pipeline = { authorizer: s.authorizer, ...(s.audit ? { audit: s.audit } : {}), pseudonyms: s.pseudonyms, stepUpMaxAgeS: auth.stepUpMaxAgeS, mfaAcr: stepUpAcrValues(auth), log };
  for (const spec of routes) {
    const chain = spec.body ? [authn, limit, ...body, routeHandler(spec, pipeline)] : [authn, limit, routeHandler(spec, pipeline)];
    app[spec.method](spec.path, ...chain);
  }
  // After every route, so only methods no route took get here (HEAD is taken by the GET routes).
  for (const [path, methods] of allowedMethods(routes, extra)) app.route(path).all(methodNotAllowed(methods));
  app.use((req, res) => sendProblem(res, { status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Not found', detail: `no route for ${req.method.slice(0, 20)} ${req.path.slice(0, 200)}` }));
  app.use(errorHandler(auth.maxBodyBytes, log));
  return app;
}

/** Errors Express and body-parser raise before a route answers, as problems; anything else is a 500 that discloses nothing. */
function errorHandler(maxBodyBytes: number, log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') return sendProblem(res, { status: 413, type: `${PROBLEM_BASE}body-too-large`, title: 'Request body too large', detail: `the body exceeds ${maxBodyBytes} bytes`, field: 'body' });
    if (e.type === 'entity.parse.failed') return sendProblem(res, { status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: 'the request body is not valid JSON', field: 'body' });
    if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
      res.set('Accept', 'application/json');
      return sendProblem(res, { status: 415, type: `${PROBLEM_BASE}unsupported-media-type`, title: 'Unsupported media type', detail: 'the body must be application/json in UTF-8, without a content coding other than gzip, deflate or br', field: 'body' });
    }
    // The router could not percent-decode a path segment (`%FF`, `%E2%82`).
    if (e.status === 400 && err instanceof URIError) {
      return sendProblem(res, { status: 400, type: `${PROBLEM_BASE}invalid-encoding`, title: 'Invalid request', detail: 'a path segment is not percent-encoded UTF-8', field: 'path' });
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendProblem(res, { status: e.status, type: `${PROBLEM_BASE}bad-request`, title: STATUS_CODES[e.status] ?? 'Bad request', detail: 'the request could not be read' });
    }
    log.error({ err, path: req.path }, 'request failed');
    sendProblem(res, { status: 500, type: `${PROBLEM_BASE}internal`, title: 'Internal error', detail: 'the request failed; the server log has the cause' });
  };
}
