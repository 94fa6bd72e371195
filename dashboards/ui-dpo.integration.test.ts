/**
 * The DPO's pages in a real browser (Debian chromium driven by playwright-core) against
 * the real app (embedded chDB with a small sample company, the job runner) and the
 * demo's identity provider, with the demo's two DPO sign-ins. A DPO opens an erasure
 * request by e-mail and sees every identifier the directory gives (two accounts sharing
 * the address) and the records per family before anything runs; the second DPO approves
 * it after a step-up sign-in; the list shows a late request first and filters; an access
 * package is built from the request page and downloaded, the approved erasure run and its
 * certificate downloaded; an extension recorded with the day the person was told; the
 * officer refused the pages and their API; the list in French. axe-core,
 * the storage check and a screenshot on each page; no script error. Expectations come
 * from the sample company's generator and from the dates the test gives.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SubjectRequestService } from '../common/subjects/request-service.js';
import { addCalendarMonths } from '../common/subjects/request-lifecycle.js';
import { startTestApi, type TestApi } from '../test/helpers/api.js';
import { launchChromium } from '../test/helpers/browser.js';
import { atIdp as atIdpForms, newSession as newBrowserSession, shot } from '../test/helpers/ui-browser.js';
import { fixtureRows } from '../test/helpers/search-fixture.js';
import { createEventWriter } from '../ingest/event-writer.js';
import type { JobRunner } from '../reports/jobs/job-runner.js';
import { demoUsers, type DemoSignIn } from '../cli/demo/demo-users.js';
import { fillSampleCompany } from '../cli/demo/demo-history.js';
import { sampleCompany, samplePerson, type DemoOptions } from '../cli/demo/sample-company.js';

// A browser on a shared 2-core machine can take seconds to show an answer: polls wait up to 15 s.
vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 100 } } });

const UI_DIR = join(process.cwd(), 'dist', 'ui');
const TENANT = 'lumen';
const USERS = demoUsers(TENANT);
const user = (id: string): DemoSignIn => USERS.find((u) => u.id === id)!;
const end = new Date();
end.setUTCHours(0, 0, 0, 0);
const SAMPLE: DemoOptions = { tenant: TENANT, users: 12, days: 7, messagesPerDay: 60, end };
/** The person of the erasure request, and their second account (another id, the same e-mail). */
const PERSON = samplePerson(2);
const SECOND_ID = 'UTEAMS0003';
const DAY_MS = 86_400_000;

let api: TestApi;
let browser: Browser;
const pageErrors: string[] = [];
/** The requests the test opens, by what it expects of them. */
let erasureId = '';
let lateId = '';
let soonId = '';
let freshId = '';

const newSession = (locale = 'en-GB') => newBrowserSession(browser, pageErrors, { locale });

/** At the IdP's forms as the demo user `id` (both DPOs have MFA); authAgeS backdates the sign-in. */
const atIdp = (page: Page, id: string, authAgeS = 0) => atIdpForms(page, api.idp!.issuer, user(id), { authAgeS });

async function signIn(page: Page, id: string, authAgeS = 0, signInLabel = 'Sign in'): Promise<void> {
  await page.getByRole('link', { name: signInLabel }).click();
  await atIdp(page, id, authAgeS);
  await page.waitForURL((u) => u.origin === api.baseUrl && u.pathname.startsWith('/ui/'));
}

/** Messages the sample company's generator has the given authors write. */
function messagesBy(ids: readonly string[]): number {
  let n = 0;
  for (const e of sampleCompany(SAMPLE)) if (e.type === 'message.created' && ids.includes(String(e.data.author_id))) n++;
  return n;
}

beforeAll(async () => {
  if (!existsSync(join(UI_DIR, 'index.html'))) throw new Error('dist/ui is not built: run `npm run build` (npm test does) before this test');
  browser = await launchChromium();
  api = await startTestApi('web-ui-dpo', { oidc: true, oidcUsers: USERS, env: { CUSTOS_RATE_LIMIT_PER_MIN: '100000' } });
  await fillSampleCompany(api.store, SAMPLE);
  // The person's second account (as a Teams account would be): another id, the same e-mail, so only the directory joins them.
  await createEventWriter(api.store).write(fixtureRows([{ id: 'dpo-second-account', type: 'user.created', time: new Date(end.getTime() - DAY_MS).toISOString(), tenant: TENANT, data: { user_id: SECOND_ID, email: PERSON.email, display_name: PERSON.name } }]));
  // Three access requests received 40 days ago (late), 10 days ago and now, opened by someone else (as on the CLI).
  const service = new SubjectRequestService(api.store);
  const opened = async (daysAgo: number, i: number) => (await service.open(TENANT, { type: 'access', subject: samplePerson(i).id, by: 'cli-person:seed', receivedAt: new Date(Date.now() - daysAgo * DAY_MS).toISOString() })).request.id;
  soonId = await opened(10, 5);
  freshId = await opened(0, 6);
  lateId = await opened(40, 7);
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('the DPO pages in chromium', () => {
  it('opens an erasure request by e-mail and shows every identifier and the records per family before anything runs', async () => {
    const expectedMessages = messagesBy([PERSON.id]);
    expect(expectedMessages).toBeGreaterThan(0);
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${TENANT}/subject-requests/new`);
    await signIn(page, 'dpo');
    await page.waitForURL(`${api.baseUrl}/ui/${TENANT}/subject-requests/new`);
    const nav = page.getByRole('navigation', { name: 'Pages' }).getByRole('link');
    await expect.poll(() => nav.allTextContents()).toContain('Subject requests');
    expect(await nav.allTextContents()).toContain('New subject request');
    await page.getByLabel('Type').selectOption('erasure');
    await page.getByLabel('Person (user id or e-mail)').fill(PERSON.email.toUpperCase());
    await shot(page, 'dpo-01-open-form');
    await page.getByRole('button', { name: 'Open request' }).click();
    await expect.poll(() => page.locator('[data-opened]').getAttribute('data-opened')).toMatch(/^dsr_/);
    erasureId = (await page.locator('[data-opened]').getAttribute('data-opened'))!;
    // Both accounts, found through the shared e-mail (compared case-insensitively), and the person's name.
    expect((await page.locator('[data-ids="user_ids"] li').allTextContents()).sort()).toEqual([PERSON.id, SECOND_ID].sort());
    expect(await page.locator('[data-ids="emails"] li').allTextContents()).toEqual([PERSON.email]);
    expect(await page.locator('[data-ids="display_names"] li').allTextContents()).toEqual([PERSON.name]);
    expect(await page.locator('tr[data-family="messages_written"]').getAttribute('data-count')).toBe(String(expectedMessages));
    // Nothing has run: no job exists for the request.
    const jobs = await page.evaluate(async (t) => (await (await fetch(`/v1/tenants/${t}/jobs`, { headers: { accept: 'application/json' } })).json()) as { items: unknown[] }, TENANT);
    expect(jobs.items).toEqual([]);
    await shot(page, 'dpo-02-opened');
    await page.getByRole('link', { name: 'Go to the request' }).click();
    await page.waitForURL(`${api.baseUrl}/ui/${TENANT}/subject-requests/${erasureId}`);
    await expect.poll(() => page.locator('#request-facts').getAttribute('data-state')).toBe('open');
    // The opener may not approve their own erasure; the approve form is there (the scope), the API says why on use.
    expect(await page.locator('[data-ids="user_ids"] li').count()).toBe(2);
    await shot(page, 'dpo-03-request-open');
    await context.close();
  });

  it('lets the second DPO approve the erasure after a step-up sign-in, and the first one is refused self-approval', async () => {
    expect(erasureId).not.toBe('');
    const page0 = `${api.baseUrl}/ui/${TENANT}/subject-requests/${erasureId}`;
    // The opener (fresh MFA): the four-eyes rule refuses, shown from the API's problem.
    const first = await newSession();
    await first.page.goto(page0);
    await signIn(first.page, 'dpo');
    await first.page.getByRole('button', { name: 'Approve erasure' }).click();
    await expect.poll(() => first.page.locator('.problem[role="alert"]').getAttribute('data-status')).toBe('403');
    expect(await first.page.locator('#request-facts').getAttribute('data-state')).toBe('open');
    await first.context.close();

    const { context, page } = await newSession();
    await page.goto(page0);
    await signIn(page, 'dpo2', 24 * 3600);
    await page.waitForURL(page0);
    await page.getByLabel('Approval note').fill('Checked the identity');
    await page.getByRole('button', { name: 'Approve erasure' }).click();
    // 401 insufficient_user_authentication: off to the IdP with the note kept in the return path.
    await atIdp(page, 'dpo2');
    await page.waitForURL((u) => u.pathname === `/ui/${TENANT}/subject-requests/${erasureId}` && u.searchParams.get('stepped_up') === '1');
    await expect.poll(() => page.getByLabel('Approval note').inputValue()).toBe('Checked the identity');
    await page.getByRole('button', { name: 'Approve erasure' }).click();
    await expect.poll(() => page.locator('#request-facts').getAttribute('data-state')).toBe('approved');
    expect(await page.locator('[data-approved-by]').count()).toBe(1);
    expect(await page.locator('tr[data-change]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-change')))).toEqual(['opened', 'approved']);
    expect(await page.getByRole('button', { name: 'Run the erasure' }).count()).toBe(1);
    await shot(page, 'dpo-04-approved');
    await context.close();
  });

  it('lists late requests first, then by due date, and filters them', async () => {
    // Expected from the dates given: due one calendar month after receipt, late when past it.
    const now = new Date();
    const lateDue = addCalendarMonths(new Date(now.getTime() - 40 * DAY_MS).toISOString(), 1);
    expect(Date.parse(lateDue)).toBeLessThan(now.getTime());
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/`);
    await signIn(page, 'dpo');
    // The DPO lands on the list.
    await page.waitForURL(`${api.baseUrl}/ui/${TENANT}/subject-requests`);
    await expect.poll(() => page.locator('tbody tr[data-request]').count()).toBe(4);
    const order = await page.locator('tbody tr[data-request]').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-request'), r.getAttribute('data-late')]));
    expect(order[0]).toEqual([lateId, 'true']);
    expect(order[1]).toEqual([soonId, 'false']);
    // The two received today are due the same day (the end of it): their order between them is not the test's to fix.
    expect(order.slice(2).map((r) => r[0]).sort()).toEqual([freshId, erasureId].sort());
    expect(await page.locator(`tr[data-request="${lateId}"] .tag.warn`).textContent()).toBe('late');
    await shot(page, 'dpo-05-list');
    // Filters: late only, then erasure only, then due within 25 days (the one received 10 days ago, and the late one).
    await page.getByLabel('Late only').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((u) => u.searchParams.get('late') === 'true');
    await expect.poll(() => page.locator('tbody tr[data-request]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-request')))).toEqual([lateId]);
    await page.goto(`${api.baseUrl}/ui/${TENANT}/subject-requests?type=erasure`);
    await expect.poll(() => page.locator('tbody tr[data-request]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-request')))).toEqual([erasureId]);
    expect(await page.getByLabel('Type').inputValue()).toBe('erasure');
    await page.goto(`${api.baseUrl}/ui/${TENANT}/subject-requests?due_within=25`);
    await expect.poll(() => page.locator('tbody tr[data-request]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-request')))).toEqual([lateId, soonId]);
    await context.close();
  });

  it('shows a French browser the list in French, the late request marked', async () => {
    const { context, page } = await newSession('fr-FR');
    await page.goto(`${api.baseUrl}/ui/${TENANT}/subject-requests`);
    await signIn(page, 'dpo', 0, 'Se connecter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Demandes des personnes');
    await expect.poll(() => page.locator('tbody tr[data-request]').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).toContain('Nouvelle demande');
    expect(await page.getByLabel('En retard seulement').count()).toBe(1);
    expect(await page.locator(`tr[data-request="${lateId}"] .tag.warn`).textContent()).toBe('en retard');
    expect(await page.locator('tbody tr[data-request]').first().getAttribute('data-request')).toBe(lateId);
    expect(await page.locator(`tr[data-request="${erasureId}"]`).textContent()).toContain('approuvée');
    await shot(page, 'dpo-07-list-fr');
    await context.close();
  });

  it('builds the access package from the request page, follows the job to done and downloads the ZIP', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${TENANT}/subject-requests/${lateId}`);
    await signIn(page, 'dpo');
    await expect.poll(() => page.locator('#request-facts').getAttribute('data-late')).toBe('true');
    expect(await page.getByLabel('Context messages around each of theirs').inputValue()).toBe('3');
    await page.getByLabel('Context messages around each of theirs').fill('5');
    await page.getByRole('button', { name: 'Build the access package' }).click();
    const job = page.locator('[data-job]');
    // Queued, shown while the page polls; the test API's runner runs jobs when told (as `custos serve`'s loop would).
    await expect.poll(() => job.getAttribute('data-job-state')).toBe('queued');
    const jobId = (await job.getAttribute('data-job'))!;
    const runner = api.jobs.service as JobRunner;
    expect((await runner.get(TENANT, jobId)).params).toEqual({ request: lateId, context_messages: 5 });
    await runner.run(await runner.get(TENANT, jobId));
    await expect.poll(() => job.getAttribute('data-job-state')).toBe('done');
    await expect.poll(() => page.locator('#request-facts').getAttribute('data-state')).toBe('done');
    const link = page.locator('[data-file] a');
    const name = (await page.locator('[data-file]').getAttribute('data-file'))!;
    expect(name).toMatch(/\.zip$/);
    const href = (await link.getAttribute('href'))!;
    const got = await page.evaluate(async (h) => {
      const r = await fetch(h);
      return { status: r.status, head: Array.from(new Uint8Array(await r.arrayBuffer()).slice(0, 2)) };
    }, href);
    expect(got).toEqual({ status: 200, head: [0x50, 0x4b] });
    await shot(page, 'dpo-06-package');
    await context.close();
  });

  it('runs the approved erasure from its page, follows the job to done and downloads the signed certificate', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${TENANT}/subject-requests/${erasureId}`);
    await signIn(page, 'dpo');
    await expect.poll(() => page.locator('#request-facts').getAttribute('data-state')).toBe('approved');
    await page.getByRole('button', { name: 'Run the erasure' }).click();
    const job = page.locator('[data-job]');
    await expect.poll(() => job.getAttribute('data-job-state')).toBe('queued');
    const runner = api.jobs.service as JobRunner;
    await runner.run(await runner.get(TENANT, (await job.getAttribute('data-job'))!));
    await expect.poll(() => job.getAttribute('data-job-state'), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => page.locator('#request-facts').getAttribute('data-state')).toBe('done');
    expect((await page.locator('[data-file]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-file')))).sort()).toEqual(['certificate.json', 'certificate.json.sig']);
    const href = (await page.locator('[data-file="certificate.json"] a').getAttribute('href'))!;
    const cert = await page.evaluate(async (h) => (await (await fetch(h)).text()), href);
    const body = JSON.parse(cert) as { kind: string; request_id: string; identifiers: { user_ids: number; emails: number } };
    expect(body).toMatchObject({ kind: 'custos-erasure-certificate', request_id: erasureId, identifiers: { user_ids: 2, emails: 1 } });
    // The certificate names the person by hash only.
    expect(cert).not.toContain(PERSON.email);
    await shot(page, 'dpo-08-erased');
    await context.close();
  });

  it('extends a request with the day the person was told: due three calendar months after receipt', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${TENANT}/subject-requests/${soonId}`);
    await signIn(page, 'dpo');
    await expect.poll(() => page.locator('#request-facts').getAttribute('data-state')).toBe('open');
    const received = (await page.locator('#request-facts time').first().getAttribute('datetime'))!;
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('Person told on (UTC day)').fill(today);
    await page.getByRole('button', { name: 'Extend' }).click();
    await expect.poll(() => page.locator('[data-told]').getAttribute('data-told')).toBe(`${today}T00:00:00.000Z`);
    expect(Date.parse((await page.locator('[data-due]').getAttribute('data-due'))!)).toBe(Date.parse(addCalendarMonths(received, 3)));
    expect(await page.locator('tr[data-change]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-change')))).toEqual(['opened', 'extended']);
    // Extended once: the form is gone.
    expect(await page.getByRole('button', { name: 'Extend' }).count()).toBe(0);
    await shot(page, 'dpo-09-extended');
    await context.close();
  });

  it('records an objection on the topic exclusions page, lists it with the DPO by pseudonym, and lifts it', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${TENANT}/topics/exclusions`);
    await signIn(page, 'dpo');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Conversations left out of topic analysis');
    expect(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).toContain('Topic exclusions');
    await page.getByLabel('Conversation id').fill('C-works-council');
    await page.getByLabel('Reason').selectOption('objection');
    await page.getByLabel('Reference').fill('letter 2026-114');
    await page.getByRole('button', { name: 'Exclude' }).click();
    const row = page.locator('tr[data-conversation="C-works-council"]');
    await expect.poll(() => row.getAttribute('data-excluded')).toBe('true');
    expect(await row.textContent()).toContain('letter 2026-114');
    expect(await row.locator('code').textContent()).not.toContain(user('dpo').name);
    await shot(page, 'dpo-10-topic-exclusions');
    // What the page shows is what the topic run reads.
    const stored = await api.store.query<{ excluded: number; reason: string }>('test: exclusion', 'SELECT excluded, reason FROM topic_exclusions FINAL WHERE tenant = {t:String} AND conversation_id = {c:String}', { t: TENANT, c: 'C-works-council' });
    expect(stored.map((r) => [Number(r.excluded), r.reason])).toEqual([[1, 'objection']]);
    await page.getByLabel('Conversation id').fill('C-works-council');
    await page.getByLabel('Reason').selectOption('policy');
    await page.getByRole('button', { name: 'Analyse again' }).click();
    await expect.poll(() => row.getAttribute('data-excluded')).toBe('false');
    await context.close();
  });

  it('shows the officer "Not allowed" on the DPO pages, and the API behind them answers 403', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${TENANT}/subject-requests`);
    await signIn(page, 'officer');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed');
    expect(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).not.toContain('Subject requests');
    expect(await page.evaluate(async (t) => (await fetch(`/v1/tenants/${t}/subject-requests`, { headers: { accept: 'application/json' } })).status, TENANT)).toBe(403);
    await context.close();
  });

  it('made no script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
