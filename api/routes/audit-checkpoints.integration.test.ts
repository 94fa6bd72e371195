/**
 * GET /v1/tenants/{t}/audit/checkpoints on the real app: what the publisher signed,
 * newest first, each verifying with the key GET .../signing-keys serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { CheckpointPublisher, checkpointProblem, directorySink, readCheckpointDirectory, type Checkpoint } from '../../common/audit/index.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { createLogger } from '../../common/logger.js';

let api: TestApi;
let dir: string;
beforeAll(async () => {
  api = await startTestApi('audit-checkpoints-api');
  dir = mkdtempSync(join(api.dataDir, 'checkpoints-'));
});
afterAll(async () => {
  await api?.close();
});

it('serves the signed checkpoints newest first; each verifies with the tenant key the API serves', async () => {
  const auditor = { authorization: `Bearer ${await api.createToken('acme', 'auditor')}` };
  const publisher = new CheckpointPublisher({ store: api.store, signerFor: (t) => loadOrCreateSigningKey(api.dataDir, t), sinks: [directorySink(dir)], log: createLogger('silent') });
  const published: number[] = [];
  for (let round = 0; round < 3; round++) {
    await fetch(`${api.baseUrl}/v1/tenants/acme/archive/stats`, { headers: auditor });
    published.push(...(await publisher.publishOnce()).published.filter((c) => c.tenant === 'acme').map((c) => c.seq));
  }
  expect(published).toHaveLength(3);
  const res = await fetch(`${api.baseUrl}/v1/tenants/acme/audit/checkpoints?limit=2`, { headers: auditor });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: Checkpoint[]; total: number };
  expect(body.total).toBe(3);
  expect(body.items.map((c) => c.seq)).toEqual([...published].sort((a, b) => b - a).slice(0, 2));
  // The same checkpoints as the files the publisher wrote outside the store.
  const files = readCheckpointDirectory(dir, 'acme');
  expect(body.items).toEqual(expect.arrayContaining([files.find((f) => f.seq === body.items[0]!.seq)]));
  const keys = (await (await fetch(`${api.baseUrl}/v1/tenants/acme/signing-keys`, { headers: auditor })).json()) as { items: Array<{ public_key_pem: string }> };
  for (const c of body.items) expect(checkpointProblem(c, keys.items[0]!.public_key_pem)).toBeUndefined();
  rmSync(dir, { recursive: true, force: true });
});
