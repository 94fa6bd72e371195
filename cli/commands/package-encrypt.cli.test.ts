/**
 * `custos package encrypt` as a real child process, checked with an independent
 * tool: the Debian `age` binary (scripts/test-prerequisites.sh installs it) makes the
 * identity and decrypts; the decrypted ZIP is byte for byte the package and still
 * verifies with `custos package verify`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli.js';
import { buildFixtureBag } from '../../test/helpers/package-fixture.js';
import { testDataDir } from '../../test/helpers/store.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { zipBag } from '../../reports/packages/zip.js';

const work = testDataDir('cli-package-encrypt');
const env = { CUSTOS_DATA_DIR: join(work, 'data') };
const zip = join(work, 'bag.zip');

/** The age tools must be installed (scripts/test-prerequisites.sh): this test is about an independent decryptor. */
function age(args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync(args[0]!, args.slice(1), { ...(input ? { input } : {}), stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${args[0]} is not installed: run scripts/test-prerequisites.sh (Debian: apt-get install age)`);
    throw err;
  }
}

function identity(name: string): { file: string; recipient: string } {
  const file = join(work, `${name}.key`);
  age(['age-keygen', '-o', file]);
  return { file, recipient: age(['age-keygen', '-y', file]).toString().trim() };
}

beforeAll(async () => {
  await buildFixtureBag(join(work, 'bag'), loadOrCreateSigningKey(env.CUSTOS_DATA_DIR, 'acme'));
  await zipBag(join(work, 'bag'), zip, { rootName: 'job-0001', time: new Date('2026-12-07T12:00:00Z') });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('custos package encrypt', () => {
  it('encrypts for several recipients; each decrypts with the age tool to the same bytes, which still verify', () => {
    const dpo = identity('dpo');
    const counsel = identity('counsel');
    const outsider = identity('outsider');
    const out = join(work, 'bag.zip.age');
    const r = runCli(['package', 'encrypt', zip, '--recipient', dpo.recipient, '--recipient', counsel.recipient, '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { id: string; bytes: number; recipients: string[] };
    expect(summary).toMatchObject({ id: out, recipients: [dpo.recipient, counsel.recipient] });
    const sealed = readFileSync(out);
    expect(summary.bytes).toBe(sealed.length);
    expect(sealed.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    // The package's own bytes are not in the file: the ZIP's central directory names the payload.
    expect(sealed.includes(Buffer.from('bagit.txt'))).toBe(false);
    for (const who of [dpo, counsel]) {
      const plain = age(['age', '-d', '-i', who.file, out]);
      expect(plain.equals(readFileSync(zip)), who.file).toBe(true);
      const decrypted = join(work, `decrypted-${who.recipient.slice(-6)}.zip`);
      writeFileSync(decrypted, plain);
      const v = runCli(['package', 'verify', decrypted], env);
      expect(v.status, v.stderr).toBe(0);
    }
    expect(() => age(['age', '-d', '-i', outsider.file, out])).toThrow();
  });

  it('refuses a bad recipient, an existing output and a missing input with one line each', () => {
    const cases: Array<[string[], RegExp]> = [
      [['package', 'encrypt', zip, '--recipient', 'ssh-rsa AAAA'], /--recipient "ssh-rsa AAAA": is not an age recipient/],
      [['package', 'encrypt', zip, '--recipient', 'age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'], /--recipient "age1q+": refused by age/],
      [['package', 'encrypt', zip, '--recipient', identity('x').recipient, '--out', zip], /--out: .* exists/],
      [['package', 'encrypt', join(work, 'nope.zip'), '--recipient', identity('y').recipient], /nope\.zip: no such file/],
    ];
    for (const [args, pattern] of cases) {
      const r = runCli(args, env);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(pattern);
    }
  });
});
