/**
 * One Ed25519 signing key per tenant, used by every part that signs for a tenant
 * (export packages in reports/, audit checkpoints in common/audit/), kept beside the data (like the session key,
 * api/auth/session.ts): `<dataDir>/keys/signing/<tenant>.pem`, PKCS#8 PEM, mode 0600
 * in a 0700 directory. Created on first use. The private key never leaves this
 * module: callers get a signer, the public key and its id.
 *
 * A deployment with several instances on one ClickHouse server needs the key shared
 * through the store instead (docs/packages.md, "Keys"); the Signer interface is what
 * the bag writer depends on, so that is a second loader, not a second signer.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TENANT_PATTERN } from '../events/schemas.js';
import { CustosError, errorMessage } from '../errors.js';

/** A tenant's signing key cannot be read or created. Never carries key material. */
export class SigningKeyError extends CustosError {
  constructor(
    readonly tenant: string,
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`signing key of tenant ${tenant} (${file}): ${problem}`, options);
  }
}

/** What signs a package or a checkpoint: the bag writer needs nothing more. */
export interface Signer {
  /** First 16 hex digits of SHA-256 over the public key's SubjectPublicKeyInfo DER. */
  readonly keyId: string;
  /** Raw 64-byte Ed25519 signature (RFC 8032) over `data`; may be async, for a KMS or HSM. */
  sign(data: Buffer): Buffer | Promise<Buffer>;
}

export interface TenantSigningKey extends Signer {
  readonly tenant: string;
  readonly algorithm: 'Ed25519';
  /** SubjectPublicKeyInfo PEM, as `openssl pkeyutl -verify -pubin -inkey` reads it. */
  readonly publicKeyPem: string;
  sign(data: Buffer): Buffer;
}

export function signingKeyDir(dataDir: string): string {
  return join(resolve(dataDir), 'keys', 'signing');
}

export function signingKeyFile(dataDir: string, tenant: string): string {
  assertTenant(tenant);
  return join(signingKeyDir(dataDir), `${tenant}.pem`);
}

/** The id of a public key (any form node:crypto accepts): first 16 hex of SHA-256 over its SPKI DER. */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** The tenant's key, created (atomically, race-free across processes) when it does not exist yet. */
export function loadOrCreateSigningKey(dataDir: string, tenant: string): TenantSigningKey {
  const file = signingKeyFile(dataDir, tenant);
  if (!existsSync(file)) createKeyFile(tenant, dataDir, file);
  return readSigningKey(tenant, file, true);
}

/** The tenant's key if it exists; never creates one (for verifiers, which must not change the data dir). */
export function findSigningKey(dataDir: string, tenant: string): TenantSigningKey | undefined {
  if (!TENANT_PATTERN.test(tenant)) return undefined;
  const file = signingKeyFile(dataDir, tenant);
  return existsSync(file) ? readSigningKey(tenant, file, false) : undefined;
}

function assertTenant(tenant: string): void {
  // The tenant becomes a file name: the pattern keeps it inside the key directory.
  if (!TENANT_PATTERN.test(tenant)) throw new SigningKeyError(tenant, '(none)', 'not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})');
}

function createKeyFile(tenant: string, dataDir: string, file: string): void {
  const dir = signingKeyDir(dataDir);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    // Written whole under a private name, then linked into place: a reader never sees
    // a partial file, and of two processes creating the key at once the first link wins.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      writeFileSync(tmp, pem, { mode: 0o600, flag: 'wx' });
      linkSync(tmp, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      // Some network file systems have no hard links; exclusive create still lets only one process win.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } finally {
      rmSync(tmp, { force: true });
    }
  } catch (err) {
    throw new SigningKeyError(tenant, file, `cannot create: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`, { cause: err });
  }
}

function readSigningKey(tenant: string, file: string, tightenMode: boolean): TenantSigningKey {
  let privateKey: KeyObject;
  try {
    if (tightenMode) chmodSync(file, 0o600);
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  } catch (err) {
    // The parser's message may quote the file; only the error code is passed on.
    throw new SigningKeyError(tenant, file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? 'not a PEM private key'}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(tenant, file, `holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  }
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  return Object.freeze({
    tenant,
    algorithm: 'Ed25519' as const,
    keyId,
    publicKeyPem,
    sign: (data: Buffer) => sign(null, data, privateKey),
    toJSON: () => ({ tenant, algorithm: 'Ed25519', keyId, publicKeyPem }),
  });
}
