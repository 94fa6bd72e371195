import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_CUSTODY, writeFixturePayload } from '../../test/helpers/package-fixture.js';
import { testDataDir } from '../../test/helpers/store.js';
import { writeBag } from './bag-writer.js';
import { PackageBuildError } from './errors.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { verifyPackage } from './verify.js';

const work = testDataDir('bag-writer');
const signer = loadOrCreateSigningKey(join(work, 'keys'), 'acme');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('writeBag refuses what it cannot vouch for', () => {
  it('a file in data/ that no format reported, naming it', async () => {
    const bagDir = join(work, 'stray');
    const files = await writeFixturePayload(bagDir);
    writeFileSync(join(bagDir, 'data', 'left-over.tmp'), 'x');
    await expect(writeBag({ bagDir, files, custody: FIXTURE_CUSTODY, signer })).rejects.toThrow(new PackageBuildError('data/left-over.tmp', 'is in data/ but no format reported writing it'));
  });

  it('a reported file whose size on disk differs, or that is missing', async () => {
    const bagDir = join(work, 'size');
    const files = await writeFixturePayload(bagDir);
    appendFileSync(join(bagDir, 'data', files[0]!.path), 'more');
    await expect(writeBag({ bagDir, files, custody: FIXTURE_CUSTODY, signer })).rejects.toThrow(/is \d+ bytes on disk, \d+ as reported/);
    const ghost = { ...files[1]!, path: 'csv/ghost.csv' };
    rmSync(bagDir, { recursive: true });
    mkdirSync(join(bagDir, 'data'), { recursive: true });
    await expect(writeBag({ bagDir, files: [ghost], custody: FIXTURE_CUSTODY, signer })).rejects.toThrow('data/csv/ghost.csv: was reported but is not in data/');
  });

  it('paths that would leave data/, and times that are not RFC 3339 UTC', async () => {
    const bagDir = join(work, 'paths');
    const files = await writeFixturePayload(bagDir);
    for (const path of ['../escape.txt', '/abs.txt', 'a//b.txt', 'a\\b.txt']) {
      await expect(writeBag({ bagDir, files: [{ ...files[0]!, path }], custody: FIXTURE_CUSTODY, signer }), path).rejects.toThrow(/cannot be a payload path/);
    }
    await expect(writeBag({ bagDir, files, custody: { ...FIXTURE_CUSTODY, createdAt: '2026-11-30 12:05' }, signer })).rejects.toThrow(/createdAt .* is not an RFC 3339 UTC time/);
  });

  it('writes an empty but valid bag when the set is empty', async () => {
    const bagDir = join(work, 'empty');
    mkdirSync(bagDir, { recursive: true });
    const bag = await writeBag({ bagDir, files: [], custody: { ...FIXTURE_CUSTODY, messagesPerConversation: {} }, signer });
    expect(bag).toMatchObject({ files: 0, bytes: 0, merkleRoot: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    expect(await verifyPackage(bagDir, { publicKey: signer.publicKeyPem })).toMatchObject({ ok: true, files: 0 });
  });
});
