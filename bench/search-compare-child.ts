/**
 * One side of bench/search-compare.ts, in its own process (chDB binds a data
 * directory to one process): opens the given data directory with the modules of the
 * given build (`dist/` of this checkout, or of the code before issue 14), serves the
 * API on loopback with auth and audit, times the named kinds of query, then 16
 * concurrent clients, and prints one JSON line.
 * Arguments: distRoot dataDir messages requestsPerKind loadSeconds kinds(separated by |) totalsCache(true|false)
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { queryMix } from './search.js';

const [root, dataDir, nText, requestsText, secondsText, kindsText, cacheText] = process.argv.slice(2) as [string, string, string, string, string, string, string];
const load = (p: string) => import(pathToFileURL(join(root, p)).href);
const { loadConfig } = await load('common/config.js');
const { createStore } = await load('common/store/store.js');
const { createLogger } = await load('common/logger.js');
const { buildSecurity, createApp } = await load('api/app.js');
const { apiRoutes } = await load('api/routes/index.js');

const config = loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CUSTOS_RATE_LIMIT_PER_MIN: '1000000' });
const store = await createStore(config, { command: 'bench search compare', queryTimeoutS: 600 });
const security = await buildSecurity({ config, store, publicUrl: 'http://127.0.0.1', audit: true });
const { secret } = await security.tokens.create({ tenant: 'bench', role: 'compliance_officer', name: 'bench', createdBy: 'bench' });
const app = createApp({ store, registry: new Registry(), log: createLogger('silent'), security, routes: apiRoutes({ store, cursorSecret: 'bench', searchTotalsCache: cacheText === 'true' }) });
const server = await new Promise<Server>((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s));
});
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/tenants/bench/messages`;

async function timed(qs: string): Promise<{ ms: number; total: number; next: string | null }> {
  const t0 = performance.now();
  const res = await fetch(`${base}?${qs}`, { headers: { authorization: `Bearer ${secret}` } });
  const body = (await res.json()) as { total?: number; next_cursor?: string | null };
  if (res.status !== 200) throw new Error(`${qs} answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return { ms: performance.now() - t0, total: body.total ?? 0, next: body.next_cursor ?? null };
}

const n = Number(nText);
const mix = queryMix(n, Number(requestsText));
const out: Record<string, { ms: number[]; totals: number[] }> = {};
// Warm-up: a few requests outside the timed sets (a time range, an author), so the first timed request does not pay for loading.
for (let d = 0; d < 3; d++) await timed(`from=2025-12-0${d + 1}T00:00:00Z&to=2025-12-0${d + 2}T00:00:00Z`);
for (const kind of kindsText.split('|')) {
  if (kind === 'pages 2-4 of a common word') {
    // A compliance officer paging: the same filters, next pages by cursor.
    const r = { ms: [] as number[], totals: [] as number[] };
    for (const qs of mix['word (common, top 60)']!.slice(0, Math.ceil(Number(requestsText) / 3))) {
      let page = await timed(qs);
      for (let i = 0; i < 3 && page.next; i++) {
        page = await timed(`${qs}&cursor=${encodeURIComponent(page.next)}`);
        r.ms.push(page.ms);
        r.totals.push(page.total);
      }
    }
    out[kind] = r;
    continue;
  }
  const qss = mix[kind]!;
  const r = { ms: [] as number[], totals: [] as number[] };
  for (const qs of qss) {
    const t = await timed(qs);
    r.ms.push(t.ms);
    r.totals.push(t.total);
  }
  out[kind] = r;
}
// 16 clients over the kinds given, for the seconds given.
const all = kindsText.split('|').filter((k) => mix[k]).flatMap((k) => mix[k]!);
const end = Date.now() + Number(secondsText) * 1000;
let done = 0;
let i = 0;
const loadMs: number[] = [];
const started = performance.now();
await Promise.all(Array.from({ length: 16 }, async () => {
  while (Date.now() < end) {
    const t = await timed(all[(i++ * 7919) % all.length]!);
    loadMs.push(t.ms);
    done++;
  }
}));
const rps = done / ((performance.now() - started) / 1000);
process.stdout.write(`${JSON.stringify({ out, load: { rps, ms: loadMs } })}\n`);
await new Promise((r) => server.close(r));
await store.close();
