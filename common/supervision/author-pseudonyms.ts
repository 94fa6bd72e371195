/**
 * Authors in the review queue's list are pseudonymized, as Purview does: the same
 * author is the same pseudonym across items (a reviewer can see that one person
 * has ten flags) without being named until a reviewer opens an item. The pseudonym
 * is an HMAC of tenant and user id under a key kept in the store (secret_keys), so
 * it cannot be reversed by hashing a guessed id.
 */
import { createHmac } from 'node:crypto';
import type { Store } from '../store/store.js';
import { loadOrCreateStoreKey } from '../audit/keys.js';

export type AuthorPseudonym = (tenant: string, authorId: string) => string;

export async function loadAuthorPseudonyms(store: Store): Promise<AuthorPseudonym> {
  const key = await loadOrCreateStoreKey(store, 'supervision_author_v1');
  return (tenant, authorId) => 'author_' + createHmac('sha256', key).update(`${tenant}\u0000${authorId}`).digest('base64url').slice(0, 16);
}
