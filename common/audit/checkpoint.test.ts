import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyIdOf } from '../keys/signing-keys.js';
import { checkpointProblem, parseCheckpoint, signCheckpoint, signedBytes } from './checkpoint.js';

const keys = generateKeyPairSync('ed25519');
const signer = { keyId: keyIdOf(keys.publicKey), sign: (d: Buffer) => sign(null, d, keys.privateKey) };
const head = { tenant: 'acme', seq: 42, hash: 'c'.repeat(64) };

describe('audit checkpoints', () => {
  it('round-trips through JSON and verifies under the signing key only', async () => {
    const c = await signCheckpoint(head, signer, new Date('2026-12-07T12:00:00.000Z'));
    expect(c).toMatchObject({ format: 'custos-audit-checkpoint v1', ...head, time: '2026-12-07T12:00:00.000Z', key_id: signer.keyId });
    const parsed = parseCheckpoint(JSON.stringify(c), 'x.json');
    expect(checkpointProblem(parsed, keys.publicKey)).toBeUndefined();
    expect(signedBytes(parsed).toString()).toBe(`custos-audit-checkpoint v1\nacme\n42\n${'c'.repeat(64)}\n2026-12-07T12:00:00.000Z\n`);
    for (const change of [{ seq: 43 }, { hash: 'd'.repeat(64) }, { tenant: 'globex' }, { time: '2026-12-07T12:00:00.001Z' }]) {
      expect(checkpointProblem({ ...parsed, ...change }, keys.publicKey), JSON.stringify(change)).toMatch(/does not verify/);
    }
    expect(checkpointProblem(parsed, generateKeyPairSync('ed25519').publicKey)).toMatch(/not the tenant's key/);
  });

  it('refuses what is not a checkpoint with one line naming the place and the field', async () => {
    const c = await signCheckpoint(head, signer);
    expect(() => parseCheckpoint('{', 'a.json')).toThrow(/^a\.json: not a Custos audit checkpoint \(is not JSON\)$/);
    expect(() => parseCheckpoint(JSON.stringify({ ...c, hash: 'short' }), 'b.json')).toThrow(/^b\.json: .*hash/);
    expect(() => parseCheckpoint(JSON.stringify({ ...c, extra: 1 }), 'c.json')).toThrow(/^c\.json: /);
    expect(() => parseCheckpoint(JSON.stringify({ ...c, tenant: '../x' }), 'd.json')).toThrow(/tenant/);
  });
});
