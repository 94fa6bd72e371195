/**
 * `custos holds ...`, `custos retention show|set` and `custos jobs run retention` as
 * real child processes on their own data directory: JSON output, the first-run brake
 * as one line, field-named refusals, a dry run, a run, and every command in the
 * tenant's audit chain under the OS user; `audit verify` accepts the trimmed chain.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/helpers/cli.js';
import { testDataDir, withStoreAt } from '../test/helpers/store.js';
import { migrate } from '../migrations/runner.js';
import { TEST_POLICY, agedArchive, storeArchive } from '../reports/retention/testing/aged-archive.js';

const dataDir = testDataDir('cli-retention');
const env = { CUSTOS_DATA_DIR: dataDir };
const archive = agedArchive();
const policyFile = join(dataDir, '..', `policy-${Date.now()}.json`);

beforeAll(async () => {
  await withStoreAt(dataDir, 'cli-retention', async (s) => {
    await migrate(s);
    await storeArchive(s, archive);
  });
  writeFileSync(policyFile, JSON.stringify(TEST_POLICY));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(policyFile, { force: true });
});

describe('custos holds and retention', () => {
  let holdId: string;
  it('creates, lists and shows a hold as JSON', () => {
    const created = runCli(['holds', 'create', '--tenant', 'acme', '--case', 'Acme v. Doe', '--reason', 'litigation', '--custodian', 'U-held', '--json'], env);
    expect(created.status, created.stderr).toBe(0);
    holdId = (JSON.parse(created.stdout) as { id: string }).id;
    const shown = JSON.parse(runCli(['holds', 'show', holdId, '--tenant', 'acme', '--json'], env).stdout) as { covers: { calls: number }; state: string };
    expect(shown).toMatchObject({ state: 'active', covers: { calls: 1 } });
    const list = JSON.parse(runCli(['holds', 'list', '--tenant', 'acme', '--json'], env).stdout) as { total: number };
    expect(list.total).toBe(1);
    const bad = runCli(['holds', 'create', '--tenant', 'acme', '--case', 'x', '--reason', 'y', '--from', 'yesterday'], env);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^custos: --from: /);
  });

  it('refuses a policy file with the field named, brakes in one line, and sets it with --confirm', () => {
    const wrong = join(dataDir, '..', `wrong-${Date.now()}.json`);
    writeFileSync(wrong, JSON.stringify({ default: { calls: { delete_after: '1 month' } } }));
    const refused = runCli(['retention', 'set', '--tenant', 'acme', '--file', wrong], env);
    rmSync(wrong);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.trim()).toMatch(/^custos: --file: default\.calls\.delete_after: /);
    const braked = runCli(['retention', 'set', '--tenant', 'acme', '--file', policyFile], env);
    expect(braked.status).not.toBe(0);
    expect(braked.stderr.trim().split('\n')).toHaveLength(1);
    const held = archive.records.filter((r) => r.tenant === 'acme' && r.fate !== 'kept').length - archive.records.filter((r) => r.tenant === 'acme' && r.fate === 'held').length;
    expect(braked.stderr).toContain(`would delete ${held} of `);
    const set = runCli(['retention', 'set', '--tenant', 'acme', '--file', policyFile, '--confirm', '--json'], env);
    expect(set.status, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ version: 1, first_run: { records: held } });
    expect(JSON.parse(runCli(['retention', 'show', '--tenant', 'acme'], env).stdout)).toMatchObject({ version: 1, policy: TEST_POLICY });
  });

  it('runs a dry run and a run, then releases the hold; every command is in the audit chain, which verifies', async () => {
    const gone = archive.records.filter((r) => r.tenant === 'acme' && r.fate === 'gone').length;
    const dry = runCli(['jobs', 'run', 'retention', '--tenant', 'acme', '--dry-run', '--json'], env);
    expect(dry.status, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ state: 'done', result: { dry_run: true, records: gone } });
    const run = runCli(['jobs', 'run', 'retention', '--tenant', 'acme', '--json'], env);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ state: 'done', result: { dry_run: false, records: gone } });
    expect(run.stderr).toMatch(/retention: \d+ records removed/);
    const released = runCli(['holds', 'release', holdId, '--tenant', 'acme', '--reason', 'closed', '--json'], env);
    expect(released.status, released.stderr).toBe(0);
    expect(runCli(['holds', 'release', holdId, '--tenant', 'acme', '--reason', 'again'], env).stderr).toMatch(/already released/);
    const verify = runCli(['audit', 'verify', '--tenant', 'acme'], env);
    expect(verify.status, verify.stderr).toBe(0);
    const actions = await withStoreAt(dataDir, 'cli-retention', (s) => s.query<{ action: string; status: number; subject_kind: string }>('test: audit', "SELECT action, status, subject_kind FROM audit_log WHERE tenant = 'acme' AND http_method = 'CLI' ORDER BY seq"));
    expect(actions.map((a) => `${a.action} ${a.status}`)).toEqual(expect.arrayContaining(['holds.create 200', 'holds.get 200', 'retention.policy.set 400', 'retention.policy.set 409', 'retention.policy.set 200', 'holds.release 200', 'holds.release 409']));
    expect(new Set(actions.map((a) => a.subject_kind))).toEqual(new Set(['cli']));
  });
});
