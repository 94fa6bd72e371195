import { createPublicKey, verify } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDataDir } from '../../test/helpers/store.js';
import { SigningKeyError, findSigningKey, keyIdOf, loadOrCreateSigningKey, signingKeyDir, signingKeyFile } from './signing-keys.js';

const dataDir = testDataDir('signing-keys');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('tenant signing keys', () => {
  it('creates one Ed25519 key per tenant on first use, 0600 in a 0700 directory, and returns the same key after', () => {
    expect(findSigningKey(dataDir, 'acme')).toBeUndefined();
    const first = loadOrCreateSigningKey(dataDir, 'acme');
    expect(statSync(signingKeyFile(dataDir, 'acme')).mode & 0o777).toBe(0o600);
    expect(statSync(signingKeyDir(dataDir)).mode & 0o777).toBe(0o700);
    const again = loadOrCreateSigningKey(dataDir, 'acme');
    expect(again.keyId).toBe(first.keyId);
    expect(findSigningKey(dataDir, 'acme')?.publicKeyPem).toBe(first.publicKeyPem);
    expect(loadOrCreateSigningKey(dataDir, 'globex').keyId).not.toBe(first.keyId);
  });

  it('signs with raw 64-byte Ed25519 signatures that the public PEM verifies, deterministically', () => {
    const key = loadOrCreateSigningKey(dataDir, 'acme');
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    const sig = key.sign(Buffer.from('tag manifest'));
    expect(sig).toHaveLength(64);
    expect(verify(null, Buffer.from('tag manifest'), createPublicKey(key.publicKeyPem), sig)).toBe(true);
    expect(key.sign(Buffer.from('tag manifest')).equals(sig)).toBe(true);
    expect(keyIdOf(key.publicKeyPem)).toBe(key.keyId);
  });

  it('never shows the private key when the key object is logged or serialised', () => {
    const key = loadOrCreateSigningKey(dataDir, 'acme');
    const secret = readFileSync(signingKeyFile(dataDir, 'acme'), 'utf8').split('\n')[1]!;
    expect(JSON.stringify(key)).not.toContain(secret);
    expect(JSON.stringify(key)).toContain(key.keyId);
    expect(Object.values(key).join(' ')).not.toContain(secret);
  });

  it('refuses a tenant id that is not a plain file name, and a damaged key file, without quoting it', () => {
    expect(() => loadOrCreateSigningKey(dataDir, '../etc')).toThrow(SigningKeyError);
    const dir = testDataDir('signing-keys-bad');
    mkdirSync(signingKeyDir(dir), { recursive: true });
    writeFileSync(signingKeyFile(dir, 'acme'), '-----BEGIN PRIVATE KEY-----\nTOPSECRETBYTES\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
    let message = '';
    try {
      loadOrCreateSigningKey(dir, 'acme');
    } catch (err) {
      expect(err).toBeInstanceOf(SigningKeyError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/signing key of tenant acme .*cannot read/);
    expect(message).not.toContain('TOPSECRET');
    rmSync(dir, { recursive: true, force: true });
  });
});
