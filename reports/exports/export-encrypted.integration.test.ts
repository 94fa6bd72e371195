/**
 * An export job with `recipients`: beside the signed ZIP, the job lists the same ZIP
 * encrypted with age for them; the Debian `age` tool (scripts/test-prerequisites.sh)
 * decrypts it to exactly the listed ZIP, which verifies offline. A parameter that is
 * not an age recipient is refused naming the field.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { knownArchive } from '../../test/helpers/known-archive.js';
import { validateEvent } from '../../common/events/validate.js';
import { toRow } from '../../common/events/rows.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { verifyPackage } from '../packages/verify.js';
import { findSigningKey } from '../../common/keys/signing-keys.js';

let api: TestApi;
const archive = knownArchive('acme', 10);
const by = { subjectRef: 'system', kind: 'system' };

beforeAll(async () => {
  api = await startTestApi('export-encrypted');
  await createEventWriter(api.store).write(archive.events.map((e) => {
    const v = validateEvent(e);
    if (!v.ok) throw new Error(v.detail);
    return toRow(v, 'test');
  }));
});
afterAll(async () => api?.close());

function run(cmd: string, args: string[]): Buffer {
  try {
    return execFileSync(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${cmd} is not installed: run scripts/test-prerequisites.sh (Debian: apt-get install age)`);
    throw err;
  }
}

it('lists the package encrypted for the recipients beside it; age decrypts it to the signed ZIP', async () => {
  const keyFile = join(api.dataDir, 'recipient.key');
  run('age-keygen', ['-o', keyFile]);
  const recipient = run('age-keygen', ['-y', keyFile]).toString().trim();
  const runner = api.jobs.service as JobRunner;
  const job = await runner.run(await runner.submit('acme', 'export', { formats: ['jsonl'], recipients: [recipient] }, by));
  expect(job.state, job.error).toBe('done');
  const [zip, sealed] = job.files;
  expect(zip!.name).toBe(`${job.id}.zip`);
  expect(sealed).toMatchObject({ name: `${job.id}.zip.age` });
  const sealedBytes = readFileSync(runner.filePath(job, sealed!.name)!);
  expect(createHash('sha256').update(sealedBytes).digest('hex')).toBe(sealed!.sha256);
  expect(sealedBytes.length).toBe(sealed!.bytes);
  const plain = run('age', ['-d', '-i', keyFile, runner.filePath(job, sealed!.name)!]);
  expect(createHash('sha256').update(plain).digest('hex')).toBe(zip!.sha256);
  const copy = join(api.dataDir, 'decrypted.zip');
  writeFileSync(copy, plain);
  const v = await verifyPackage(copy, { publicKey: findSigningKey(api.dataDir, 'acme')!.publicKeyPem });
  expect(v.ok, JSON.stringify(v)).toBe(true);
});

it('refuses a recipient that is not an age recipient, naming the field', async () => {
  const runner = api.jobs.service as JobRunner;
  await expect(runner.submit('acme', 'export', { formats: ['jsonl'], recipients: ['ssh-ed25519 AAAA'] }, by)).rejects.toThrow(/recipients\.0.*age recipient/);
});
