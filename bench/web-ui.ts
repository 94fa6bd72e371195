/**
 * `npm run bench -- web-ui`: the web UI on loopback. Chromium (Debian's, through
 * playwright-core) signs in through the demo identity provider as each role, then
 * loads each page of that role in a fresh browser context (cold browser cache, session
 * cookie kept) and reports:
 * - first contentful paint (the shell's first text: the nearest measurable stand-in for
 *   "first meaningful paint", which browsers no longer report);
 * - loaded: the page's data on screen (every one of its ready selectors in the DOM,
 *   seen by a MutationObserver installed before the page's own script), from
 *   navigation start;
 * - the API requests the page made: when each left and was answered, and its time to
 *   first byte (the server's answer time on loopback);
 * - bytes on the wire (encodedBodySize: compressed) of script, style, the document and
 *   the API answers.
 * Each page is loaded first "after a server start": a new app (the answer caches of
 *   analytics and search totals empty, as `custos serve` starts; the store and its
 *   engine stay open) before each of BENCH_UI_COLD_RUNS loads (default 3: the first and
 *   the median are printed); then BENCH_UI_RUNS loads (default 5, median) on that app:
 *   answers from the caches.
 * BENCH_UI_PAGES (paths, comma-separated) limits the run to some pages.
 *
 * Two archives:
 * - default: the demo's sample company, every role's pages. Size by BENCH_UI_USERS /
 *   BENCH_UI_DAYS / BENCH_UI_PER_DAY (default 300 people, 120 days, 400 messages a
 *   working day, about 34,000 messages).
 * - BENCH_UI_MESSAGES=N: the engagement benchmarks' company (bench/lib/engagement-company.ts:
 *   2,000 people in 20 departments, 90 days ending now) with N messages, stored through
 *   the real Kafka ingest (KAFKA_BROKERS, else the project's broker is started), and
 *   the engagement dashboard as a manager of one department, a manager of all twenty
 *   (the CEO, a list of departments) and a compliance officer (all departments). Each
 *   signs in through the demo identity provider; the managers are found in the
 *   directory by e-mail like any manager. BENCH_UI_ARCHIVE=DIR keeps the filled store
 *   in DIR and reuses it on the next run with the same N (a 10M fill takes a while).
 * Prints `uptime` beside the figures: the machine is shared, so they are upper bounds.
 */
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Registry } from 'prom-client';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadOrCreateSigningKey } from '../common/keys/signing-keys.js';
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { createStore } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { buildSecurity, createApp } from '../api/app.js';
import { API_RESOURCE, startOidcProvider } from '../cli/demo/identity-provider.js';
import type { DemoSignIn } from '../cli/demo/demo-users.js';
import { buildJobRunner } from '../cli/job-runtime.js';
import { launchChromium } from '../test/helpers/browser.js';
import { fmt, summarize } from './lib/stats.js';
import { timedStore, type StoreTimes } from './lib/timed-store.js';
import { MARK, companyArchive, sampleArchive, uptime } from './lib/web-ui-archives.js';

type State = Awaited<ReturnType<BrowserContext['storageState']>>;

interface ApiCall { path: string; start: number; ttfb: number; end: number }
interface PageLoad { fcp: number; loaded: number; script: number; style: number; document: number; api: number; calls: ApiCall[]; cpu: number; storeTimes: StoreTimes }

async function signedIn(browser: Browser, base: string, issuer: string, user: DemoSignIn): Promise<State> {
  const context = await browser.newContext();
  // The page signed in to lands on its first page: its API requests are not sent, or the server would still be answering them during the first measured load.
  await context.route(`${base}/v1/**`, (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.origin === issuer);
  await page.getByLabel('User name').fill(user.id);
  await page.getByLabel('Password').fill(user.password!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (user.otp) {
    await page.getByLabel('One-time code').fill(user.otp);
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.waitForURL((u) => u.origin === base && u.pathname.startsWith('/ui/'));
  const state = await context.storageState();
  await context.close();
  return state;
}

/**
 * Installed before the page's own script: notes the time when every ready selector is
 * first in the DOM (a MutationObserver runs before the next paint), so "loaded" does not
 * include the bench's polling. A string: the bench compiles without the DOM library.
 */
const readyProbe = (ready: string[]) => `(() => {
  const sels = ${JSON.stringify(ready)};
  const check = () => { if (window.__benchReady === undefined && sels.every((s) => document.querySelector(s))) { window.__benchReady = performance.now(); observer.disconnect(); } };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

/** One load, with this process's CPU time (the server, its embedded engine, the bench's client) and the app's store calls during it. */
async function measuredLoad(timing: ReturnType<typeof timedStore>, browser: Browser, state: State, url: string, ready: string[]): Promise<PageLoad> {
  const c0 = process.cpuUsage();
  const [l, storeTimes] = await timing.measure(() => loadOnce(browser, state, url, ready));
  const c = process.cpuUsage(c0);
  return { ...l, cpu: (c.user + c.system) / 1000, storeTimes };
}

async function loadOnce(browser: Browser, state: State, url: string, ready: string[]): Promise<Omit<PageLoad, 'cpu' | 'storeTimes'>> {
  const context = await browser.newContext({ storageState: state });
  await context.addInitScript({ content: readyProbe(ready) });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as { __benchReady?: number }).__benchReady !== undefined, undefined, { timeout: 600_000, polling: 50 });
  const m = await page.evaluate(() => {
    // Runs in the page: DOM timing entries, typed loosely (the bench compiles without the DOM library).
    type Timing = { name: string; initiatorType: string; encodedBodySize: number; startTime: number; requestStart: number; responseStart: number; responseEnd: number };
    const entries = (type: string) => (performance as unknown as { getEntriesByType(t: string): Timing[] }).getEntriesByType(type);
    const sum = (pred: (e: Timing) => boolean) => entries('resource').filter(pred).reduce((n, e) => n + e.encodedBodySize, 0);
    const nav = entries('navigation')[0];
    const fetches = entries('resource').filter((e) => e.initiatorType === 'fetch');
    return {
      loaded: (globalThis as unknown as { __benchReady: number }).__benchReady,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      script: sum((e) => e.initiatorType === 'script'),
      style: sum((e) => e.initiatorType === 'link' || e.name.endsWith('.css')),
      document: nav?.encodedBodySize ?? 0,
      api: sum((e) => e.initiatorType === 'fetch'),
      // Where the time goes: each API request, when it left, its time to first byte, when its answer ended.
      calls: fetches.map((e) => ({ path: new URL(e.name).pathname + new URL(e.name).search, start: e.startTime, ttfb: e.responseStart - e.requestStart, end: e.responseEnd })),
    };
  });
  await context.close();
  return m;
}

/** The API requests of one load, in the order they left: "path left→answered (ttfb)". */
function callLines(l: PageLoad, tenant: string): string {
  const strip = (p: string) => p.replace(`/v1/tenants/${tenant}`, '').replace(/^\/v1/, '');
  return [...l.calls]
    .sort((a, b) => a.start - b.start)
    .map((c) => `      ${strip(c.path).padEnd(44)} left at ${fmt(c.start).padStart(6)} ms, answered at ${fmt(c.end).padStart(6)} ms (server ${fmt(c.ttfb)} ms)`)
    .join('\n');
}

/** The store calls of one load, costliest first. */
function storeLine(l: PageLoad): string {
  const top = [...l.storeTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
  return `      server CPU ${fmt(l.cpu)} ms; store calls (operation: count, summed ms): ${top.map(([op, t]) => `${op}: ${t.n}, ${fmt(t.ms)}`).join('; ')}`;
}

export async function runWebUiBench(): Promise<void> {
  const runs = Number(process.env.BENCH_UI_RUNS ?? 5);
  const coldRuns = Math.max(1, Number(process.env.BENCH_UI_COLD_RUNS ?? 3));
  const messages = process.env.BENCH_UI_MESSAGES ? Number(process.env.BENCH_UI_MESSAGES) : undefined;
  if (messages !== undefined && !(Number.isInteger(messages) && messages > 0)) throw new Error(`bench web-ui: BENCH_UI_MESSAGES must be a whole number above 0, not "${process.env.BENCH_UI_MESSAGES}"`);
  const keptDir = process.env.BENCH_UI_ARCHIVE ? resolve(process.env.BENCH_UI_ARCHIVE) : undefined;
  if (keptDir && messages === undefined) throw new Error('bench web-ui: BENCH_UI_ARCHIVE keeps the engagement company: set BENCH_UI_MESSAGES too');
  if (keptDir && existsSync(keptDir) && !existsSync(join(keptDir, MARK)) && readdirSync(keptDir).length > 0) {
    throw new Error(`bench web-ui: ${keptDir} is not empty and holds no ${MARK}: not a kept bench archive, left alone`);
  }
  if (keptDir) mkdirSync(keptDir, { recursive: true });
  const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'custos-bench-ui-'));
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const store = await createStore(loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { command: 'bench web-ui', queryTimeoutS: 600 });
  let browser: Browser | undefined;
  let idp: Awaited<ReturnType<typeof startOidcProvider>> | undefined;
  try {
    await migrate(store);
    const archive = messages === undefined ? await sampleArchive(store) : await companyArchive(store, dataDir, messages, keptDir !== undefined);
    idp = await startOidcProvider({ custosUrl: base, users: archive.users });
    const config = loadConfig({
      CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CUSTOS_RATE_LIMIT_PER_MIN: '1000000',
      OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.webClient.id, OIDC_CLIENT_SECRET: idp.webClient.secret, OIDC_AUDIENCE: API_RESOURCE, OIDC_SCOPES: 'openid profile email groups',
    });
    const timing = timedStore(store);
    const security = await buildSecurity({ config, store: timing.store, publicUrl: base });
    // One audit writer per process, as custos serve has it: the runner appends through the API's.
    const runner = buildJobRunner(config, store, security.audit!, createLogger('silent'));
    await archive.finish(security.audit!, runner);
    console.log(`web-ui: ${archive.describe}`);
    const signingKeys = (tenant: string) => {
      const key = loadOrCreateSigningKey(config.dataDir, tenant);
      return { keyId: key.keyId, publicKeyPem: key.publicKeyPem };
    };
    // The app custos serve builds (cli/commands/serve.ts), jobs and holds routes included; a new one is a server start (empty answer caches).
    const newApp = () => createApp({ store: timing.store, registry: new Registry(), log: createLogger('silent'), security, jobs: { service: runner, signingKeys } });
    let app = newApp();
    server.on('request', (req: IncomingMessage, res: ServerResponse) => app(req, res));
    browser = await launchChromium();
    const states = new Map<string, State>();
    for (const user of new Set(archive.pages.map((p) => p.user))) states.set(user, await signedIn(browser, base, idp.issuer, archive.users.find((u) => u.id === user)!));
    // BENCH_UI_PAGES=/engagement,/jobs: only the pages whose path starts with one of these.
    const only = process.env.BENCH_UI_PAGES?.split(',').filter(Boolean);
    for (const p of archive.pages.filter((x) => !only || only.some((o) => x.path.startsWith(o)))) {
      const url = `${base}/ui/${archive.tenant}${p.path}${archive.query ? (p.path.includes('?') ? `&${archive.query.slice(1)}` : archive.query) : ''}`;
      const state = states.get(p.user)!;
      const cold: PageLoad[] = [];
      const coldLoad: string[] = [];
      for (let i = 0; i < coldRuns; i++) {
        app = newApp();
        cold.push(await measuredLoad(timing, browser, state, url, p.ready));
        coldLoad.push(uptime());
      }
      const warm: PageLoad[] = [];
      for (let i = 0; i < runs; i++) warm.push(await measuredLoad(timing, browser, state, url, p.ready));
      const warmLoad = uptime();
      const med = (ls: PageLoad[], k: 'fcp' | 'loaded' | 'script' | 'style' | 'document' | 'api') => summarize(ls.map((l) => l[k])).p50;
      const medianLoad = (ls: PageLoad[]) => [...ls].sort((a, b) => a.loaded - b.loaded)[Math.ceil(ls.length / 2) - 1]!;
      const first = cold[0]!;
      console.log(`web-ui ${p.label} ${p.path}:`);
      console.log(`  first load after a server start (answer caches empty): first paint ${fmt(first.fcp)} ms, loaded ${fmt(first.loaded)} ms; median of ${coldRuns} such loads: first paint ${fmt(med(cold, 'fcp'))} ms, loaded ${fmt(med(cold, 'loaded'))} ms (aim: loaded < 1,000 ms)  [${coldLoad[0]}]`);
      console.log(callLines(first, archive.tenant));
      console.log(storeLine(first));
      console.log(`  later loads (answer caches filled), median of ${runs}: first paint ${fmt(med(warm, 'fcp'))} ms, loaded ${fmt(med(warm, 'loaded'))} ms (aim: loaded < 1,000 ms)  [${warmLoad}]`);
      console.log(callLines(medianLoad(warm), archive.tenant));
      console.log(storeLine(medianLoad(warm)));
      console.log(`  compressed bytes: script ${fmt(med(warm, 'script'))} (aim < 300,000), style ${fmt(med(warm, 'style'))}, html ${fmt(med(warm, 'document'))}, API ${fmt(med(warm, 'api'))}`);
    }
    console.log('web-ui: figures are upper bounds: the 2 cores are shared with other work');
  } finally {
    await browser?.close();
    server.closeAllConnections();
    server.close();
    await idp?.close();
    await store.close();
    if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('web-ui.js')) await runWebUiBench();
