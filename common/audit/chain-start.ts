/**
 * Where a trimmed audit chain starts (DESIGN.md: removing old audit entries keeps the
 * chain verifiable). Retention stores, before it removes the expired start of a
 * tenant's chain, the last removed entry's seq and hash signed with the tenant's
 * Ed25519 key; `custos audit verify` checks the signature and goes on from there.
 * (checkpoint.ts is the other end: signed chain heads kept outside the store, which
 * show a removed tail.)
 */
import { createPublicKey, verify } from 'node:crypto';
import type { Store } from '../store/store.js';
import { fromStoreTime, toStoreTime } from '../events/time.js';
import { canonicalJson } from './entry.js';

export interface AuditChainStart {
  tenant: string;
  /** The last removed entry. */
  seq: number;
  hash: string;
  entryTime: string;
  createdAt: string;
  keyId: string;
  publicKeyPem: string;
  /** Ed25519 over chainStartPayload(), base64. */
  signature: string;
}

/** The bytes a checkpoint's signature covers. */
export function chainStartPayload(c: Pick<AuditChainStart, 'tenant' | 'seq' | 'hash' | 'entryTime'>): Buffer {
  return Buffer.from(canonicalJson({ kind: 'custos-audit-checkpoint', tenant: c.tenant, seq: c.seq, hash: c.hash, entry_time: c.entryTime }));
}

export function chainStartSignatureValid(c: AuditChainStart): boolean {
  try {
    return verify(null, chainStartPayload(c), createPublicKey(c.publicKeyPem), Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

export async function saveChainStart(store: Store, c: AuditChainStart): Promise<void> {
  await store.insert('audit: save chain start', 'audit_chain_starts', [{
    tenant: c.tenant, seq: c.seq, hash: c.hash, entry_time: toStoreTime(Date.parse(c.entryTime)), created_at: toStoreTime(Date.parse(c.createdAt)),
    key_id: c.keyId, public_key: c.publicKeyPem, signature: c.signature,
  }]);
}

export async function latestChainStart(store: Store, tenant: string): Promise<AuditChainStart | null> {
  const [r] = await store.query<{ seq: string; hash: string; entry_time: string; created_at: string; key_id: string; public_key: string; signature: string }>(
    'audit: latest chain start',
    'SELECT seq, hash, entry_time, created_at, key_id, public_key, signature FROM audit_chain_starts WHERE tenant = {tenant:String} ORDER BY seq DESC LIMIT 1',
    { tenant },
  );
  if (!r) return null;
  return { tenant, seq: Number(r.seq), hash: r.hash, entryTime: fromStoreTime(r.entry_time), createdAt: fromStoreTime(r.created_at), keyId: r.key_id, publicKeyPem: r.public_key, signature: r.signature };
}
