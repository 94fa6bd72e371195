/**
 * What authentication and the audit log cost per request: requests/s and latency of
 * a trivial authorized route (`GET /v1/tenants/{tenant}/ping`, scope archive:read,
 * handler does no store work) through the full chain, with an API token, once with
 * the audit writer and once without. The difference is the audit append (one
 * serialized insert per request into the tenant's chain).
 * Environment: BENCH_AUTH_SECONDS (per variant, default 10), BENCH_AUTH_CLIENTS (default 8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { createStore, type Store } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { buildSecurity, createApp } from '../api/app.js';
import { ApiTokenStore } from '../api/auth/api-tokens.js';
import { defineRoute, type RouteSpec } from '../api/route-spec.js';
import { fmt, summarize } from './lib/stats.js';

const TENANT = 'bench';

const pingRoute = defineRoute({
  method: 'get',
  path: '/v1/tenants/:tenant/ping',
  operationId: 'benchPing',
  summary: 'benchmark only',
  tags: ['bench'],
  scope: 'archive:read',
  action: 'bench.ping',
  params: z.object({ tenant: z.string() }),
  response: z.object({ ok: z.boolean() }),
  handler: async () => ({ body: { ok: true }, resultCount: 0 }),
}) as unknown as RouteSpec;

export interface AuthBenchResult {
  audit: boolean;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

async function measure(store: Store, dataDir: string, audit: boolean, token: string, seconds: number, clients: number): Promise<AuthBenchResult> {
  const config = loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CUSTOS_RATE_LIMIT_PER_MIN: '1000000' });
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const security = await buildSecurity({ config, store, publicUrl: base, audit });
  server.on('request', createApp({ store, registry: new Registry(), log: createLogger('silent'), security, routes: [pingRoute] }));
  const url = `${base}/v1/tenants/${TENANT}/ping`;
  const headers = { authorization: `Bearer ${token}` };
  for (let i = 0; i < 20; i++) await (await fetch(url, { headers })).arrayBuffer(); // warm up
  const latencies: number[] = [];
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`bench ping answered ${res.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  const s = summarize(latencies);
  return { audit, requests: s.n, perSecond: s.n / elapsed, p50: s.p50, p95: s.p95, p99: s.p99 };
}

export async function runAuthBench(): Promise<AuthBenchResult[]> {
  const seconds = Number(process.env.BENCH_AUTH_SECONDS ?? 10);
  const clients = Number(process.env.BENCH_AUTH_CLIENTS ?? 8);
  const dataDir = mkdtempSync(join(tmpdir(), 'custos-bench-auth-'));
  const config = loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const store = await createStore(config, { command: 'bench api-auth', queryTimeoutS: 30 });
  try {
    await migrate(store);
    const { secret } = await new ApiTokenStore(store).create({ tenant: TENANT, role: 'auditor', name: 'bench', createdBy: 'bench' });
    const results = [await measure(store, dataDir, false, secret, seconds, clients), await measure(store, dataDir, true, secret, seconds, clients)];
    for (const r of results) {
      console.log(`api-auth ${r.audit ? 'with audit   ' : 'without audit'}: ${fmt(r.perSecond)} req/s (${clients} clients, ${fmt(r.requests)} requests), latency p50 ${fmt(r.p50, 1)} ms, p95 ${fmt(r.p95, 1)} ms, p99 ${fmt(r.p99, 1)} ms`);
    }
    const [off, on] = results as [AuthBenchResult, AuthBenchResult];
    console.log(`api-auth: audit append costs ${fmt(1000 / on.perSecond - 1000 / off.perSecond, 2)} ms of server time per request (${fmt((1 - on.perSecond / off.perSecond) * 100)}% fewer requests/s)`);
    return results;
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('api-auth.js')) await runAuthBench();
