/**
 * `custos keys show` and `custos package verify` as real child processes. Neither
 * may need the store: the last case runs both while this test process holds the
 * embedded data directory.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../test/helpers/cli.js';
import { buildFixtureBag, copyBag, FIXTURE_FILES } from '../../test/helpers/package-fixture.js';
import { testConfig, testDataDir } from '../../test/helpers/store.js';
import { createStore } from '../../common/store/store.js';
import { loadOrCreateSigningKey, signingKeyFile } from '../../common/keys/signing-keys.js';
import { zipBag } from '../../reports/packages/zip.js';

const work = testDataDir('cli-package');
const dataDir = join(work, 'data');
const env = { CUSTOS_DATA_DIR: dataDir };
const bag = join(work, 'bag');
const zip = join(work, 'bag.zip');
const pub = join(work, 'acme.pem');

beforeAll(async () => {
  const key = loadOrCreateSigningKey(dataDir, 'acme');
  await buildFixtureBag(bag, key);
  await zipBag(bag, zip, { rootName: 'job-0001', time: new Date('2026-11-30T12:05:00Z') });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const expectOneLineFailure = (r: { status: number | null; stderr: string }, pattern: RegExp) => {
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(pattern);
};

describe('custos keys show', () => {
  it('creates a tenant key on first use (0600) and prints its SPKI PEM on stdout; --json gives one object with the id', () => {
    const fresh = { CUSTOS_DATA_DIR: join(work, 'fresh') };
    const first = runCli(['keys', 'show', '--tenant', 'globex'], fresh);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    expect(first.stderr).toMatch(/^signing key of tenant globex: key id [0-9a-f]{16} \(Ed25519\), created now\n$/);
    expect(statSync(signingKeyFile(fresh.CUSTOS_DATA_DIR, 'globex')).mode & 0o777).toBe(0o600);
    const again = runCli(['keys', 'show', '--tenant', 'globex', '--json'], fresh);
    expect(again.status).toBe(0);
    const shown = JSON.parse(again.stdout);
    expect(shown).toMatchObject({ tenant: 'globex', algorithm: 'Ed25519', created: false, public_key_pem: first.stdout });
    expect(shown.id).toBe(first.stderr.match(/key id ([0-9a-f]{16})/)![1]);
    expect(again.stdout + again.stderr).not.toContain('PRIVATE KEY');
  });

  it('gives one key to processes that create it at the same moment', async () => {
    const raceEnv = { ...process.env, LOG_LEVEL: 'warn', CUSTOS_DATA_DIR: join(work, 'race') };
    const once = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, 'keys', 'show', '--tenant', 'race', '--json'], { env: raceEnv });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out).key_id as string) : reject(new Error(`exit ${code}`))));
      });
    const ids = await Promise.all([once(), once(), once(), once()]);
    expect(new Set(ids).size).toBe(1);
    expect(readdirSync(join(work, 'race', 'keys', 'signing'))).toEqual(['race.pem']);
  });

  it('refuses a tenant id that is not one, in one line', () => {
    expectOneLineFailure(runCli(['keys', 'show', '--tenant', '../acme'], env), /^custos: --tenant: /);
  });
});

describe('custos package verify', () => {
  it('accepts the bag directory and its ZIP with the key keys show prints, in one line or one JSON object', () => {
    const shown = runCli(['keys', 'show', '--tenant', 'acme'], env);
    writeFileSync(pub, shown.stdout);
    const id = shown.stderr.match(/key id ([0-9a-f]{16})/)![1];
    const custody = JSON.parse(readFileSync(join(bag, 'custody.json'), 'utf8'));
    for (const target of [bag, zip]) {
      const r = runCli(['package', 'verify', target, '--public-key', pub], {});
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(`package ok: ${FIXTURE_FILES.length} files, ${custody.counts.bytes} bytes, Merkle root ${custody.payload.merkle_root}, signed by key ${id} (tenant acme, job job-0001)\n`);
    }
    const json = runCli(['package', 'verify', zip, '--public-key', pub, '--json'], {});
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, id: 'job-0001', job_id: 'job-0001', tenant: 'acme', kind: 'ediscovery_export', files: FIXTURE_FILES.length, bytes: custody.counts.bytes, merkle_root: custody.payload.merkle_root, key_id: id });
  });

  it("uses the tenant's key in CUSTOS_DATA_DIR when no --public-key is given, and fails naming the signature without one", () => {
    expect(runCli(['package', 'verify', bag], env).status).toBe(0);
    const none = runCli(['package', 'verify', bag], { CUSTOS_DATA_DIR: join(work, 'elsewhere') });
    expectOneLineFailure(none, /^custos: package verify: tagmanifest-sha256\.txt\.sig: cannot be checked: no public key for key [0-9a-f]{16} of tenant acme/);
  });

  it('names the first bad file in one line and exits 1: a changed payload byte, a removed tag file, an added file, in a ZIP too', async () => {
    const changed = copyBag(bag, join(work, 'changed'));
    const eml = join(changed, 'data', 'eml', 'C2', '2026-11-24.eml');
    const b = readFileSync(eml);
    b[5] ^= 1;
    writeFileSync(eml, b);
    expectOneLineFailure(runCli(['package', 'verify', changed, '--public-key', pub], {}), /^custos: package verify: data\/eml\/C2\/2026-11-24\.eml: does not match its SHA-256 in manifest-sha256\.txt/);
    await zipBag(changed, join(work, 'changed.zip'), { rootName: 'job-0001', time: new Date('2026-11-30T12:05:00Z') });
    const fromZip = runCli(['package', 'verify', join(work, 'changed.zip'), '--public-key', pub, '--json'], {});
    expectOneLineFailure(fromZip, /data\/eml\/C2\/2026-11-24\.eml/);
    expect(JSON.parse(fromZip.stdout)).toMatchObject({ ok: false, file: 'data/eml/C2/2026-11-24.eml' });

    const removed = copyBag(bag, join(work, 'removed'));
    unlinkSync(join(removed, 'manifest-sha512.txt'));
    expectOneLineFailure(runCli(['package', 'verify', removed, '--public-key', pub], {}), /^custos: package verify: manifest-sha512\.txt: is listed in tagmanifest-sha256\.txt but missing$/);

    const added = copyBag(bag, join(work, 'added'));
    writeFileSync(join(added, 'data', 'odd', 'new\nfile.txt'), 'x');
    expectOneLineFailure(runCli(['package', 'verify', added, '--public-key', pub], {}), /^custos: package verify: data\/odd\/new\\nfile\.txt: is in data\/ but in no manifest/);
  });

  it('refuses a missing package and an unreadable or wrong public key, in one line', () => {
    expectOneLineFailure(runCli(['package', 'verify', join(work, 'nope'), '--public-key', pub], {}), /^custos: .*nope: cannot read it \(ENOENT\)$/);
    expectOneLineFailure(runCli(['package', 'verify', bag, '--public-key', join(work, 'nope.pem')], {}), /^custos: --public-key: cannot read/);
    expectOneLineFailure(runCli(['package', 'verify', bag, '--public-key', join(bag, 'bagit.txt')], {}), /^custos: --public-key: .* is not an Ed25519 public key/);
  });
});

describe('without the store', () => {
  it('keys show and package verify run while another process holds the embedded data directory', async () => {
    const store = await createStore(testConfig(dataDir), { command: 'vitest package cli (holds the lock)', queryTimeoutS: 30 });
    try {
      // The same directory refuses a store command meanwhile, so the lock is really held.
      const locked = runCli(['stats', '--tenant', 'acme'], env);
      expect(locked.status).not.toBe(0);
      expect(locked.stderr).toMatch(/in use by/);
      expect(runCli(['keys', 'show', '--tenant', 'acme'], env).status).toBe(0);
      const r = runCli(['package', 'verify', bag], env);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^package ok: /);
    } finally {
      await store.close();
    }
  });
});
