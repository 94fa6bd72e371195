/**
 * `custos supervision ...` as real child processes on their own data directory: a
 * policy created from a template with a file's fields over it is what ingest evaluates
 * (the store's enabled policies), disabling it is a new version ingest no longer sees,
 * the person acting is kept by pseudonym, a bad definition is one line naming its field,
 * and every command that reached the store is in the tenant's audit chain.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, expectOneLineError, runCli } from '../test/helpers/cli.js';
import { testDataDir, withStoreAt } from '../test/helpers/store.js';
import { migrate } from '../migrations/runner.js';
import { createPolicyStore, parsePolicyDefinition } from '../common/supervision/policy-store.js';
import { DEFAULT_POLICIES } from '../common/supervision/default-policies.js';

const dataDir = testDataDir('cli-supervision');
const env = { CUSTOS_DATA_DIR: dataDir };
const file = join(dataDir, '..', `policy-${Date.now()}.json`);
const badFile = join(dataDir, '..', `policy-bad-${Date.now()}.json`);
/** Whether the template is on as shipped (the schema's default when it does not say). */
const shippedOn = parsePolicyDefinition(DEFAULT_POLICIES.credentials).enabled;

beforeAll(async () => {
  await withStoreAt(dataDir, 'cli-supervision', (s) => migrate(s));
  writeFileSync(file, JSON.stringify({ name: 'Desk credentials', sampling: { percent: 100, seed: 'fixed-seed' } }));
  writeFileSync(badFile, JSON.stringify({ lexicon: { terms: [], patterns: [{ label: 'x', regex: '(' }] } }));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(file, { force: true });
  rmSync(badFile, { force: true });
});

const json = cliJson;

describe('custos supervision', () => {
  let policyId = '';
  it('creates a policy from a template with a file over it; ingest evaluates it', async () => {
    const p = json(runCli(['supervision', 'create', '--tenant', 'acme', '--template', 'credentials', '--file', file, '--by', 'Olivia Officer', '--json'], env));
    policyId = p.id;
    expect(p).toMatchObject({ version: 1, name: 'Desk credentials', enabled: shippedOn, severity: DEFAULT_POLICIES.credentials!.severity, sampling: { percent: 100, seed: 'fixed-seed' } });
    expect(p.lexicon).toEqual(parsePolicyDefinition(DEFAULT_POLICIES.credentials).lexicon);
    expect(p.created_by).not.toContain('Olivia');
    const enabled = json(runCli(['supervision', 'enable', '--tenant', 'acme', '--policy', policyId, '--by', 'Olivia Officer', '--json'], env));
    expect(enabled).toMatchObject({ id: policyId, enabled: true });
    const seen = await withStoreAt(dataDir, 'cli-supervision', (s) => createPolicyStore(s).enabled());
    expect(seen.filter((v) => v.policyId === policyId).map((v) => v.definition.name)).toEqual(['Desk credentials']);
  });

  it('disables it as a new version, keeping every earlier one, and ingest stops evaluating it', async () => {
    const off = json(runCli(['supervision', 'disable', '--tenant', 'acme', '--policy', policyId, '--by', 'Olivia Officer', '--json'], env));
    expect(off.enabled).toBe(false);
    expect(off.sampling.seed).toBe('fixed-seed');
    const shown = json(runCli(['supervision', 'show', '--tenant', 'acme', '--policy', policyId, '--json'], env));
    expect(shown.versions.map((v: { version: number; enabled: boolean }) => [v.version, v.enabled])).toEqual([[1, shippedOn], [2, true], [3, false]]);
    expect(json(runCli(['supervision', 'policies', '--tenant', 'acme', '--json'], env)).items.map((v: { id: string; version: number }) => [v.id, v.version])).toEqual([[policyId, 3]]);
    expect((await withStoreAt(dataDir, 'cli-supervision', (s) => createPolicyStore(s).enabled())).filter((v) => v.policyId === policyId)).toEqual([]);
  });

  it('refuses bad input in one line naming what is wrong', () => {
    expectOneLineError(runCli(['supervision', 'create', '--tenant', 'acme', '--template', 'nope', '--by', 'Olivia Officer'], env), '--template: ');
    expectOneLineError(runCli(['supervision', 'create', '--tenant', 'acme', '--by', 'Olivia Officer'], env), '--template: ');
    expectOneLineError(runCli(['supervision', 'create', '--tenant', 'acme', '--file', badFile, '--by', 'Olivia Officer'], env), 'definition: ');
    expectOneLineError(runCli(['supervision', 'enable', '--tenant', 'acme', '--policy', 'pol_0000000000000000', '--by', 'Olivia Officer'], env), '');
    expectOneLineError(runCli(['supervision', 'enable', '--tenant', 'acme', '--policy', 'x', '--by', 'Olivia Officer'], env), '--policy: ');
  });

  it('audited every command that reached the store, refusals included', async () => {
    const rows = await withStoreAt(dataDir, 'cli-supervision', (s) => s.query<{ action: string; status: number; params: string }>('test: audit',
      "SELECT action, status, params FROM audit_log WHERE tenant = 'acme' AND action LIKE 'supervision.policies.%' ORDER BY seq"));
    expect(rows.map((r) => [r.action, Number(r.status)])).toEqual([
      ['supervision.policies.create', 200],
      ['supervision.policies.update', 200],
      ['supervision.policies.update', 200],
      ['supervision.policies.get', 200],
      ['supervision.policies.list', 200],
      ['supervision.policies.create', 400],
      ['supervision.policies.update', 404],
    ]);
    expect(rows.every((r) => !String(r.params).includes('Olivia'))).toBe(true);
  });
});
