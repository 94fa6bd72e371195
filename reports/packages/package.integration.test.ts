/**
 * A package end to end, checked by tools Custos did not write: the Library of
 * Congress BagIt validator (bagit.py, pinned, in a project venv), openssl's Ed25519
 * verify, and a Merkle root recomputed in Python from the files on disk.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { buildFixtureBag, copyBag, FIXTURE_FILES, PERCENT_FILE } from '../../test/helpers/package-fixture.js';
import { ensureVenv } from '../../test/helpers/python-venv.js';
import { testDataDir } from '../../test/helpers/store.js';
import { walkFiles } from './bag-source.js';
import { loadOrCreateSigningKey, type TenantSigningKey } from '../../common/keys/signing-keys.js';
import { verifyPackage } from './verify.js';
import { zipBag } from './zip.js';

const work = testDataDir('packages');
const bag = join(work, 'bag');
let key: TenantSigningKey;
let python: string;

beforeAll(async () => {
  python = ensureVenv('bagit', ['bagit==1.9.0']);
  key = loadOrCreateSigningKey(join(work, 'data'), 'acme');
  await buildFixtureBag(bag, key);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const bagitValidate = (dir: string) => run(python, ['-m', 'bagit', '--validate', dir]);

describe('a package as an independent BagIt validator sees it', () => {
  it('is valid for the Library of Congress bagit 1.9.0 (full validation, every checksum)', () => {
    const r = bagitValidate(bag);
    expect(r.out).toMatch(/is valid/);
    expect(r.status).toBe(0);
  });

  it('is invalid for it after one payload byte changes', () => {
    const copy = copyBag(bag, join(work, 'lc-bad'));
    const f = join(copy, 'data', 'eml', 'C1', '2026-11-24.eml');
    const b = readFileSync(f);
    b[3] ^= 1;
    writeFileSync(f, b);
    const r = bagitValidate(copy);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/2026-11-24\.eml/);
  });

  it('percent-encodes % in manifest paths as RFC 8493 requires, which bagit 1.9.0 alone misreads (bagit-python#157)', async () => {
    const percent = join(work, 'percent');
    await buildFixtureBag(percent, key, [...FIXTURE_FILES, PERCENT_FILE]);
    expect(readFileSync(join(percent, 'manifest-sha256.txt'), 'utf8')).toMatch(/^[0-9a-f]{64}  data\/odd\/100%25 sure\.txt$/m);
    expect(await verifyPackage(percent, { publicKey: key.publicKeyPem })).toMatchObject({ ok: true, files: FIXTURE_FILES.length + 1 });
    // When this starts passing validation, bagit-python implements §2.1.3 and docs/packages.md can drop its caveat.
    const lc = bagitValidate(percent);
    expect(lc.out).toMatch(/100%25 sure\.txt exists in manifest but was not found/);
  });

  it('writes the RFC 8493 tag files as the RFC spells them', () => {
    expect(readFileSync(join(bag, 'bagit.txt'), 'utf8')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    const info = readFileSync(join(bag, 'bag-info.txt'), 'utf8');
    const bytes = FIXTURE_FILES.length;
    expect(info).toMatch(new RegExp(`^Payload-Oxum: \\d+\\.${bytes}$`, 'm'));
    expect(info).toMatch(/^External-Identifier: job-0001$/m);
    expect(info).toMatch(/^Bagging-Date: 2026-11-30$/m);
    expect(info).toMatch(/^Source-Organization: Acme Corp$/m);
    const manifest = readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8');
    expect(manifest).toMatch(/^[0-9a-f]{64}  data\/odd\/line%0Abreak\.txt$/m);
    expect(readFileSync(join(bag, 'tagmanifest-sha256.txt'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('  ')[1])).toEqual([
      'bag-info.txt', 'bagit.txt', 'custody.json', 'manifest-sha256.txt', 'manifest-sha512.txt',
    ]);
  });
});

describe('the signature, as openssl sees it', () => {
  it(`verifies with openssl pkeyutl -verify -rawin (${run('openssl', ['version']).out.trim()})`, () => {
    const pub = join(work, 'pub.pem');
    writeFileSync(pub, key.publicKeyPem);
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', join(bag, 'tagmanifest-sha256.txt'), '-sigfile', join(bag, 'tagmanifest-sha256.txt.sig')];
    const ok = run('openssl', args);
    expect(ok.out).toMatch(/Signature Verified Successfully/);
    expect(ok.status).toBe(0);

    const copy = copyBag(bag, join(work, 'openssl-bad'));
    appendFileSync(join(copy, 'tagmanifest-sha256.txt'), ' ');
    const bad = run('openssl', args.map((a) => a.replace(bag, copy)));
    expect(bad.status).not.toBe(0);
  });

  it('names the key by the first 16 hex of SHA-256 over the SPKI DER that openssl exports', () => {
    const pub = join(work, 'pub-id.pem');
    writeFileSync(pub, key.publicKeyPem);
    const der = spawnSync('openssl', ['pkey', '-pubin', '-in', pub, '-outform', 'DER']).stdout;
    const id = spawnSync(python, ['-c', 'import sys,hashlib; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:16])'], { input: der, encoding: 'utf8' }).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(key.keyId).toBe(id);
    const custody = JSON.parse(readFileSync(join(bag, 'custody.json'), 'utf8'));
    expect(custody.signature.key_id).toBe(id);
  });
});

describe('custody.json', () => {
  it('carries a Merkle root that an independent RFC 6962 implementation (Python) recomputes from the files on disk', () => {
    // Recursive split at the largest power of two (RFC 6962 §2.1), unlike the level-by-level code in merkle.ts.
    const script = `
import hashlib, os, sys, json
root = sys.argv[1]
paths = []
for d, _, files in os.walk(os.path.join(root, 'data')):
    for f in files:
        paths.append(os.path.relpath(os.path.join(d, f), root).replace(os.sep, '/'))
paths.sort(key=lambda p: p.encode('utf-8'))
leaves = [hashlib.sha256(open(os.path.join(root, p), 'rb').read()).digest() for p in paths]
def mth(d):
    if len(d) == 0: return hashlib.sha256(b'').digest()
    if len(d) == 1: return hashlib.sha256(b'\\x00' + d[0]).digest()
    k = 1
    while k * 2 < len(d): k *= 2
    return hashlib.sha256(b'\\x01' + mth(d[:k]) + mth(d[k:])).digest()
print(json.dumps({"root": mth(leaves).hex(), "paths": paths}))
`;
    const r = spawnSync(python, ['-c', script, bag], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const independent = JSON.parse(r.stdout) as { root: string; paths: string[] };
    const custody = JSON.parse(readFileSync(join(bag, 'custody.json'), 'utf8'));
    expect(independent.paths).toHaveLength(FIXTURE_FILES.length);
    expect(custody.payload.merkle_root).toBe(independent.root);
    expect(custody.payload.files.map((f: { path: string }) => f.path)).toEqual(independent.paths);
  });

  it('says what defined the set, who asked, and the counts per format and conversation', () => {
    const c = JSON.parse(readFileSync(join(bag, 'custody.json'), 'utf8'));
    expect(c).toMatchObject({
      custody_version: 1,
      kind: 'ediscovery_export',
      job_id: 'job-0001',
      tenant: 'acme',
      definition: { as_of: '2026-11-30T12:00:00.000Z', filters: { words: 'merger' } },
      requested: { by: { subject: 'oidc:alice' }, at: '2026-11-30T12:00:01.000Z' },
      approved: { by: [], at: null },
      counts: { files: FIXTURE_FILES.length, messages: 5, per_conversation: [{ conversation_id: 'C1', messages: 3 }, { conversation_id: 'C2', messages: 2 }], per_format: { eml: { files: 2, messages: 5 }, jsonl: { files: 1, messages: 5 } } },
      software: { name: 'custos', version: '0.1.0' },
      signature: { algorithm: 'Ed25519', key_id: key.keyId },
    });
    expect(Object.keys(c.definition.filters)).toEqual(['conversations', 'formats', 'from', 'to', 'words']);
  });
});

describe('verifyPackage', () => {
  it('accepts the bag as a directory and as a ZIP, with the same answer', async () => {
    const zip = join(work, 'bag.zip');
    await zipBag(bag, zip, { rootName: 'job-0001', time: new Date('2026-11-30T12:05:00.000Z') });
    const fromDir = await verifyPackage(bag, { publicKey: key.publicKeyPem });
    const fromZip = await verifyPackage(zip, { publicKey: key.publicKeyPem });
    expect(fromDir).toMatchObject({ ok: true, files: FIXTURE_FILES.length, keyId: key.keyId, tenant: 'acme', jobId: 'job-0001' });
    expect(fromZip).toEqual(fromDir);
  });

  it('finds the key through the lookup by the id the package names, and refuses when it has none', async () => {
    const seen: string[] = [];
    const found = await verifyPackage(bag, { lookupKey: (id, tenant) => (seen.push(`${tenant}/${id}`), id === key.keyId ? key.publicKeyPem : undefined) });
    expect(found.ok).toBe(true);
    expect(seen).toEqual([`acme/${key.keyId}`]);
    expect(await verifyPackage(bag)).toMatchObject({ ok: false, file: 'tagmanifest-sha256.txt.sig', problem: expect.stringMatching(/no public key/) });
  });

  it('refuses a package signed by another key than the one given', async () => {
    const other = loadOrCreateSigningKey(join(work, 'data'), 'globex');
    expect(await verifyPackage(bag, { publicKey: other.publicKeyPem })).toMatchObject({ ok: false, file: 'tagmanifest-sha256.txt.sig', problem: expect.stringContaining(other.keyId) });
  });
});

describe('verifyPackage names the first bad file', () => {
  const every = () => walkFiles(bag).map((e) => e.name);
  const expectBad = async (dir: string, file: string) => {
    const r = await verifyPackage(dir, { publicKey: key.publicKeyPem });
    expect(r.ok, `${file}: ${JSON.stringify(r)}`).toBe(false);
    expect((r as { file: string }).file).toBe(file);
    return r;
  };

  it('when one byte of any file (payload or tag file) changes', async () => {
    const names = every();
    expect(names).toContain('tagmanifest-sha256.txt.sig');
    for (const [i, name] of names.entries()) {
      const copy = copyBag(bag, join(work, `byte-${i}`));
      const path = join(copy, name);
      const b = readFileSync(path);
      b[Math.floor(b.length / 2)] ^= 0x01;
      writeFileSync(path, b);
      await expectBad(copy, name);
      rmSync(copy, { recursive: true });
    }
  });

  it('when any file is removed', async () => {
    for (const [i, name] of every().entries()) {
      const copy = copyBag(bag, join(work, `gone-${i}`));
      unlinkSync(join(copy, name));
      await expectBad(copy, name);
      rmSync(copy, { recursive: true });
    }
  });

  it('when a file is added to data/, beside the tag files, or in a tag folder', async () => {
    for (const name of ['data/extra.txt', 'data/eml/C1/2026-11-25.eml', 'notes.txt', 'meta/notes.txt', 'manifest-md5.txt']) {
      const copy = copyBag(bag, join(work, 'added'));
      mkdirSync(join(copy, name, '..'), { recursive: true });
      writeFileSync(join(copy, name), 'added\n');
      const r = await expectBad(copy, name);
      expect(r).toMatchObject({ problem: expect.stringMatching(name.startsWith('data/') ? /no manifest/ : /no signature covers it/) });
    }
  });

  it('when custody.json disagrees with the files although the package is re-signed after the change', async () => {
    // What a signer with a bug (or a forger holding the key) would produce: every hash and the signature agree.
    const resign = (dir: string, edit: (c: { payload: { merkle_root: string; files: Array<{ sha256: string }> }; counts: { bytes: number } }) => void) => {
      const custody = JSON.parse(readFileSync(join(dir, 'custody.json'), 'utf8'));
      edit(custody);
      writeFileSync(join(dir, 'custody.json'), JSON.stringify(custody, null, 2) + '\n');
      for (const alg of ['sha256', 'sha512'] as const) {
        const lines = ['bag-info.txt', 'bagit.txt', 'custody.json', 'manifest-sha256.txt', 'manifest-sha512.txt'].map((n) => `${createHash(alg).update(readFileSync(join(dir, n))).digest('hex')}  ${n}\n`);
        writeFileSync(join(dir, `tagmanifest-${alg}.txt`), lines.join(''));
      }
      writeFileSync(join(dir, 'tagmanifest-sha256.txt.sig'), key.sign(readFileSync(join(dir, 'tagmanifest-sha256.txt'))));
      return dir;
    };
    const root = resign(copyBag(bag, join(work, 'resigned-root')), (c) => (c.payload.merkle_root = '0'.repeat(64)));
    expect(await verifyPackage(root, { publicKey: key.publicKeyPem })).toMatchObject({ ok: false, file: 'custody.json', problem: expect.stringMatching(/^Merkle root 0{64} is not the root/) });
    const hash = resign(copyBag(bag, join(work, 'resigned-hash')), (c) => (c.payload.files[0]!.sha256 = 'f'.repeat(64)));
    expect(await verifyPackage(hash, { publicKey: key.publicKeyPem })).toMatchObject({ ok: false, file: 'custody.json', problem: expect.stringMatching(/gives another SHA-256 for data\//) });
    const counts = resign(copyBag(bag, join(work, 'resigned-counts')), (c) => (c.counts.bytes += 1));
    expect(await verifyPackage(counts, { publicKey: key.publicKeyPem })).toMatchObject({ ok: false, file: 'custody.json', problem: expect.stringMatching(/^counts\.files and counts\.bytes/) });
  });

  it('in a ZIP as in a directory', async () => {
    const copy = copyBag(bag, join(work, 'zip-bad'));
    const f = join(copy, 'data', 'odd', 'line\nbreak.txt');
    writeFileSync(f, 'changed\n');
    const zip = join(work, 'bad.zip');
    await zipBag(copy, zip, { rootName: 'job-0001', time: new Date('2026-11-30T12:05:00.000Z') });
    const fromZip = await verifyPackage(zip, { publicKey: key.publicKeyPem });
    expect(fromZip).toEqual(await verifyPackage(copy, { publicKey: key.publicKeyPem }));
    expect(fromZip).toMatchObject({ ok: false, file: 'data/odd/line\nbreak.txt' });
  });
});

describe('determinism', () => {
  it('builds byte-identical tag files, signature and ZIP from the same inputs', async () => {
    const second = join(work, 'bag-2');
    await buildFixtureBag(second, loadOrCreateSigningKey(join(work, 'data'), 'acme'));
    for (const name of readdirSync(bag).filter((n) => n !== 'data')) {
      expect(readFileSync(join(second, name)).equals(readFileSync(join(bag, name))), name).toBe(true);
    }
    const time = new Date('2026-11-30T12:05:00.000Z');
    await zipBag(bag, join(work, 'a.zip'), { rootName: 'job-0001', time });
    await zipBag(second, join(work, 'b.zip'), { rootName: 'job-0001', time });
    expect(readFileSync(join(work, 'a.zip')).equals(readFileSync(join(work, 'b.zip')))).toBe(true);
  });

  it('writes the same ZIP in any server time zone, every entry at the creation time as UTC wall clock, bagit.txt first', async () => {
    const time = new Date('2026-03-29T01:30:00.000Z'); // a DST change in Europe: the shift must hold across it
    const before = process.env.TZ;
    const zips: Buffer[] = [];
    try {
      for (const tz of ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata']) {
        process.env.TZ = tz;
        await zipBag(bag, join(work, `tz.zip`), { rootName: 'job-0001', time });
        zips.push(readFileSync(join(work, 'tz.zip')));
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
    for (const z of zips) expect(z.equals(zips[0]!)).toBe(true);
    const zip = await yauzl.openPromise(join(work, 'tz.zip'), { lazyEntries: true });
    const entries: yauzl.Entry[] = [];
    for await (const e of zip.eachEntry()) entries.push(e);
    await zip.close();
    expect(entries[0]!.fileName).toBe('job-0001/bagit.txt');
    expect(entries).toHaveLength(FIXTURE_FILES.length + 8);
    for (const e of entries) expect(e.getLastModDate({ timezone: 'UTC', forceDosFormat: true }).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});
