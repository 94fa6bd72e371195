/** The sign-in routes of a server without an identity provider: they say so, so the web UI can too. */
import express from 'express';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { loginRoutes } from './login-routes.js';
import { SealedCookies } from './session.js';

const server = createServer();
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(loginRoutes({ sessions: new SealedCookies(new Uint8Array(32).fill(3)), auth: loadConfig({}).auth, publicUrl: 'http://127.0.0.1', secureCookies: false, log: createLogger('silent') }));
  server.on('request', app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

it('answers /auth/me 401 no-identity-provider and /auth/login 404 when no OIDC_ISSUER is set', async () => {
  const me = await fetch(`${base}/auth/me`);
  expect(me.status).toBe(401);
  expect(me.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect((await me.json()).type).toBe('https://custos.dev/problems/no-identity-provider');
  const login = await fetch(`${base}/auth/login`, { redirect: 'manual' });
  expect(login.status).toBe(404);
  expect((await login.json()).type).toBe('https://custos.dev/problems/no-identity-provider');
});
