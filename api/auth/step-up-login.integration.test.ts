/**
 * The step-up sign-in request with MFA acr values configured, against the real test
 * IdP (no store needed: only the login routes are mounted).
 */
import express from 'express';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startOidcProvider, type TestIdp } from '../../test/helpers/oidc-provider.js';
import { discoverIssuer } from './oidc-issuer.js';
import { loginRoutes } from './login-routes.js';
import { SealedCookies } from './session.js';
import { SessionStore } from './session-store.js';
import { NoRoleReporter } from './no-role-report.js';
import { Registry } from 'prom-client';
import type { Store } from '../../common/store/store.js';

let idp: TestIdp;
let base: string;
const server = createServer();

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  idp = await startOidcProvider({ custosUrl: base });
  const config = loadConfig({ OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.webClient.id, OIDC_CLIENT_SECRET: idp.webClient.secret, CUSTOS_MFA_ACR: 'urn:custos:mfa,phr', CUSTOS_STEP_UP_MAX_AGE_S: '300' });
  const app = express();
  const log = createLogger('silent');
  // Only /auth/login is called here: it stores nothing, so the session store gets no store.
  const sessions = new SessionStore({} as Store);
  app.use(loginRoutes({ idp: await discoverIssuer(config.oidc!), loginCookies: new SealedCookies(new Uint8Array(32).fill(7)), sessions, noRole: new NoRoleReporter(log, new Registry()), auth: config.auth, publicUrl: base, secureCookies: false, log }));
  const levelConfig = loadConfig({ OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.webClient.id, CUSTOS_MFA_ACR_MIN_LEVEL: '2' });
  const levelApp = express();
  levelApp.use(loginRoutes({ idp: await discoverIssuer(levelConfig.oidc!), loginCookies: new SealedCookies(new Uint8Array(32).fill(7)), sessions, noRole: new NoRoleReporter(log, new Registry()), auth: levelConfig.auth, publicUrl: base, secureCookies: false, log }));
  app.use('/level', levelApp);
  server.on('request', app);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await idp?.close();
});

it('asks the IdP for the configured MFA acr values and max_age on step-up, and for neither on a plain sign-in', async () => {
  const step = await fetch(`${base}/auth/login?step_up=1&return_to=%2Fv1%2Ftenants%2Facme%2Ftokens`, { redirect: 'manual' });
  expect(step.status).toBe(302);
  const to = new URL(step.headers.get('location')!);
  expect(to.origin).toBe(idp.issuer);
  expect(to.searchParams.get('acr_values')).toBe('urn:custos:mfa phr');
  expect(to.searchParams.get('max_age')).toBe('300');
  expect(to.searchParams.get('prompt')).toBeNull();
  const cookie = step.headers.getSetCookie().find((c) => c.startsWith('custos_login='))!;
  expect(cookie).toMatch(/Path=\/auth/);
  expect(cookie).toMatch(/HttpOnly/);

  const plain = new URL((await fetch(`${base}/auth/login`, { redirect: 'manual' })).headers.get('location')!);
  expect(plain.searchParams.get('acr_values')).toBeNull();
  expect(plain.searchParams.get('max_age')).toBeNull();
});

it('asks for the minimum acr level on step-up when CUSTOS_MFA_ACR_MIN_LEVEL is set (Keycloak levels of authentication)', async () => {
  const step = await fetch(`${base}/level/auth/login?step_up=1`, { redirect: 'manual' });
  expect(step.status).toBe(302);
  const to = new URL(step.headers.get('location')!);
  expect(to.searchParams.get('acr_values')).toBe('2');
  expect(to.searchParams.get('max_age')).toBe('900');
});
