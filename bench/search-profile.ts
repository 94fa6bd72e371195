/**
 * Issue 14: where one search request's time goes. Serves an archive that
 * bench/search-compare.ts left (BENCH_KEEP=1, `.bench/search-compare-N`) with this
 * build, through HTTP with an API token, Casbin and the audit append, one request at
 * a time, and times every store statement each request runs (the store's methods are
 * wrapped, so the audit append, the token check and the look-ups are counted too).
 * Prints per kind of query: the median request time, the median number of store
 * statements, the median time per statement (by its operation name), and what is
 * left outside the store (HTTP, JWT/token, Casbin, zod, parsing, highlights, JSON).
 * Also the fixed cost of one statement (`SELECT 1`, a parameterized one) and of a
 * request that runs no search. Environment: BENCH_SEARCH_SIZES (first size, default
 * 1000000), BENCH_SEARCH_REQUESTS (per kind, default 20), BENCH_PROFILE_KINDS (|-list,
 * default all).
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { loadConfig } from '../common/config.js';
import { createStore, type Store } from '../common/store/store.js';
import { createLogger } from '../common/logger.js';
import { packageRoot } from '../common/paths.js';
import { buildSecurity, createApp } from '../api/app.js';
import { apiRoutes } from '../api/routes/index.js';
import { queryMix } from './search.js';
import { fmt, summarize } from './lib/stats.js';

interface Op { op: string; ms: number }

/** Wraps every statement method of `store` so each call's wall time is pushed to `sink()`. */
function timeStatements(store: Store, sink: () => Op[]): void {
  const s = store as unknown as Record<string, unknown>;
  for (const name of ['query', 'command', 'insert', 'insertColumns', 'insertLines', 'insertRaw', 'lookupKeys', 'upsertKeys']) {
    const orig = s[name] as ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (typeof orig !== 'function') continue;
    s[name] = async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await orig.apply(store, args);
      } finally {
        sink().push({ op: String(args[0]), ms: performance.now() - t0 });
      }
    };
  }
}

const median = (xs: number[]) => summarize(xs).p50;

export async function runSearchProfile(): Promise<void> {
  const n = Number((process.env.BENCH_SEARCH_SIZES ?? '1000000').split(',')[0]);
  const requests = Number(process.env.BENCH_SEARCH_REQUESTS ?? 20);
  const dataDir = join(packageRoot(), '.bench', `search-compare-${n}`);
  if (!existsSync(dataDir)) throw new Error(`${dataDir} is missing: fill it first with BENCH_KEEP=1 npm run bench -- search-compare`);
  const config = loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CUSTOS_RATE_LIMIT_PER_MIN: '1000000' });
  const store = await createStore(config, { command: 'bench search profile', queryTimeoutS: 600 });
  let current: Op[] = [];
  timeStatements(store, () => current);
  const security = await buildSecurity({ config, store, publicUrl: 'http://127.0.0.1', audit: true });
  const { secret } = await security.tokens.create({ tenant: 'bench', role: 'compliance_officer', name: 'bench', createdBy: 'bench' });
  const app = createApp({ store, registry: new Registry(), log: createLogger('silent'), security, routes: apiRoutes({ store, cursorSecret: 'bench', searchTotalsCache: process.env.BENCH_PROFILE_CACHE !== '0' }) });
  const server = await new Promise<Server>((resolve) => {
    const sv = app.listen(0, '127.0.0.1', () => resolve(sv));
  });
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string) => {
    current = [];
    const t0 = performance.now();
    const res = await fetch(`${root}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    const body = (await res.json()) as { total?: number; next_cursor?: string | null };
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return { ms, ops: current, body };
  };
  try {
    console.log(`search profile: ${fmt(n)} messages, ${requests} requests per kind, one at a time (load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(', ')})`);
    const fixed: Record<string, number[]> = { 'SELECT 1': [], 'SELECT of 3 parameters': [] };
    for (let i = 0; i < 40; i++) {
      let t0 = performance.now();
      await store.query('bench: fixed', 'SELECT 1 AS x');
      fixed['SELECT 1']!.push(performance.now() - t0);
      t0 = performance.now();
      await store.query('bench: fixed', 'SELECT {a:String} AS a, {b:Array(String)} AS b, {c:UInt32} AS c', { a: 'bench', b: ['x', 'y'], c: 1 });
      fixed['SELECT of 3 parameters']!.push(performance.now() - t0);
    }
    for (const [k, v] of Object.entries(fixed)) console.log(`  fixed: ${k}: median ${fmt(median(v), 2)} ms`);
    const mix = queryMix(n, requests);
    // Warm-up outside the timed sets, as search-compare does.
    for (let d = 1; d <= 3; d++) await get(`/v1/tenants/bench/messages?from=2025-12-0${d}T00:00:00Z&to=2025-12-0${d + 1}T00:00:00Z`);
    const kinds = process.env.BENCH_PROFILE_KINDS ? process.env.BENCH_PROFILE_KINDS.split('|') : [...Object.keys(mix).filter((k) => !k.startsWith('_')), 'pages 2-4 of a common word'];
    for (const kind of kinds) {
      const reqs: Array<{ ms: number; ops: Op[] }> = [];
      if (kind === 'pages 2-4 of a common word') {
        for (const qs of mix['word (common, top 60)']!.slice(0, Math.ceil(requests / 3))) {
          let page = await get(`/v1/tenants/bench/messages?${qs}`);
          for (let i = 0; i < 3 && page.body.next_cursor; i++) {
            page = await get(`/v1/tenants/bench/messages?${qs}&cursor=${encodeURIComponent(page.body.next_cursor)}`);
            reqs.push(page);
          }
        }
      } else {
        for (const qs of mix[kind] ?? []) reqs.push(await get(`/v1/tenants/bench/messages?${qs}`));
      }
      if (reqs.length === 0) continue;
      const storeMs = reqs.map((r) => r.ops.reduce((a, o) => a + o.ms, 0));
      const byOp = new Map<string, { ms: number[]; calls: number }>();
      for (const r of reqs) for (const o of r.ops) {
        const e = byOp.get(o.op) ?? byOp.set(o.op, { ms: [], calls: 0 }).get(o.op)!;
        e.ms.push(o.ms);
        e.calls++;
      }
      const total = summarize(reqs.map((r) => r.ms));
      console.log(`\n  ${kind}: request p50 ${fmt(total.p50, 1)} / p95 ${fmt(total.p95, 1)} ms; statements per request median ${median(reqs.map((r) => r.ops.length))}; store p50 ${fmt(median(storeMs), 1)} ms; outside the store p50 ${fmt(median(reqs.map((r, i) => r.ms - storeMs[i]!)), 1)} ms`);
      for (const [op, e] of [...byOp.entries()].sort((a, b) => b[1].ms.reduce((x, y) => x + y, 0) - a[1].ms.reduce((x, y) => x + y, 0))) {
        const s = summarize(e.ms);
        console.log(`    ${op.padEnd(52)} ${fmt(e.calls / reqs.length, 2).padStart(5)} per request, p50 ${fmt(s.p50, 1).padStart(6)} / p95 ${fmt(s.p95, 1).padStart(6)} ms`);
      }
    }
  } finally {
    await new Promise((r) => server.close(r));
    await store.close();
  }
}
