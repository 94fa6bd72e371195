/**
 * `custos token ...` and `custos audit verify` as real child processes on their own
 * data directory (the test opens the same directory only while no CLI runs).
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli.js';
import { testConfig, testDataDir } from '../../test/helpers/store.js';
import { createStore } from '../../common/store/store.js';
import { AuditWriter } from '../../common/audit/index.js';

const dataDir = testDataDir('cli-token-audit');
const env = { CUSTOS_DATA_DIR: dataDir };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('custos token', () => {
  it('creates (secret printed once), lists (no secret) and revokes tokens', () => {
    const created = runCli(['token', 'create', '--tenant', 'acme', '--role', 'auditor', '--name', 'siem reader'], env);
    expect(created.status, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^cst_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/shown only now/);
    const id = secret.split('_')[1]!;

    const list = runCli(['token', 'list', '--tenant', 'acme'], env);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toMatch(/auditor\tactive/);
    expect(list.stdout).not.toContain(secret.split('_')[2]!);

    const revoked = runCli(['token', 'revoke', id], env);
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toMatch(/revoked/);
    expect(runCli(['token', 'list', '--tenant', 'acme'], env).stdout).toMatch(/auditor\trevoked/);
  });

  it('refuses bad input with one line on stderr and a non-zero exit', () => {
    for (const args of [
      ['token', 'create', '--tenant', 'acme', '--role', 'root', '--name', 'x'],
      ['token', 'create', '--tenant', '../acme', '--role', 'auditor', '--name', 'x'],
      ['token', 'list', '--tenant', "acme' OR 1=1"],
      ['token', 'revoke', 'nosuchtoken00000'],
    ]) {
      const r = runCli(args, env);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^custos: /);
    }
  });
});

describe('custos audit verify', () => {
  it('reports intact chains, then names the first entry that was changed', async () => {
    // Write a chain in-process (no CLI is running on this directory meanwhile).
    let store = await createStore(testConfig(dataDir), { command: 'vitest audit cli', queryTimeoutS: 30 });
    const writer = new AuditWriter(store);
    for (let i = 1; i <= 5; i++) {
      await writer.append({ tenant: 'acme', timeMs: Date.now(), subjectRef: 'sr_' + 'c'.repeat(32), subjectKind: 'person', roles: ['auditor'], authMethod: 'oidc_session', operationId: 'searchAuditLog', action: 'audit.search', httpMethod: 'get', route: '/v1/tenants/:tenant/audit', params: {}, resultCount: i, status: 200, ip: '127.0.0.1', userAgent: 'cli test', requestId: `r${i}` });
    }
    await store.close();

    const ok = runCli(['audit', 'verify'], env);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ tenant: 'acme', ok: true, entries: 5, first_bad: null });
    expect(ok.stderr).toMatch(/all intact/);

    store = await createStore(testConfig(dataDir), { command: 'vitest audit cli', queryTimeoutS: 30 });
    await store.command('test: tamper', "ALTER TABLE audit_log UPDATE result_count = 0 WHERE tenant = 'acme' AND seq = 2", {}, { mutations_sync: '2' } as never);
    await store.close();

    const bad = runCli(['audit', 'verify', '--tenant', 'acme'], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^custos: audit chain of tenant acme is broken at entry 2: entry 2 was changed/);
    expect(JSON.parse(bad.stdout.trim())).toMatchObject({ ok: false, entries: 1, first_bad: { seq: 2 } });

    const refused = runCli(['audit', 'verify', '--tenant', '../acme'], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^custos: --tenant: /);
  });
});
