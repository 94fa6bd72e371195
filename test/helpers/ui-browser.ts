/**
 * Helpers of the web UI's browser tests (dashboards/*.integration.test.ts): a browser
 * context that records script errors, sign-in through the demo identity provider's
 * forms, and a screenshot with axe-core's check.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { expect } from 'vitest';
import type { DemoSignIn } from '../../cli/demo/demo-users.js';

export const SHOTS = join(process.cwd(), '.test-runs', 'ui-screenshots');

/** A fresh context (language and zone as given); page errors and console errors go to `errors`, every request to `onRequest`. */
export async function newSession(browser: Browser, errors: string[], o: { locale?: string; timezoneId?: string; onRequest?: (r: Request) => void } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: o.locale ?? 'en-GB', timezoneId: o.timezoneId ?? 'Europe/Paris' });
  const page = await context.newPage();
  if (o.onRequest) page.on('request', o.onRequest);
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => {
    // Chromium logs every 4xx answer of fetch as an error line; those are checked by status in the tests.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  return { context, page };
}

/**
 * At the IdP's form (in English: the demo IdP's own page): user name, password, and the
 * one-time code for a person with MFA. `authAgeS` fills the tests' backdating field
 * (only the tests' provider has it), to make a sign-in too old for step-up.
 */
export async function atIdp(page: Page, issuer: string, u: DemoSignIn, o: { authAgeS?: number } = {}): Promise<void> {
  await page.waitForURL((url) => url.origin === issuer);
  await page.getByLabel('User name').fill(u.id);
  await page.getByLabel('Password').fill(u.password!);
  if (o.authAgeS !== undefined) await page.getByLabel(/seconds ago/).fill(String(o.authAgeS));
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (u.otp) {
    await page.getByLabel('One-time code').fill(u.otp);
    await page.getByRole('button', { name: 'Verify' }).click();
  }
}

/** Browser storage holds nothing but the language switch's bare choice. */
export async function storageIsClean(page: Page, name: string): Promise<void> {
  const stored = await page.evaluate(() => ({ local: Object.entries({ ...window.localStorage }), session: Object.entries({ ...window.sessionStorage }) }));
  expect(stored.session, `sessionStorage on ${name}`).toEqual([]);
  for (const [k, v] of stored.local) expect([k, ['en', 'fr'].includes(v)], `localStorage on ${name}`).toEqual(['custos.lang', true]);
}

/**
 * A screenshot (a test artifact) and axe-core's check of the page as it is: no serious or
 * critical violation. axe is evaluated through the DevTools protocol, which the page's
 * CSP (no inline script, no eval) does not govern, so the CSP stays on.
 */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await storageIsClean(page, name);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await page.evaluate(axe.source);
  const { passes, violations } = await page.evaluate(async () => {
    type Rule = { id: string; impact?: string; help: string; nodes: { target: string[] }[] };
    const r = await (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ passes: Rule[]; violations: Rule[] }> } }).axe.run(document, { resultTypes: ['violations'] });
    return {
      passes: r.passes.length,
      violations: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    };
  });
  expect(passes, `axe-core ran its rules on ${name}`).toBeGreaterThan(5);
  expect(violations, `axe-core on ${name}`).toEqual([]);
}
