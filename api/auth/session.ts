/**
 * The session key and the sealed login cookie. The browser session itself is kept
 * server-side (session-store.ts): its cookie holds only a random id. What is sealed
 * here (JWE, dir + A256GCM) is the short-lived `custos_login` cookie that carries the
 * PKCE verifier, state, nonce and return path between /auth/login and
 * /auth/callback; the same key also signs pagination cursors (api/app.ts).
 */
import { EncryptJWT, jwtDecrypt } from 'jose';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../common/errors.js';

export const SESSION_COOKIE = 'custos_session';
export const LOGIN_COOKIE = 'custos_login';

/** The session key: CUSTOS_SESSION_KEY, or one generated once and kept (mode 0600) in the data directory. */
export function loadSessionKey(configured: string | undefined, dataDir: string): Uint8Array {
  if (configured) return Buffer.from(configured, 'base64url').subarray(0, 32);
  const dir = resolve(dataDir);
  const file = join(dir, 'session.key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (key.length < 32) throw new ConfigError('CUSTOS_SESSION_KEY', `${file} holds fewer than 32 bytes; delete it to generate a new one`);
  return key.subarray(0, 32);
}

export class SealedCookies {
  constructor(private readonly key: Uint8Array) {}

  async seal(payload: Record<string, unknown>, ttlS: number, purpose: string): Promise<string> {
    return new EncryptJWT({ ...payload, purpose })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt()
      .setExpirationTime(`${ttlS}s`)
      .encrypt(this.key);
  }

  /** The payload, or undefined when the cookie is missing, forged, expired or made for another purpose. */
  async open(value: string | undefined, purpose: string): Promise<Record<string, unknown> | undefined> {
    if (!value) return undefined;
    try {
      const { payload } = await jwtDecrypt(value, this.key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      return payload.purpose === purpose ? (payload as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
}
