/**
 * The topics page in a real browser (Debian chromium driven by playwright-core)
 * against the real app, the demo's identity provider and the demo's sample company,
 * analysed by the demo's own topics run (cli/demo/demo-history.ts). The manager (head
 * of Engineering in the sample) sees the topics of their department in every view,
 * the sentiment chart, the privacy floor's notice on a day when fewer than k of their
 * people wrote, never a message's text and no search link; the page in French; a
 * compliance officer's term links to the normal search, which finds its messages.
 * Expectations come from the sample company's generator.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tokenize } from '../common/queries/tokens.js';
import { startTestApi, type TestApi } from '../test/helpers/api.js';
import { launchChromium } from '../test/helpers/browser.js';
import { atIdp, newSession, shot } from '../test/helpers/ui-browser.js';
import { demoUsers, type DemoSignIn } from '../cli/demo/demo-users.js';
import { demoTopics, fillSampleCompany } from '../cli/demo/demo-history.js';
import { sampleCompany, samplePerson, type DemoOptions } from '../cli/demo/sample-company.js';

// A browser on a shared 2-core machine can take seconds to show an answer: polls wait up to 15 s.
vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 100 } } });

const UI_DIR = join(process.cwd(), 'dist', 'ui');
const TENANT = 'demo';
const K = 5;
const USERS = demoUsers(TENANT);
const user = (id: string): DemoSignIn => USERS.find((u) => u.id === id)!;
/** 37 people: the first five departments have five people (k), the last three four, so a department of the officer's view is under k. */
const end = new Date();
end.setUTCHours(0, 0, 0, 0);
const SAMPLE: DemoOptions = { tenant: TENANT, users: 37, days: 28, messagesPerDay: 200, end };
/** The sample's days as the page's range. */
const RANGE = `from=${new Date(end.getTime() - SAMPLE.days * 86_400_000).toISOString().slice(0, 10)}&to=${new Date(end.getTime() - 86_400_000).toISOString().slice(0, 10)}`;

let api: TestApi;
let browser: Browser;
const errors: string[] = [];
let analysed = 0;

/** The generated messages (created, not deleted) with their author's department and UTC day. */
function generatedMessages(): { text: string; dept: string; author: string; day: string; conversation: string }[] {
  const created = new Map<string, { text: string; dept: string; author: string; day: string; conversation: string }>();
  const deptOf = new Map(Array.from({ length: SAMPLE.users }, (_, i) => samplePerson(i)).map((p) => [p.id, p.dept]));
  for (const e of sampleCompany(SAMPLE)) {
    const key = `${String(e.data.conversation_id)}/${String(e.data.message_id)}`;
    if (e.type === 'message.created') created.set(key, { text: String(e.data.text), dept: deptOf.get(String(e.data.author_id)) ?? '', author: String(e.data.author_id), day: e.time.slice(0, 10), conversation: String(e.data.conversation_id) });
    if (e.type === 'message.deleted') created.delete(key);
  }
  return [...created.values()];
}
const MESSAGES = generatedMessages();
const WORDS = new Set(MESSAGES.flatMap((m) => tokenize(m.text)));
const HEAD = samplePerson(0);

beforeAll(async () => {
  if (!existsSync(join(UI_DIR, 'index.html'))) throw new Error('dist/ui is not built: run `npm run build` (npm test does) before this test');
  browser = await launchChromium();
  // The demo asks for the email scope: the directory finds a manager by email.
  api = await startTestApi('web-ui-topics', { oidc: true, oidcUsers: USERS, env: { CUSTOS_RATE_LIMIT_PER_MIN: '100000', OIDC_SCOPES: 'openid profile email groups', CUSTOS_MIN_GROUP_SIZE: String(K) } });
  await fillSampleCompany(api.store, SAMPLE);
  analysed = (await demoTopics(api.store, TENANT)).messages;
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('topics page in chromium', () => {
  it('shows the manager the topics of their department in every view, the sentiment chart, the privacy floor, and no message text', async () => {
    // The demo's run analysed every message of the sample that is not deleted.
    expect(analysed).toBe(MESSAGES.length);
    const d = `${api.baseUrl}/ui/${TENANT}`;
    const { context, page } = await newSession(browser, errors);
    await page.goto(`${d}/topics?${RANGE}`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await atIdp(page, api.idp!.issuer, user('manager'));
    await page.waitForURL(`${d}/topics?${RANGE}`);
    await expect.poll(() => page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).toContain('Topics');
    expect(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).not.toContain('Search');

    // Top terms: the head of Engineering sees Engineering only, ranked terms that are words of the sample, each used by at least k people.
    await expect.poll(() => page.locator('[data-topics-loaded="terms"] [data-departments]').getAttribute('data-departments')).toBe(HEAD.dept);
    await expect.poll(() => page.locator('table.terms tbody tr').count()).toBeGreaterThan(0);
    const shown = await page.locator('table.terms tbody th').evaluateAll((ths) => ths.map((th) => th.firstChild?.textContent ?? ''));
    for (const term of shown) for (const w of tokenize(term)) expect(WORDS.has(w), `"${w}" is a word of the sample`).toBe(true);
    const authors = await page.locator('table.terms tbody tr td:nth-child(5)').allTextContents();
    expect(authors.every((a) => Number(a) >= K)).toBe(true);
    // What the page shows is what the API answers this manager (same cookie): every term, in the API's order.
    const apiTerms = await page.evaluate(async () => {
      const r = await fetch(`/v1/tenants/demo/analytics/topics${window.location.search}`, { headers: { accept: 'application/json' } });
      const body = (await r.json()) as { tables: { rows: { display: string; search?: unknown }[] }[] };
      return body.tables.flatMap((t) => t.rows.map((x) => ({ display: x.display, search: x.search !== undefined })));
    });
    expect(shown).toEqual(apiTerms.map((x) => x.display));
    // A manager gets no search query, so no link.
    expect(apiTerms.some((x) => x.search)).toBe(false);
    expect(await page.locator('table.terms a').count()).toBe(0);
    await shot(page, '30-topics-terms-manager');

    // Never a message's text, in any view.
    const noText = async (view: string) => {
      const body = await page.locator('main').innerText();
      const leaked = MESSAGES.filter((m) => m.text.length > 12 && body.includes(m.text));
      expect(leaked.map((m) => m.text), `message text on ${view}`).toEqual([]);
    };
    await noText('terms');

    for (const view of ['Trending terms', 'Recurring topics', 'Bottlenecks', 'Training needs']) {
      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view }).click();
      await expect.poll(() => page.locator('#topics-heading').textContent()).toBe(view);
      await page.locator('[data-topics-loaded]').waitFor({ state: 'visible' });
      expect(await page.locator('.problem').count(), view).toBe(0);
      await noText(view);
    }
    await shot(page, '31-topics-training-manager');

    // Sentiment: the chart (uPlot's canvas) and its table, a figure per week where Engineering had k people.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Sentiment' }).click();
    await expect.poll(() => page.locator('[data-topics-loaded="sentiment"] figure.chart canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('table.series[data-figure="sentiment"] tbody tr').count()).toBe(1);
    expect(await page.locator('table.series[data-figure="sentiment"] tbody th').textContent()).toBe(HEAD.dept);
    await shot(page, '32-topics-sentiment-manager');

    // The privacy floor: on the day fewer of Engineering's people wrote than on any other (a weekend), under k, the cell is hidden and says why.
    const byDay = new Map<string, Set<string>>();
    for (const m of MESSAGES) if (m.dept === HEAD.dept) byDay.set(m.day, (byDay.get(m.day) ?? new Set()).add(m.author));
    const [quiet, people] = [...byDay].map(([day, s]) => [day, s.size] as const).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0]!;
    expect(people).toBeLessThan(K);
    await page.goto(`${d}/topics?view=sentiment&from=${quiet}&to=${quiet}`);
    await expect.poll(() => page.locator('[data-topics-loaded="sentiment"] table.series[data-figure="sentiment"] tbody td').allTextContents()).toEqual([`hidden: group under ${K} people`]);
    expect(await page.getByRole('list', { name: 'Privacy floor' }).textContent()).toContain(`hidden: group under ${K} people`);
    await shot(page, '33-topics-floor-manager');

    // In French: the switch, the same page.
    await page.getByRole('button', { name: 'Français' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sujets');
    await expect.poll(() => page.locator('table.series[data-figure="sentiment"] tbody td').allTextContents()).toEqual([`masqué : groupe de moins de ${K} personnes`]);
    expect(await page.getByRole('list', { name: 'Seuil de confidentialité' }).textContent()).toContain(`masqué : groupe de moins de ${K} personnes`);
    await page.getByRole('navigation', { name: 'Vues' }).getByRole('link', { name: 'Termes et expressions principaux' }).click();
    await expect.poll(() => page.locator('#topics-heading').textContent()).toBe('Termes et expressions principaux');
    await shot(page, '34-topics-fr');
    await page.getByRole('button', { name: 'English' }).click();
    await context.close();
  });

  it('links a compliance officer from a term to the normal search, which finds its messages; a department under k is hidden', async () => {
    const d = `${api.baseUrl}/ui/${TENANT}`;
    const { context, page } = await newSession(browser, errors);
    await page.goto(`${d}/topics?view=sentiment&${RANGE}`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await atIdp(page, api.idp!.issuer, user('officer'));
    await page.waitForURL((u) => u.pathname === `/ui/${TENANT}/topics`);
    // The last three departments of the sample have four people (computed from the generator): their cells are hidden, the others shown.
    const sizes = new Map<string, number>();
    for (let i = 0; i < SAMPLE.users; i++) sizes.set(samplePerson(i).dept, (sizes.get(samplePerson(i).dept) ?? 0) + 1);
    const small = [...sizes].filter(([, n]) => n < K).map(([dept]) => dept).sort();
    expect(small.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('table.series[data-figure="sentiment"] tbody tr').count()).toBeGreaterThan(0);
    const rows = await page.locator('table.series[data-figure="sentiment"] tbody tr').evaluateAll((trs) => trs.map((tr) => ({ group: tr.querySelector('th')?.textContent ?? '', cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') })));
    for (const dept of small) {
      const row = rows.find((r) => r.group === dept);
      // Weeks without a message are empty (—), never a figure.
      expect(row!.cells.every((c) => c.startsWith('hidden:') || c === '—'), dept).toBe(true);
      expect(row!.cells.filter((c) => c === `hidden: group under ${K} people`).length, dept).toBeGreaterThan(0);
    }
    expect(rows.filter((r) => !small.includes(r.group)).some((r) => r.cells.some((c) => !c.startsWith('hidden:') && c !== '—'))).toBe(true);

    // By conversation: a conversation is named only when it has at least k members or people who posted in the range
    // (docs/topics.md; computed from the generator: the sample's direct messages have two or three members, a few get replies from others).
    const members = new Map<string, Set<string>>();
    const add = (conv: string, who: string) => members.set(conv, (members.get(conv) ?? new Set()).add(who));
    for (const e of sampleCompany(SAMPLE)) if (e.type === 'member.joined') add(String(e.data.conversation_id), String(e.data.user_id));
    for (const m of MESSAGES) add(m.conversation, m.author);
    const nameable = new Set([...members].filter(([, who]) => who.size >= K).map(([conv]) => conv));
    expect(members.size - nameable.size).toBeGreaterThan(0);
    await page.goto(`${d}/topics?group_by=conversation&${RANGE}`);
    const counted = new RegExp(`^\\d+ conversations? under ${K} members not shown$`);
    await expect.poll(() => page.getByRole('list', { name: 'Privacy floor' }).getByRole('listitem').allTextContents().then((xs) => xs.some((x) => counted.test(x)))).toBe(true);
    const named = [...await page.locator('table.series tbody th').allTextContents(), ...await page.locator('table.terms').evaluateAll((ts) => ts.map((t) => t.getAttribute('data-group') ?? ''))];
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((g) => !nameable.has(g))).toEqual([]);
    await shot(page, '36-topics-by-conversation-officer');

    // Terms link to the search with the API's query; the search finds messages.
    await page.goto(`${d}/topics?${RANGE}`);
    await expect.poll(() => page.locator('table.terms tbody a').count()).toBeGreaterThan(0);
    await shot(page, '35-topics-terms-officer');
    const link = page.locator('table.terms tbody a').first();
    const href = new URL((await link.getAttribute('href'))!, api.baseUrl);
    expect(href.pathname).toBe(`/ui/${TENANT}/search`);
    const q = href.searchParams.get('q')!;
    const words = (await link.textContent())!;
    expect(tokenize(q)).toContain(tokenize(words)[0]);
    await link.click();
    await page.waitForURL((u) => u.pathname === `/ui/${TENANT}/search`);
    await expect.poll(() => page.locator('#results-heading').getAttribute('data-total').then(Number)).toBeGreaterThan(0);
    await context.close();
  });

  it('had no script or console error on any page', () => {
    expect(errors).toEqual([]);
  });
});
