/**
 * `custos demo --serve` as a newcomer runs it: it fills a (small) sample company, starts
 * the demo identity provider and `custos serve` signed in through it, and prints one
 * sign-in per role. The compliance officer's printed sign-in goes through the real
 * OIDC flow over HTTP (password, then the one-time code) and comes back with a session
 * that carries MFA and the role in tenant "demo"; SIGTERM stops both processes.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../test/helpers/cli.js';
import { testDataDir } from '../test/helpers/store.js';
import { waitFor } from '../test/helpers/events.js';
import { CookieJar, followUntil, jarFetch } from '../test/helpers/oidc-provider.js';

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const dir = testDataDir('demo-serve');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('custos demo --serve', () => {
  it('prints a sign-in per role, and the officer\'s signs in through the demo IdP with MFA', async () => {
    const [port, idpPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [CLI, 'demo', '--serve', '--users', '20', '--days', '3', '--messages-per-day', '30', '--idp-port', String(idpPort)], {
      env: { ...process.env, LOG_LEVEL: 'warn', CUSTOS_DATA_DIR: dir, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = once(child, 'exit');
    try {
      await waitFor('the sign-ins and the server', async () => /sign in with/.test(out) && /listening on/.test(err), 120_000);
      const base = `http://127.0.0.1:${port}`;
      expect(out).toContain(`web UI at ${base}/`);
      for (const role of ['manager', 'compliance_officer', 'dpo', 'auditor']) expect(out).toMatch(new RegExp(`^  ${role} +user \\S+ +password \\S+`, 'm'));
      const m = /^ {2}compliance_officer +user (\S+) +password (\S+) +one-time code (\d{6})$/m.exec(out);
      expect(m, out).not.toBeNull();
      const [, user, password, code] = m!;

      // The browser's way in, over HTTP: Custos sends us to the IdP, which asks for the password, then the code.
      const jar = new CookieJar();
      const toIdp = await followUntil(jar, `${base}/auth/login?return_to=/`, `http://127.0.0.1:${idpPort}/interaction/`);
      expect(toIdp.location).toBeDefined();
      const interaction = toIdp.location!;
      const form = await jarFetch(jar, interaction, { headers: { accept: 'text/html' } });
      expect(await form.text()).toContain('Password');
      const post = (path: string, body: Record<string, string>) =>
        jarFetch(jar, `${interaction}/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
      const wrong = await post('login', { login: user!, password: `${password}x` });
      expect(wrong.status).toBe(400);
      const codeForm = await post('login', { login: user!, password: password! });
      expect(codeForm.status).toBe(200);
      expect(await codeForm.text()).toContain('One-time code');
      const done = await post('otp', { otp: code! });
      const back = await followUntil(jar, new URL(done.headers.get('location')!, interaction).href, `${base}/ui/`);
      // Back at Custos with a session: it carries the one-time code (MFA) and the role.
      const me = await jarFetch(jar, `${base}/auth/me`, { headers: { accept: 'application/json' } });
      expect(me.status, back.location ?? '').toBe(200);
      const session = (await me.json()) as { amr: string[]; roles: Record<string, string[]> };
      expect(session.amr).toContain('otp');
      expect(session.roles.demo).toEqual(['compliance_officer']);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(err).toMatch(/custos serve: stopped on SIGTERM/);
  }, 240_000);
});
