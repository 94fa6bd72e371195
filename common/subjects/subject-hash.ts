/**
 * The keyed subject hash (DESIGN.md rule 4): how Custos names an erased person from
 * then on, in the erased-subjects list, the erasure certificate and the request
 * itself. HMAC-SHA256 under a per-tenant secret kept in the store (`secret_keys`,
 * like the audit pseudonym key, common/audit/keys.ts), so every instance on the same
 * store computes the same hashes and nobody can test a guessed name or e-mail
 * against the list without the key. The key is never logged nor returned.
 *
 * Identifiers are normalized before hashing, by kind: user ids as they are (ids are
 * case-sensitive), e-mails and display names lower-cased with blanks collapsed, so
 * "Ada  Lovelace" in a message and "ada lovelace" in the directory hash alike.
 */
import { createHmac } from 'node:crypto';
import type { Store } from '../store/store.js';
import { loadOrCreateStoreKey } from '../audit/keys.js';
import type { SubjectIdentifiers } from './subject-request.js';

/** `message`: a message of the erased person (`conversation_id \u0000 message_id`), so rows that only point at it (another's reaction, a deletion mark) are not stored again. */
export type IdentifierKind = 'user' | 'email' | 'name' | 'message';

export interface SubjectHasher {
  /** `sh_` + 43 base64url characters of HMAC-SHA256(tenant key, kind + normalized identifier). */
  hashOf(kind: IdentifierKind, identifier: string): string;
  /** The one hash that names the person: over every identifier, sorted (stable whatever order the resolver found them in). */
  subjectHashOf(ids: SubjectIdentifiers): string;
}

export const SUBJECT_HASH_PATTERN = /^sh_[A-Za-z0-9_-]{43}$/;

export function normalizeIdentifier(kind: IdentifierKind, identifier: string): string {
  return kind === 'user' || kind === 'message' ? identifier : identifier.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export function subjectHasher(key: Buffer): SubjectHasher {
  const mac = (s: string) => 'sh_' + createHmac('sha256', key).update(s, 'utf8').digest('base64url');
  const hashOf = (kind: IdentifierKind, identifier: string) => mac(`${kind}\u0000${normalizeIdentifier(kind, identifier)}`);
  return {
    hashOf,
    subjectHashOf(ids) {
      const all = [
        ...ids.userIds.map((x) => hashOf('user', x)), ...ids.emails.map((x) => hashOf('email', x)), ...ids.displayNames.map((x) => hashOf('name', x)),
      ].sort();
      return mac(`subject\u0000${[...new Set(all)].join(',')}`);
    },
  };
}

/** Store key name per tenant: one tenant's hashes say nothing about another's. */
export const subjectKeyName = (tenant: string) => `subject_hash_v1:${tenant}`;

export async function loadSubjectHasher(store: Store, tenant: string): Promise<SubjectHasher> {
  return subjectHasher(await loadOrCreateStoreKey(store, subjectKeyName(tenant)));
}

/** Every identifier of the person with its kind, for the erased-subjects list. */
export function identifierEntries(ids: SubjectIdentifiers): Array<{ kind: IdentifierKind; value: string }> {
  return [
    ...ids.userIds.map((value) => ({ kind: 'user' as const, value })),
    ...ids.emails.map((value) => ({ kind: 'email' as const, value })),
    ...ids.displayNames.map((value) => ({ kind: 'name' as const, value })),
  ].filter((e) => e.value.trim() !== '');
}
