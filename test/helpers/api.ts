/**
 * The real API on an ephemeral loopback port, over a real embedded store, with an
 * optional real OIDC provider in front. `createToken` calls the same code as
 * `custos token create`.
 */
import type { Server } from 'node:http';
import { once } from 'node:events';
import { Registry } from 'prom-client';
import { buildSecurity, createApp, type Security } from '../../api/app.js';
import { createHttpServer } from '../../api/http-server.js';
import { ApiTokenStore } from '../../api/auth/api-tokens.js';
import type { RouteSpec } from '../../api/route-spec.js';
import type { ApiRouteDeps } from '../../api/routes/index.js';
import { createLogger } from '../../common/logger.js';
import type { Store } from '../../common/store/store.js';
import { openTestStore, testConfig } from './store.js';
import { join } from 'node:path';
import { JobRunner } from '../../reports/jobs/job-runner.js';
import { createJobAuditor } from '../../reports/jobs/job-audit.js';
import { jobKinds } from '../../reports/job-kinds.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { startOidcProvider, API_RESOURCE, type TestIdp, type TestUser } from './oidc-provider.js';
import type { Logger } from '../../common/logger.js';

export interface TestApi {
  baseUrl: string;
  store: Store;
  dataDir: string;
  security: Security;
  /** What the job routes are built from, so a test lists exactly the routes the app serves. */
  jobs: NonNullable<ApiRouteDeps['jobs']>;
  idp?: TestIdp;
  /** Creates an API token like `custos token create` and returns its secret. */
  createToken(tenant: string, role: string, name?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** Start a real OIDC provider and configure Custos against it. */
  oidc?: boolean;
  /** The test IdP's users (default DEFAULT_USERS), e.g. with another IdP's claim shapes. */
  oidcUsers?: TestUser[];
  /** The app's logger (default: silent, or TEST_LOG_LEVEL), so a test can read what was logged. */
  log?: Logger;
  /** Prometheus registry the app reports to (default: a fresh one). */
  registry?: Registry;
  env?: Record<string, string>;
  /** false: run without the audit writer (benchmark baseline only). */
  audit?: boolean;
  routes?: (store: Store) => RouteSpec[];
}

export async function startTestApi(label: string, options: TestApiOptions = {}): Promise<TestApi> {
  const ts = await openTestStore(label);
  // The same server `custos serve` runs, so answers Node gives before Express (431, 400) are tested too.
  const server: Server = createHttpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const idp = options.oidc ? await startOidcProvider({ custosUrl: baseUrl, ...(options.oidcUsers ? { users: options.oidcUsers } : {}) }) : undefined;
  const env: Record<string, string> = {
    ...(idp
      ? { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.webClient.id, OIDC_CLIENT_SECRET: idp.webClient.secret, OIDC_AUDIENCE: API_RESOURCE, OIDC_SCOPES: 'openid profile groups', CUSTOS_ROLE_MAPPING: JSON.stringify({ Auditors: { tenant: 'acme', role: 'auditor' } }) }
      : {}),
    ...options.env,
  };
  const config = testConfig(ts.dataDir, env);
  const security = await buildSecurity({ config, store: ts.store, publicUrl: baseUrl, audit: options.audit ?? true });
  const log = options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  // The real runner and signing keys, so the job, export and key routes are served (and walked by the matrix and the fuzzer).
  const runner = new JobRunner({ store: ts.store, log, audit: createJobAuditor(security.audit), jobsDir: join(ts.dataDir, 'jobs'), kinds: jobKinds({ dataDir: ts.dataDir, minGroupSize: config.analytics.minGroupSize }) });
  const signingKeys = (tenant: string) => {
    const key = loadOrCreateSigningKey(ts.dataDir, tenant);
    return { keyId: key.keyId, publicKeyPem: key.publicKeyPem };
  };
  const app = createApp({ store: ts.store, registry: options.registry ?? new Registry(), log, security, jobs: { service: runner, signingKeys }, ...(options.routes ? { routes: options.routes(ts.store) } : {}) });
  server.on('request', app);
  const tokens = new ApiTokenStore(ts.store);
  return {
    baseUrl,
    store: ts.store,
    dataDir: ts.dataDir,
    security,
    jobs: { service: runner, pseudonyms: security.pseudonyms, signingKeys },
    ...(idp ? { idp } : {}),
    async createToken(tenant, role, name = `${role} test token`) {
      return (await tokens.create({ tenant, role, name, createdBy: 'test' })).secret;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await idp?.close();
      await ts.close();
    },
  };
}
