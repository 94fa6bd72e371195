/**
 * Review sampling: which matching messages go to the queue. A keyed hash of the
 * message (HMAC-SHA256 with the policy version's seed, over tenant and message id)
 * is read as a number in [0, 1); the message is in the sample when that number is
 * below the percentage. So the same seed picks the same messages, at ingest, in a
 * backtest or on a replay, and an edit of a sampled message is sampled too.
 */
import { createHmac, randomBytes } from 'node:crypto';

export function newSamplingSeed(): string {
  return randomBytes(16).toString('base64url');
}

/** The message's position in [0, 1) under `seed`. */
export function samplingPoint(seed: string, tenant: string, messageId: string): number {
  const digest = createHmac('sha256', seed).update(tenant).update('\u0000').update(messageId).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

export function isSampled(percent: number, seed: string, tenant: string, messageId: string): boolean {
  if (percent >= 100) return true;
  return samplingPoint(seed, tenant, messageId) < percent / 100;
}
