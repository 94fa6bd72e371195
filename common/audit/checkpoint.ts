/**
 * Signed checkpoints of a tenant's audit chain head. A hash chain shows a changed or
 * removed entry in the middle, but deleting the newest entries leaves a shorter chain
 * that still verifies. A checkpoint (tenant, seq, hash of entry seq, time) signed with
 * the tenant's Ed25519 key (common/keys/signing-keys.ts, the key packages are signed
 * with) and kept outside the store (a directory, a Kafka topic) pins the head: a later
 * chain that ends before a checkpoint's seq lost its tail, and one whose entry at that
 * seq has another hash was rewritten. The signature makes a forged checkpoint show.
 *
 * The signed bytes are a fixed line format, not JSON, so any Ed25519 tool can check
 * them without a JSON canonicalization rule:
 *   custos-audit-checkpoint v1\n<tenant>\n<seq>\n<hash>\n<time>\n
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { TENANT_PATTERN } from '../events/schemas.js';
import { keyIdOf, type Signer } from '../keys/signing-keys.js';
import { CustosError } from '../errors.js';

export const CHECKPOINT_FORMAT = 'custos-audit-checkpoint v1';

export const checkpointSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  tenant: z.string().regex(TENANT_PATTERN),
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
  key_id: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;

export function signedBytes(c: Pick<Checkpoint, 'tenant' | 'seq' | 'hash' | 'time'>): Buffer {
  return Buffer.from(`${CHECKPOINT_FORMAT}\n${c.tenant}\n${c.seq}\n${c.hash}\n${c.time}\n`, 'utf8');
}

export async function signCheckpoint(head: { tenant: string; seq: number; hash: string }, signer: Signer, now = new Date()): Promise<Checkpoint> {
  const body = { tenant: head.tenant, seq: head.seq, hash: head.hash, time: now.toISOString() };
  const signature = Buffer.from(await signer.sign(signedBytes(body))).toString('base64');
  return { format: CHECKPOINT_FORMAT, ...body, key_id: signer.keyId, signature };
}

/** Why a checkpoint cannot be trusted, or undefined when its signature holds under `publicKey`. */
export function checkpointProblem(c: Checkpoint, publicKey: KeyObject | string): string | undefined {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (c.key_id !== keyIdOf(key)) return `checkpoint ${c.tenant}#${c.seq} names key ${c.key_id}, not the tenant's key ${keyIdOf(key)}`;
  const ok = verifySignature(null, signedBytes(c), key, Buffer.from(c.signature, 'base64'));
  return ok ? undefined : `checkpoint ${c.tenant}#${c.seq} has a signature that does not verify (forged or altered)`;
}

/** Parses one checkpoint (a file, a Kafka record); throws a one-line error naming what is wrong. */
export function parseCheckpoint(text: string, where: string): Checkpoint {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CheckpointFormatError(where, 'is not JSON');
  }
  const r = checkpointSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CheckpointFormatError(where, `${issue.path.join('.') || 'checkpoint'}: ${issue.message}`);
  }
  return r.data;
}

export class CheckpointFormatError extends CustosError {
  constructor(readonly where: string, problem: string) {
    super(`${where}: not a Custos audit checkpoint (${problem})`);
  }
}
