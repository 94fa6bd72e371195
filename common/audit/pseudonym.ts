/**
 * Keyed pseudonyms for audit subjects. The audit chain stores HMAC-SHA256(key,
 * subject) instead of the subject, and audit_subjects maps the pseudonym back to a
 * person. Erasing a person removes that mapping row; the chain, which never held the
 * name, still verifies. Without the key a pseudonym cannot be linked to a subject
 * id by guessing, because the key never leaves the store.
 */
import { createHmac } from 'node:crypto';
import type { Store } from '../store/store.js';
import { loadOrCreateStoreKey } from './keys.js';

export interface Pseudonymizer {
  refOf(subject: string): string;
}

export function pseudonymizer(key: Buffer): Pseudonymizer {
  return {
    refOf(subject: string): string {
      return 'sr_' + createHmac('sha256', key).update(subject, 'utf8').digest('base64url').slice(0, 32);
    },
  };
}

export async function loadPseudonymizer(store: Store): Promise<Pseudonymizer> {
  return pseudonymizer(await loadOrCreateStoreKey(store, 'audit_pseudonym_v1'));
}

/** Pseudonym references are opaque strings of this form; anything else is refused before it reaches SQL. */
export const SUBJECT_REF_PATTERN = /^sr_[A-Za-z0-9_-]{32}$/;
