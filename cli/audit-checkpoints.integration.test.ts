/**
 * `custos serve` with CUSTOS_AUDIT_CHECKPOINT_DIR: requests are audited, the
 * publisher writes signed checkpoints of the chain head to the directory on its
 * interval and on shutdown, and `custos audit verify --checkpoints` accepts them.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { killStartedCli, runCli, startCli } from '../test/helpers/cli.js';
import { testDataDir } from '../test/helpers/store.js';
import { waitFor } from '../test/helpers/events.js';

const work = testDataDir('serve-checkpoints');
afterAll(async () => {
  await killStartedCli();
  rmSync(work, { recursive: true, force: true });
});

it('publishes checkpoints of the audit chain head while serving and on stop; audit verify accepts them', async () => {
  const dataDir = join(work, 'data');
  const checkpoints = join(work, 'checkpoints');
  mkdirSync(checkpoints, { recursive: true });
  const env = { CUSTOS_DATA_DIR: dataDir, CUSTOS_AUDIT_CHECKPOINT_DIR: checkpoints, CUSTOS_AUDIT_CHECKPOINT_INTERVAL_S: '5' };
  const created = runCli(['token', 'create', '--tenant', 'acme', '--role', 'auditor', '--name', 'checkpoint test'], env);
  expect(created.status, created.stderr).toBe(0);
  const secret = created.stdout.trim();
  const run = startCli(['serve'], { ...env, PORT: '0' });
  const url = await waitFor('serve to listen', async () => /listening on (http:\/\/[^ ]+)/.exec(run.stderr())?.[1], 60_000);
  const requests = 3;
  for (let i = 0; i < requests; i++) expect((await fetch(`${url}/v1/tenants/acme/archive/stats`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
  const files = await waitFor('a checkpoint file', async () => {
    const dir = join(checkpoints, 'acme');
    return existsSync(dir) && readdirSync(dir).length > 0 ? readdirSync(dir) : undefined;
  }, 30_000);
  expect(files[0]).toMatch(/^\d{20}\.json$/);
  // One more audited request, then stop: the final round pins the new head.
  expect((await fetch(`${url}/v1/tenants/acme/audit/checkpoints`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
  run.child.kill('SIGTERM');
  expect((await run.exited).code).toBe(0);
  const last = readdirSync(join(checkpoints, 'acme')).sort().pop()!;
  expect(Number(last.slice(0, 20))).toBe(requests + 1);
  const verify = runCli(['audit', 'verify', '--tenant', 'acme', '--checkpoints', checkpoints], env);
  expect(verify.status, verify.stderr).toBe(0);
  expect(JSON.parse(verify.stdout)).toMatchObject({ tenant: 'acme', ok: true, entries: requests + 1, last_checkpoint_seq: requests + 1 });
});
