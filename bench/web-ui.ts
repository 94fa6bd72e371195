/**
 * `npm run bench -- web-ui`: the web UI on loopback with the demo's sample company.
 * Chromium (Debian's, through playwright-core) signs in through the demo identity
 * provider as each role, then loads each page of that role in a fresh browser context
 * (cold cache, session cookie kept) and reports, median of BENCH_UI_RUNS loads:
 * - first contentful paint (the shell's first text: the nearest measurable stand-in for
 *   "first meaningful paint", which browsers no longer report);
 * - loaded: the page's data on screen (its results heading or table), from navigation start;
 * - bytes on the wire (encodedBodySize: compressed) of script, style, the document and
 *   the API answers.
 * BENCH_UI_PAGES (paths, comma-separated) limits the run to some pages.
 * Sample size: BENCH_UI_USERS / BENCH_UI_DAYS / BENCH_UI_PER_DAY (default the demo's
 * 300 people, 120 days, 400 messages a working day). Prints `uptime` beside the figures:
 * the machine is shared, so they are upper bounds.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadOrCreateSigningKey } from '../common/keys/signing-keys.js';
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { createStore } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { buildSecurity, createApp } from '../api/app.js';
import { API_RESOURCE, startOidcProvider } from '../cli/demo/identity-provider.js';
import { demoUsers } from '../cli/demo/demo-users.js';
import { demoHoldAndJob, fillSampleCompany } from '../cli/demo/demo-history.js';
import { buildJobRunner } from '../cli/job-runtime.js';
import { launchChromium } from '../test/helpers/browser.js';
import { fmt, summarize } from './lib/stats.js';

const TENANT = 'demo';

interface PageLoad { fcp: number; loaded: number; script: number; style: number; document: number; api: number; firstApi: number; apiDone: number }

/** The pages of each role, and what on each says its data is there. */
const PAGES: { role: string; path: string; ready: string }[] = [
  { role: 'manager', path: '/engagement', ready: 'table.series[data-metric] tbody tr' },
  { role: 'officer', path: '/search?q=budget', ready: '#results-heading[data-total]' },
  { role: 'officer', path: '/supervision', ready: '#items-heading[data-total]' },
  { role: 'officer', path: '/holds', ready: 'tr[data-hold]' },
  { role: 'officer', path: '/jobs', ready: 'tr[data-job]' },
  { role: 'auditor', path: '/audit', ready: '#entries-heading[data-total]' },
];

async function signedIn(browser: Browser, base: string, issuer: string, user: { id: string; password?: string; otp?: string }): Promise<Awaited<ReturnType<BrowserContext['storageState']>>> {
  const context = await browser.newContext();
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

async function loadOnce(browser: Browser, state: Awaited<ReturnType<BrowserContext['storageState']>>, url: string, ready: string): Promise<PageLoad> {
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector(ready, { timeout: 60_000 });
  const loaded = await page.evaluate(() => performance.now());
  const m = await page.evaluate(() => {
    // Runs in the page: DOM timing entries, typed loosely (the bench compiles without the DOM library).
    type Timing = { name: string; initiatorType: string; encodedBodySize: number; startTime: number; responseEnd: number };
    const entries = (type: string) => (performance as unknown as { getEntriesByType(t: string): Timing[] }).getEntriesByType(type);
    const sum = (pred: (e: Timing) => boolean) => entries('resource').filter(pred).reduce((n, e) => n + e.encodedBodySize, 0);
    const nav = entries('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
    return {
      fcp,
      script: sum((e) => e.initiatorType === 'script'),
      style: sum((e) => e.initiatorType === 'link' || e.name.endsWith('.css')),
      document: nav?.encodedBodySize ?? 0,
      api: sum((e) => e.initiatorType === 'fetch'),
      // Where the time goes: the first API request leaves when the shell's script runs; the last answer ends the data wait.
      firstApi: Math.min(...entries('resource').filter((e) => e.initiatorType === 'fetch').map((e) => e.startTime)),
      apiDone: Math.max(...entries('resource').filter((e) => e.initiatorType === 'fetch').map((e) => e.responseEnd)),
    };
  });
  await context.close();
  return { loaded, ...m };
}

export async function runWebUiBench(): Promise<void> {
  const runs = Number(process.env.BENCH_UI_RUNS ?? 5);
  const sample = { users: Number(process.env.BENCH_UI_USERS ?? 300), days: Number(process.env.BENCH_UI_DAYS ?? 120), messagesPerDay: Number(process.env.BENCH_UI_PER_DAY ?? 400) };
  const dataDir = mkdtempSync(join(tmpdir(), 'custos-bench-ui-'));
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const users = demoUsers(TENANT);
  const idp = await startOidcProvider({ custosUrl: base, users });
  const config = loadConfig({
    CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CUSTOS_RATE_LIMIT_PER_MIN: '1000000',
    OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.webClient.id, OIDC_CLIENT_SECRET: idp.webClient.secret, OIDC_AUDIENCE: API_RESOURCE, OIDC_SCOPES: 'openid profile email groups',
  });
  const store = await createStore(config, { command: 'bench web-ui', queryTimeoutS: 120 });
  let browser: Browser | undefined;
  try {
    await migrate(store);
    const end = new Date();
    end.setUTCHours(0, 0, 0, 0);
    const t0 = Date.now();
    const filled = await fillSampleCompany(store, { tenant: TENANT, ...sample, end });
    const security = await buildSecurity({ config, store, publicUrl: base });
    // One audit writer per process, as custos serve has it: the runner appends through the API's.
    const runner = buildJobRunner(config, store, security.audit!, createLogger('silent'));
    await demoHoldAndJob(store, security.audit!, runner, TENANT, filled.policy);
    const [counted] = await store.query<{ n: string }>('bench web-ui: messages', "SELECT count() AS n FROM message_versions WHERE tenant = {t:String} AND kind = 'created'", { t: TENANT });
    console.log(`web-ui: sample company of ${fmt(filled.total)} events (${counted?.n ?? '?'} messages) stored in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const signingKeys = (tenant: string) => {
      const key = loadOrCreateSigningKey(config.dataDir, tenant);
      return { keyId: key.keyId, publicKeyPem: key.publicKeyPem };
    };
    // The app custos serve builds (cli/commands/serve.ts), jobs and holds routes included.
    server.on('request', createApp({ store, registry: new Registry(), log: createLogger('silent'), security, jobs: { service: runner, signingKeys } }));
    browser = await launchChromium();
    const states = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();
    for (const role of new Set(PAGES.map((p) => p.role))) states.set(role, await signedIn(browser, base, idp.issuer, users.find((u) => u.id === role)!));
    // BENCH_UI_PAGES=/engagement,/jobs: only the pages whose path starts with one of these.
    const only = process.env.BENCH_UI_PAGES?.split(',').filter(Boolean);
    for (const p of PAGES.filter((x) => !only || only.some((o) => x.path.startsWith(o)))) {
      const url = `${base}/ui/${TENANT}${p.path}`;
      await loadOnce(browser, states.get(p.role)!, url, p.ready); // warm the server's caches, not the browser's
      const loads: PageLoad[] = [];
      for (let i = 0; i < runs; i++) loads.push(await loadOnce(browser, states.get(p.role)!, url, p.ready));
      const med = (k: keyof PageLoad) => summarize(loads.map((l) => l[k])).p50;
      const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*load average/, 'load average');
      console.log(
        `web-ui ${p.role.padEnd(8)} ${p.path.padEnd(18)} first paint ${fmt(med('fcp'))} ms, loaded ${fmt(med('loaded'))} ms (median of ${runs}, cold cache; ` +
          `first API request at ${fmt(med('firstApi'))} ms, last API answer at ${fmt(med('apiDone'))} ms); ` +
          `compressed bytes: script ${fmt(med('script'))}, style ${fmt(med('style'))}, html ${fmt(med('document'))}, API ${fmt(med('api'))}  [${uptime}]`,
      );
    }
  } finally {
    await browser?.close();
    server.closeAllConnections();
    server.close();
    await idp.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('web-ui.js')) await runWebUiBench();
