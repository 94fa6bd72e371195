/**
 * The web UI in a real browser (Debian chromium driven by playwright-core) against
 * the real app: embedded chDB holding the search fixture, the real test OIDC
 * provider and its sign-in form, the built bundle from dist/ui. A compliance officer
 * signs in, searches, pages, opens a message and sees its versions, and exports
 * after a step-up sign-in; an auditor lands on the audit log with the chain verified,
 * is refused the search page, and the API call behind it answers 403. The officer puts
 * a legal hold, sees its coverage and releases it after step-up; the auditor reads the
 * review queue without opening an item; the officer opens and reviews one; a manager
 * lands on engagement without search, and a small group shows the privacy floor. Every request
 * of a Custos page goes to Custos' own origin. Expectations come from the fixture.
 * Everyone signs in through the demo's identity provider (cli/demo/identity-provider.ts)
 * with the demo's sign-ins (password, and a one-time code for the roles with step-up).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toStoreTime } from '../common/events/time.js';
import { tokenize } from '../common/queries/tokens.js';
import { HoldStore } from '../common/holds/hold-store.js';
import { createReviewQueue } from '../common/supervision/review-queue.js';
import type { JobRunner } from '../reports/jobs/job-runner.js';
import { startTestApi, type TestApi } from '../test/helpers/api.js';
import { launchChromium } from '../test/helpers/browser.js';
import { atIdp as atIdpForms, newSession as newBrowserSession, shot, storageIsClean } from '../test/helpers/ui-browser.js';
import { demoUsers, type DemoSignIn } from '../cli/demo/demo-users.js';
import { demoHoldAndJob, fillSampleCompany } from '../cli/demo/demo-history.js';
import { samplePerson } from '../cli/demo/sample-company.js';
import { FIXTURE_EVENTS, FIXTURE_TENANT, loadFixture } from '../test/helpers/search-fixture.js';

// A browser on a shared 2-core machine (load averages of 20-30 seen) can take seconds to show an answer: polls wait up to 15 s, not vitest's 1 s.
vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 100 } } });

const UI_DIR = join(process.cwd(), 'dist', 'ui');

let api: TestApi;
let browser: Browser;
/** Everything the browser asked for, with the page it was on. */
const requests: { url: string; type: string; from: string }[] = [];
const pageErrors: string[] = [];

/** Messages of the fixture tenant where some version holds every word of `q` (the API's match=all): [conversation, message] keys. */
function fixtureHits(q: string): Set<string> {
  const words = tokenize(q);
  const hits = new Set<string>();
  for (const e of FIXTURE_EVENTS) {
    if ((e.tenant ?? FIXTURE_TENANT) !== FIXTURE_TENANT || !/^message\.(created|edited)$/.test(e.type)) continue;
    const tokens = new Set(tokenize(String(e.data.text)));
    if (words.every((w) => tokens.has(w))) hits.add(`${e.data.conversation_id}/${e.data.message_id}`);
  }
  return hits;
}

const newSession = () => newBrowserSession(browser, pageErrors, { onRequest: (r) => requests.push({ url: r.url(), type: r.resourceType(), from: r.frame().url() }) });

/** The demo's sample company (small), in its own tenant beside the fixture's. */
const DEMO_TENANT = 'demo';
/** The demo's sign-ins, each with its role in the fixture's tenant and in the demo's. */
const USERS = demoUsers(FIXTURE_TENANT).map((u) => ({ ...u, groups: [...u.groups!, `custos:${DEMO_TENANT}:${u.role}`] }));
let demoFill: { flagged: number; policyName: string };
const user = (id: string): DemoSignIn => USERS.find((u) => u.id === id)!;

/** At the IdP's forms as the demo user `id`; authAgeS backdates the sign-in. */
const atIdp = (page: Page, id: string, authAgeS = 0) => atIdpForms(page, api.idp!.issuer, user(id), { authAgeS });

/** From the signed-out page through the IdP's forms and back. */
async function signIn(page: Page, id: string, authAgeS = 0): Promise<void> {
  await page.getByRole('link', { name: 'Sign in' }).click();
  await atIdp(page, id, authAgeS);
  await page.waitForURL((u) => u.origin === api.baseUrl && u.pathname.startsWith('/ui/'));
}

/** Waits until the results shown are those of the current URL (not the page before a client-side navigation). */
async function resultsOfThisUrl(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('#results-heading')?.getAttribute('data-query') === window.location.search.slice(1));
}

/** Waits until the audit entries shown are those of the current URL. */
async function resultsOfAudit(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('#entries-heading')?.getAttribute('data-query') === window.location.search.slice(1));
}

beforeAll(async () => {
  if (!existsSync(join(UI_DIR, 'index.html'))) throw new Error('dist/ui is not built: run `npm run build` (npm test does) before this test');
  browser = await launchChromium();
  // The demo asks for the email scope: the directory finds a manager by email.
  api = await startTestApi('web-ui', { oidc: true, oidcUsers: USERS, env: { CUSTOS_RATE_LIMIT_PER_MIN: '100000', OIDC_SCOPES: 'openid profile email groups' } });
  await loadFixture(api.store);
  const end = new Date();
  end.setUTCHours(0, 0, 0, 0);
  const filled = await fillSampleCompany(api.store, { tenant: DEMO_TENANT, users: 40, days: 21, messagesPerDay: 200, end });
  await demoHoldAndJob(api.store, api.security.audit!, api.jobs.service as JobRunner, DEMO_TENANT, filled.policy);
  demoFill = { flagged: filled.flagged, policyName: filled.policy.definition.name };
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('web UI in chromium', () => {
  it('serves the built page at / with a strict CSP, and its assets byte for byte', async () => {
    const res = await fetch(`${api.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).toBe(readFileSync(join(UI_DIR, 'index.html'), 'utf8'));
    const assets = [...html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const a of assets) {
      const asset = await fetch(`${api.baseUrl}${a}`);
      expect(asset.status, a).toBe(200);
      expect(Buffer.from(await asset.arrayBuffer()).equals(readFileSync(join(UI_DIR, a.slice('/ui/'.length))))).toBe(true);
      expect(asset.headers.get('cache-control')).toContain('immutable');
    }
    expect((await fetch(`${api.baseUrl}/ui/assets/nothing.js`)).status).toBe(404);
  });

  it('signs a compliance officer in, searches with exact totals and paging, opens a message and its versions', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Custos');
    await shot(page, '00-signed-out');
    // By keyboard, the first stop is "Skip to content", then the language switch (a button), then Sign in.
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Français');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Sign in');
    await signIn(page, 'officer');
    await page.waitForURL(`${api.baseUrl}/ui/${FIXTURE_TENANT}/search`);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Search', 'Jobs and exports', 'New export', 'Legal holds', 'Review queue', 'Engagement', 'Topics']);
    await expect.poll(() => page.getByTestId('who').textContent()).toContain(user('officer').name);

    // By keyboard: after the landing navigation focus is on the page's heading, Tab reaches the words, Enter searches.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.keyboard.type('budget');
    await page.keyboard.press('Enter');
    const expected = fixtureHits('budget');
    expect(expected.size).toBeGreaterThan(1);
    await expect.poll(() => page.locator('#results-heading').getAttribute('data-total')).toBe(String(expected.size));
    const rows = page.locator('table.results tbody tr');
    await expect.poll(() => rows.count()).toBe(expected.size);
    expect((await page.locator('table.results mark').allTextContents()).every((t) => t.toLowerCase() === 'budget')).toBe(true);
    await shot(page, '01-search');
    // An export can be defined from the search: the same words.
    expect(await page.getByRole('link', { name: 'Export these messages…' }).getAttribute('href')).toBe(`/ui/${FIXTURE_TENANT}/exports/new?q=budget`);
    // Sorting by the posted time asks the API for oldest first: the same hits, reversed.
    const hrefs = () => page.locator('table.results tbody a').evaluateAll((as) => as.map((x) => (x as HTMLAnchorElement).pathname));
    const newestFirst = await hrefs();
    await page.getByRole('columnheader', { name: 'Posted' }).getByRole('link').click();
    await page.waitForURL(/sort=posted&dir=asc/);
    await resultsOfThisUrl(page);
    expect(await page.getByRole('columnheader', { name: 'Posted' }).getAttribute('aria-sort')).toBe('ascending');
    expect(await hrefs()).toEqual([...newestFirst].reverse());

    // Paging: two per page over every message holding "message", as the fixture has them.
    const many = fixtureHits('message');
    expect(many.size).toBeGreaterThan(4);
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/search?q=message&limit=2`);
    await resultsOfThisUrl(page);
    const seen = new Set<string>();
    for (let pageNo = 0; ; pageNo++) {
      await expect.poll(() => page.locator('#results-heading').getAttribute('data-total')).toBe(String(many.size));
      for (const href of await page.locator('table.results tbody a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname))) {
        const [, , , , conversation, message] = href.split('/').map(decodeURIComponent);
        seen.add(`${conversation}/${message}`);
      }
      const next = page.getByRole('link', { name: 'Next page' });
      if ((await next.count()) === 0) break;
      expect(pageNo).toBeLessThan(many.size);
      await next.click();
      await resultsOfThisUrl(page);
    }
    expect([...seen].sort()).toEqual([...many].sort());
    await page.getByRole('link', { name: 'Previous page' }).click();
    await resultsOfThisUrl(page);
    await expect.poll(() => page.locator('table.results tbody tr').count()).toBe(2);

    // The edited message: every version, oldest first, as the fixture wrote them.
    const versions = FIXTURE_EVENTS.filter((e) => (e.tenant ?? FIXTURE_TENANT) === FIXTURE_TENANT && e.data.conversation_id === 'C1' && e.data.message_id === 'm1' && /^message\.(created|edited)$/.test(e.type));
    expect(versions.length).toBe(2);
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/search?q=budget`);
    await page.locator('table.results tbody a[href$="/messages/C1/m1"]').click();
    await page.getByRole('heading', { name: `Versions (${versions.length})` }).waitFor({ state: 'visible' });
    expect(await page.locator('ol.versions .message-text').allTextContents()).toEqual(versions.map((v) => v.data.text));
    const reactions = FIXTURE_EVENTS.filter((e) => e.type.startsWith('reaction.') && e.data.message_id === 'm1' && e.data.conversation_id === 'C1');
    // Why it is kept: the fixture tenant has no retention policy, so nothing removes it (docs/retention.md), and no hold covers it yet.
    await expect.poll(() => page.locator('[data-retention]').getAttribute('data-retention'), { timeout: 15_000 }).toBe('kept');
    expect(await page.locator('[data-retention]').textContent()).toContain('forever (no rule removes it)');
    await page.getByText(`History (${reactions.length} changes)`).click();
    await expect.poll(() => page.locator('section[aria-labelledby="reactions-heading"] details li').count()).toBe(reactions.length);
    await shot(page, '02-message');
    await context.close();
  });

  it('sends an officer whose MFA is old through step-up before an export, then follows it to done and offers the download', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/exports/new`);
    await signIn(page, 'officer', 24 * 3600);
    await page.waitForURL(`${api.baseUrl}/ui/${FIXTURE_TENANT}/exports/new`);
    await page.getByLabel('Words (all of them, in any version)').fill('budget');
    await page.getByRole('button', { name: 'Start export' }).click();
    // 401 insufficient_user_authentication: off to the IdP again, with the form in the return path.
    await atIdp(page, 'officer');
    await page.waitForURL((u) => u.pathname === `/ui/${FIXTURE_TENANT}/exports/new` && u.searchParams.get('stepped_up') === '1');
    await expect.poll(() => page.getByLabel('Words (all of them, in any version)').inputValue()).toBe('budget');
    await shot(page, '03a-export-form');
    await page.getByRole('button', { name: 'Start export' }).click();
    await page.waitForURL((u) => /^\/ui\/acme\/jobs\/job_[a-z0-9]+$/.test(u.pathname));
    const jobId = page.url().split('/').pop()!;
    const runner = api.jobs.service as JobRunner;
    await runner.run(await runner.get(FIXTURE_TENANT, jobId));
    const download = page.getByRole('link', { name: /^Download / });
    await download.waitFor({ state: 'visible', timeout: 15_000 });
    const href = await download.getAttribute('href');
    expect(href).toMatch(new RegExp(`^/v1/tenants/${FIXTURE_TENANT}/jobs/${jobId}/files/`));
    const zip = await page.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, type: r.headers.get('content-type'), bytes: (await r.arrayBuffer()).byteLength }; }, href!);
    expect(zip).toMatchObject({ status: 200, type: 'application/zip' });
    expect(zip.bytes).toBeGreaterThan(0);
    // The public key the package was signed with, to verify it offline.
    const job = await runner.get(FIXTURE_TENANT, jobId);
    await expect.poll(() => page.locator('[data-key-id]').getAttribute('data-key-id')).toBe(String(job.result?.signing_key_id));
    expect(await page.locator('[data-key-id]').textContent()).toContain('BEGIN PUBLIC KEY');
    await shot(page, '03-export-done');
    await page.getByRole('link', { name: 'Jobs and exports' }).click();
    await expect.poll(() => page.locator(`tr[data-job="${jobId}"]`).textContent()).toContain('done');
    await shot(page, '03b-jobs');

    // A second export, still queued (this test runs jobs by hand), cancelled from its page.
    await page.getByRole('link', { name: 'New export' }).first().click();
    await page.getByLabel('Words (all of them, in any version)').fill('planning');
    await page.getByRole('button', { name: 'Start export' }).click();
    await page.waitForURL((u) => /^\/ui\/acme\/jobs\/job_[a-z0-9]+$/.test(u.pathname) && !u.pathname.endsWith(jobId));
    const second = page.url().split('/').pop()!;
    await page.getByRole('button', { name: 'Cancel this job' }).click();
    await expect.poll(() => page.locator('.job-progress .state').textContent()).toBe('cancelled');
    expect((await runner.get(FIXTURE_TENANT, second)).state).toBe('cancelled');
    await context.close();
  });

  it('lands an auditor on the audit log with the chain verified, hides and refuses search, and the API refuses it too', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/`);
    await signIn(page, 'auditor');
    await page.waitForURL(`${api.baseUrl}/ui/${FIXTURE_TENANT}/audit`);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    const links = await nav.getByRole('link').allTextContents();
    expect(links).toContain('Audit log');
    expect(links).not.toContain('Search');
    await expect.poll(() => page.locator('[data-chain]').getAttribute('data-chain')).toBe('ok');
    const total = Number(await page.locator('#entries-heading').getAttribute('data-total'));
    expect(total).toBeGreaterThan(0);
    // The officer's searches of the test before are in the log.
    await page.getByLabel('Action').fill('messages.search');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('tbody tr[data-action="messages.search"]').first().waitFor({ state: 'visible' });
    await shot(page, '04-audit');
    // Sorting by time asks the API for the other order (a page sorted in the browser would misstate the whole), filters kept.
    const seqs = async () => (await page.locator('tbody tr td:first-child').allTextContents()).map(Number);
    const newestSeqs = await seqs();
    expect(newestSeqs).toEqual([...newestSeqs].sort((x, y) => y - x));
    await page.getByRole('columnheader', { name: 'Time' }).getByRole('link').click();
    await page.waitForURL(/sort=time&dir=asc/);
    await resultsOfAudit(page);
    expect(new URL(page.url()).searchParams.get('action')).toBe('messages.search');
    expect(await page.getByRole('columnheader', { name: 'Time' }).getAttribute('aria-sort')).toBe('ascending');
    const oldestSeqs = await seqs();
    expect(oldestSeqs.length).toBeGreaterThan(0);
    expect(oldestSeqs).toEqual([...oldestSeqs].sort((x, y) => x - y));
    expect(oldestSeqs[0]).toBeLessThanOrEqual(Math.min(...newestSeqs));

    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/search?q=budget`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed');
    await expect.poll(() => page.locator('table.results').count()).toBe(0);
    const direct = await page.evaluate(async () => {
      const r = await fetch('/v1/tenants/acme/messages?q=budget', { headers: { accept: 'application/json' } });
      return { status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as { type?: string } };
    });
    expect(direct.status).toBe(403);
    expect(direct.type).toMatch(/application\/problem\+json/);
    expect(direct.body.type).toBe('https://custos.dev/problems/forbidden');
    await shot(page, '05-refused');
    // The UI is audited like any client: the refused call, and the shell's own me.get.
    for (const [action, outcome] of [['messages.search', 'denied'], ['me.get', 'success']] as const) {
      await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/audit?action=${action}&outcome=${outcome}`);
      await resultsOfAudit(page);
      expect(await page.getByLabel('Outcome').inputValue()).toBe(outcome);
      expect(await page.locator(`tbody tr[data-action="${action}"]`).filter({ hasText: user('auditor').name }).count(), `${action} ${outcome}`).toBeGreaterThan(0);
    }
    await context.close();
  });

  it('shows a problem+json answer with its detail when a page asks for something the archive lacks', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/`);
    await signIn(page, 'officer');
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/messages/C1/no-such-message`);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Not found');
    await expect.poll(() => alert.getAttribute('data-status')).toBe('404');
    await shot(page, '06-not-found');
    await context.close();
  });

  it('lets an officer put a legal hold, see it listed with its coverage, and release it after a step-up sign-in', async () => {
    // Expected coverage from the fixture: messages of C1 where some version holds "budget".
    const covered = [...fixtureHits('budget')].filter((k) => k.startsWith('C1/')).length;
    expect(covered).toBeGreaterThan(0);
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/holds?new=1`);
    await signIn(page, 'officer', 24 * 3600);
    await page.waitForURL((u) => u.pathname === `/ui/${FIXTURE_TENANT}/holds`);
    await page.getByLabel('Case').fill('Case Q3');
    await page.getByLabel('Reason').fill('Budget litigation');
    await page.getByLabel('Conversations (ids)').fill('C1');
    await page.getByLabel('Words (all of them, in any version)').fill('budget');
    await page.getByRole('button', { name: 'Create hold' }).click();
    await page.waitForURL((u) => /^\/ui\/acme\/holds\/hold_[a-z0-9]+$/.test(u.pathname));
    const holdId = page.url().split('/').pop()!;
    await expect.poll(() => page.locator('dd[data-messages]').getAttribute('data-messages')).toBe(String(covered));
    await page.getByRole('link', { name: 'All holds' }).click();
    const row = page.locator(`tr[data-hold="${holdId}"]`);
    await expect.poll(() => row.locator('[data-messages]').getAttribute('data-messages')).toBe(String(covered));
    expect(await row.textContent()).toContain('Case Q3');
    expect(await row.textContent()).toContain('active');
    await shot(page, '07-holds');
    // The list is sorted in the page (the API answers it whole): newest first by default, then by the column clicked, said by aria-sort.
    expect(await page.getByRole('columnheader', { name: 'Created' }).getAttribute('aria-sort')).toBe('descending');
    await page.getByRole('link', { name: 'Case', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('sort') === 'case' && u.searchParams.get('dir') === 'asc');
    await expect.poll(() => page.getByRole('columnheader', { name: /^Case/ }).getAttribute('aria-sort')).toBe('ascending');
    expect(await page.locator(`tr[data-hold="${holdId}"]`).count()).toBe(1);

    // Release is a step-up action: 401, the IdP, back with the reason kept, then released on the second press.
    await row.getByRole('link', { name: 'Case Q3' }).click();
    await page.getByLabel('Why the hold ends').fill('Case closed');
    await page.getByRole('button', { name: 'Release hold' }).click();
    await atIdp(page, 'officer');
    await page.waitForURL((u) => u.pathname === `/ui/${FIXTURE_TENANT}/holds/${holdId}` && u.searchParams.get('stepped_up') === '1');
    await expect.poll(() => page.getByLabel('Why the hold ends').inputValue()).toBe('Case closed');
    await page.getByRole('button', { name: 'Release hold' }).click();
    await expect.poll(() => page.locator('dl.facts').getAttribute('data-state')).toBe('released');
    expect(await page.locator('dl.facts').textContent()).toContain('Case closed');
    await shot(page, '08-hold-released');
    await context.close();
  });

  it('shows the review queue to an auditor without opening or reviewing, and lets an officer open and review an item', async () => {
    // One flagged item on the edited version of C1/m1, as the flagging step writes it.
    const created = FIXTURE_EVENTS.find((e) => e.id === 'e-m1')!;
    const edit = FIXTURE_EVENTS.find((e) => e.id === 'e-m1-edit')!;
    const text = String(edit.data.text);
    const itemId = `sup_${'ab'.repeat(16)}`;
    await createReviewQueue(api.store).write([{
      itemId, tenant: FIXTURE_TENANT, policyId: 'pol_0123456789abcdef', policyVersion: 1, policyName: 'Budget talk', severity: 'high',
      eventId: edit.id, messageId: 'm1', conversationId: 'C1', conversationType: 'channel', threadId: '', authorId: String(created.data.author_id),
      messageTime: toStoreTime(Date.parse(created.time)), versionKind: 'edited', hits: [{ kind: 'term', label: 'budget', start: text.indexOf('budget'), end: text.indexOf('budget') + 6 }], sampled: true,
    }]);

    const auditor = await newSession();
    await auditor.page.goto(`${api.baseUrl}/`);
    await signIn(auditor.page, 'auditor');
    await auditor.page.waitForURL(`${api.baseUrl}/ui/${FIXTURE_TENANT}/audit`);
    expect(await auditor.page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).toContain('Review queue');
    await auditor.page.getByRole('link', { name: 'Review queue' }).click();
    await expect.poll(() => auditor.page.locator('#items-heading').getAttribute('data-total')).toBe('1');
    const row = auditor.page.locator(`tr[data-item="${itemId}"]`);
    expect(await row.textContent()).not.toContain(String(created.data.author_id));
    await auditor.page.getByLabel('Severity').selectOption('low');
    await auditor.page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => auditor.page.locator('#items-heading').getAttribute('data-total')).toBe('0');
    // The form shows the filters of the URL it answers (a select's first choice comes from the URL).
    expect(await auditor.page.getByLabel('Severity').inputValue()).toBe('low');
    await shot(auditor.page, '09-review-queue-auditor');
    await auditor.page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/supervision/${itemId}`);
    await auditor.page.getByRole('heading', { name: 'History' }).waitFor({ state: 'visible' });
    await expect.poll(() => auditor.page.locator('table[data-actions]').getAttribute('data-actions')).toBe('0');
    expect(await auditor.page.getByRole('form', { name: 'Review this item' }).count()).toBe(0);
    expect(await auditor.page.locator('[data-author]').count()).toBe(0);
    const opened = await auditor.page.evaluate(async (u) => (await fetch(u, { headers: { accept: 'application/json' } })).status, `/v1/tenants/${FIXTURE_TENANT}/supervision/items/${itemId}`);
    expect(opened).toBe(403);
    await auditor.context.close();

    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/supervision/${itemId}`);
    await signIn(page, 'officer');
    await expect.poll(() => page.locator('[data-author]').getAttribute('data-author')).toBe(String(created.data.author_id));
    expect(await page.locator('.flagged').textContent()).toBe(text);
    expect(await page.locator('.flagged mark').allTextContents()).toEqual(['budget']);
    await page.getByLabel('State').selectOption('resolved');
    await page.getByLabel('Tag').selectOption('compliant');
    await page.getByLabel('Comment').fill('Ordinary planning');
    await page.getByRole('button', { name: 'Save review' }).click();
    await expect.poll(() => page.locator('tr[data-action]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-action'))), { timeout: 15_000 }).toEqual(['opened', 'resolved']);
    await expect.poll(() => page.locator('dl.facts').getAttribute('data-state')).toBe('resolved');
    await shot(page, '10-review-item');
    // Escalated to a legal hold: the hold must cover the message (the API checks), and the page links to it.
    const hold = await new HoldStore(api.store).create(FIXTURE_TENANT, { caseName: 'Budget leak', reason: 'escalated review', scope: { custodians: [], conversations: ['C1'], from: null, to: null, q: '' }, createdBy: 'sr_test' });
    await page.getByLabel('State').selectOption('escalated');
    await page.getByLabel('Escalated to (legal hold or case)').fill('hold_unknown00000');
    await page.getByRole('button', { name: 'Save review' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('no legal hold');
    await page.getByLabel('Escalated to (legal hold or case)').fill(hold.id);
    await page.getByRole('button', { name: 'Save review' }).click();
    await expect.poll(() => page.locator('dl.facts').getAttribute('data-state')).toBe('escalated');
    expect(await page.locator('[data-escalation] a').getAttribute('href')).toBe(`/ui/${FIXTURE_TENANT}/holds/${hold.id}`);
    await context.close();
  });

  it('lands a manager on engagement without Search, and shows the privacy floor where a group is small', async () => {
    // The fixture's 1 October (UTC: the tenant has no analytics settings): who posted or reacted. Under 5 people, the floor hides the day.
    const day = '2026-10-01';
    const active = new Set(FIXTURE_EVENTS.filter((e) => (e.tenant ?? FIXTURE_TENANT) === FIXTURE_TENANT && e.time.startsWith(day) && (e.type === 'message.created' || e.type === 'reaction.added'))
      .map((e) => String(e.type === 'message.created' ? e.data.author_id : e.data.user_id)));
    expect(active.size).toBeGreaterThan(0);
    expect(active.size).toBeLessThan(5);
    const manager = await newSession();
    await manager.page.goto(`${api.baseUrl}/`);
    await signIn(manager.page, 'manager');
    await manager.page.waitForURL(`${api.baseUrl}/ui/${FIXTURE_TENANT}/engagement`);
    const links = await manager.page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents();
    expect(links).toContain('Engagement');
    expect(links).not.toContain('Search');
    // A manager the directory does not know is shown no department (docs/analytics.md), and told so.
    await expect.poll(() => manager.page.locator('table.series').count()).toBe(1);
    expect(await manager.page.locator('[data-departments]').first().getAttribute('data-departments')).toBe('');
    await shot(manager.page, '11-engagement-manager');
    await manager.page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/search?q=budget`);
    await expect.poll(() => manager.page.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed');
    const direct = await manager.page.evaluate(async () => (await fetch('/v1/tenants/acme/messages?q=budget', { headers: { accept: 'application/json' } })).status);
    expect(direct).toBe(403);
    await manager.context.close();

    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/engagement?from=${day}&to=${day}&group_by=none&period=day`);
    await signIn(page, 'officer');
    const table = page.locator('table.series[data-metric="active_people"]');
    await table.waitFor({ state: 'visible' });
    expect(await page.getByLabel('By', { exact: true }).inputValue()).toBe('none');
    expect(await page.getByLabel('Period', { exact: true }).inputValue()).toBe('day');
    expect(await table.locator('tbody td').allTextContents()).toEqual(['hidden: group under 5 people']);
    expect(await page.getByRole('list', { name: 'Privacy floor' }).textContent()).toContain('hidden: group under 5 people');
    expect(await page.locator('tr[data-figure="active_people"] td').textContent()).toBe('hidden: group under 5 people');
    await shot(page, '12-engagement-floor');
    await context.close();
  });

  it('lands a DPO (signed in with a one-time code) on subject requests, with search, without the audit log, the review queue or engagement', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/`);
    await signIn(page, 'dpo');
    await page.waitForURL(`${api.baseUrl}/ui/${FIXTURE_TENANT}/subject-requests`);
    const links = await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents();
    expect(links).toContain('Search');
    for (const other of ['Audit log', 'Review queue', 'Engagement']) expect(links).not.toContain(other);
    await expect.poll(() => page.getByTestId('who').textContent()).toContain(user('dpo').name);
    // The sign-in carried MFA (the one-time code): the session says so.
    const me = await page.evaluate(async () => (await (await fetch('/auth/me', { headers: { accept: 'application/json' } })).json()) as { amr?: string[] });
    expect(me.amr).toContain('otp');
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/audit`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed');
    expect(await page.evaluate(async () => (await fetch('/v1/tenants/acme/audit', { headers: { accept: 'application/json' } })).status)).toBe(403);
    await shot(page, '13-dpo');
    await context.close();
  });

  it('refuses a wrong password at the demo identity provider', async () => {
    const { context, page } = await newSession();
    await page.goto(`${api.baseUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.origin === api.idp!.issuer);
    await page.getByLabel('User name').fill('manager');
    await page.getByLabel('Password').fill(`${user('manager').password}x`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong password');
    expect(new URL(page.url()).origin).toBe(api.idp!.issuer);
    await context.close();
  });

  it('shows every role something on each of its pages of the demo company, signed in through the demo identity provider', async () => {
    expect(demoFill.flagged).toBeGreaterThan(0);
    const d = `${api.baseUrl}/ui/${DEMO_TENANT}`;
    const officer = await newSession();
    await officer.page.goto(`${d}/search`);
    await signIn(officer.page, 'officer');
    await officer.page.goto(`${d}/search?q=budget`);
    await expect.poll(() => officer.page.locator('#results-heading').getAttribute('data-total').then(Number), { timeout: 15_000 }).toBeGreaterThan(0);
    await officer.page.goto(`${d}/supervision`);
    await expect.poll(() => officer.page.locator('#items-heading').getAttribute('data-total'), { timeout: 15_000 }).toBe(String(demoFill.flagged));
    expect(await officer.page.locator('tbody tr').first().textContent()).toContain(demoFill.policyName);
    await shot(officer.page, '14-demo-review-queue');
    // A message of the Orion channel that names Orion is under the demo's hold: the message page says so and links the hold.
    await officer.page.goto(`${d}/search?q=orion&conversation=C029`);
    await officer.page.locator('table.results tbody a').first().click();
    await expect.poll(() => officer.page.locator('[data-retention] a').allTextContents(), { timeout: 15_000 }).toEqual(['Orion contract dispute']);
    expect(await officer.page.locator('[data-retention]').getAttribute('data-retention')).not.toBe('removable');
    await shot(officer.page, '14b-demo-why-kept');
    await officer.page.goto(`${d}/holds`);
    await expect.poll(() => officer.page.locator('tbody tr').first().textContent(), { timeout: 15_000 }).toContain('Orion contract dispute');
    await officer.page.goto(`${d}/jobs`);
    await expect.poll(() => officer.page.locator('tbody tr').first().textContent(), { timeout: 15_000 }).toContain('done');
    await shot(officer.page, '15-demo-jobs');
    await officer.context.close();

    // The manager is the head of a department of the sample company: the directory finds them by the email the IdP sends.
    const manager = await newSession();
    await manager.page.goto(`${d}/engagement`);
    await signIn(manager.page, 'manager');
    await expect.poll(() => manager.page.locator('[data-departments]').first().getAttribute('data-departments'), { timeout: 15_000 }).toBe(samplePerson(0).dept);
    await expect.poll(() => manager.page.locator('table.series tbody tr').count()).toBeGreaterThan(0);
    // The figures say how fresh they are (the API's as_of, shown in the viewer's zone).
    const asOf = await manager.page.locator('[data-as-of]').first().getAttribute('data-as-of');
    expect(Date.parse(asOf ?? '')).toBeLessThanOrEqual(Date.now());
    expect(await manager.page.locator('[data-as-of] time').first().getAttribute('datetime')).toBe(asOf);
    await shot(manager.page, '16-demo-engagement-manager');
    await manager.context.close();

    const auditor = await newSession();
    await auditor.page.goto(`${d}/audit`);
    await signIn(auditor.page, 'auditor');
    await expect.poll(() => auditor.page.locator('#entries-heading').getAttribute('data-total').then(Number), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => auditor.page.locator('tbody tr[data-action="holds.create"]').count()).toBeGreaterThan(0);
    await shot(auditor.page, '17-demo-audit');
    await auditor.context.close();
  });

  it('shows a French browser the pages in French, times in its zone with UTC on hover, and switches to English on request', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'America/Montreal' });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${api.baseUrl}/`);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await page.getByRole('link', { name: 'Se connecter' }).click();
    await atIdp(page, 'officer');
    await page.waitForURL(`${api.baseUrl}/ui/${FIXTURE_TENANT}/search`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Rechercher des messages');
    expect(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).toEqual(['Recherche', 'Tâches et exports', 'Nouvel export', 'Conservations légales', 'File de revue', 'Engagement', 'Sujets']);
    await page.getByLabel('Mots', { exact: true }).fill('budget');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const expected = fixtureHits('budget').size;
    await expect.poll(() => page.locator('#results-heading').textContent(), { timeout: 15_000 }).toBe(`${expected} messages`);
    // The first hit's time: shown in Montreal's zone, in French, with UTC to the second on hover.
    const time = page.locator('table.results time').first();
    const iso = (await time.getAttribute('datetime'))!;
    // Computed by the browser's own Intl (its ICU may word dates differently from Node's), with the zone named, not the default.
    const montreal = await page.evaluate((i) => new Intl.DateTimeFormat('fr', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'America/Montreal' }).format(Date.parse(i)), iso);
    expect(await time.textContent()).toBe(montreal);
    expect(await time.getAttribute('title')).toBe(`${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`);
    await shot(page, '18-search-fr');
    // The engagement page's privacy floor, in French.
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/engagement?from=2026-10-01&to=2026-10-01&group_by=none&period=day`);
    await expect.poll(() => page.locator('table.series tbody td').allTextContents(), { timeout: 15_000 }).toEqual(['masqué : groupe de moins de 5 personnes']);
    // The chart is drawn (uPlot's canvas), and the notice is listed under it.
    await expect.poll(() => page.locator('figure.chart canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByRole('list', { name: 'Seuil de confidentialité' }).textContent()).toContain('masqué : groupe de moins de 5 personnes');
    await shot(page, '19-engagement-fr');
    // The switch: English now, and kept for the next page (the bare language code, nothing else).
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('table.series tbody td').allTextContents(), { timeout: 15_000 }).toEqual(['hidden: group under 5 people']);
    await page.goto(`${api.baseUrl}/ui/${FIXTURE_TENANT}/search`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Search messages');
    expect(await page.evaluate(() => window.localStorage.getItem('custos.lang'))).toBe('en');
    await storageIsClean(page, 'after the switch');
    await context.close();
  });

  it('made no request to another origin from a Custos page, and no script error', () => {
    const fromCustos = requests.filter((r) => r.from.startsWith(api.baseUrl));
    expect(fromCustos.length).toBeGreaterThan(10);
    const foreign = fromCustos.filter((r) => new URL(r.url).origin !== api.baseUrl && !(r.type === 'document' && new URL(r.url).origin === api.idp!.issuer));
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
