/**
 * The erased-subjects list (DESIGN.md rule 4) in the store, and the in-memory view of
 * it that ingest and the importers consult per event: a set of keyed hashes per
 * tenant, refreshed from the store at most every `refreshMs`, so the per-event cost
 * is a map lookup for tenants nobody was erased in, and a few HMACs for the others.
 */
import type { Store } from '../store/store.js';
import type { SubjectIdentifiers } from './subject-request.js';
import { identifierEntries, loadSubjectHasher, normalizeIdentifier, type SubjectHasher } from './subject-hash.js';

export interface ErasedEntry { hash: string; kind: string; words: number }

/** Adds every identifier of the person to the list (idempotent: the table keeps one row per hash). */
export async function addErasedSubject(store: Store, tenant: string, requestId: string, hasher: SubjectHasher, ids: SubjectIdentifiers): Promise<number> {
  const subjectHash = hasher.subjectHashOf(ids);
  const rows = identifierEntries(ids).map((e) => ({
    tenant, hash: hasher.hashOf(e.kind, e.value), kind: e.kind,
    words: e.kind === 'name' ? normalizeIdentifier('name', e.value).split(' ').length : 0, subject_hash: subjectHash, request_id: requestId,
  }));
  if (rows.length > 0) await store.insert('erasure: add erased subject', 'erased_subjects', rows);
  return rows.length;
}

/** The person's messages join the list too (keyed hashes of conversation and message id), so replies to them cannot bring rows back. */
export async function addErasedMessages(store: Store, tenant: string, requestId: string, hasher: SubjectHasher, subjectHash: string, keys: ReadonlyArray<{ conversation_id: string; message_id: string }>): Promise<void> {
  for (let i = 0; i < keys.length; i += 10_000) {
    const rows = keys.slice(i, i + 10_000).map((k) => ({
      tenant, hash: hasher.hashOf('message', messageKey(k.conversation_id, k.message_id)), kind: 'message', words: 0, subject_hash: subjectHash, request_id: requestId,
    }));
    await store.insert('erasure: add erased messages', 'erased_subjects', rows);
  }
}

export const messageKey = (conversationId: string, messageId: string) => `${conversationId}\u0000${messageId}`;

export async function readErasedEntries(store: Store, tenant: string): Promise<ErasedEntry[]> {
  const rows = await store.query<{ hash: string; kind: string; words: number | string }>('erasure: erased subjects',
    'SELECT DISTINCT hash, kind, words FROM erased_subjects WHERE tenant = {tenant:String}', { tenant });
  return rows.map((r) => ({ hash: r.hash, kind: r.kind, words: Number(r.words) }));
}

/** What ingest needs of one tenant's list. */
export interface TenantErased {
  hasher: SubjectHasher;
  users: ReadonlySet<string>;
  /** Messages of erased people (message hashes). */
  messages: ReadonlySet<string>;
  /** E-mails and names share one set: both are looked for in text. */
  texts: ReadonlySet<string>;
  /** Word counts of erased names (ingest hashes word windows of these lengths only). */
  nameWords: readonly number[];
  /** The pseudonym that replaces an erased person in others' records, by the hash of any of their identifiers. */
  pseudonymOf(hash: string): string;
}

export interface ErasedSubjectsView {
  /** The tenant's erased set, or undefined when nobody was erased there (the common case, one map lookup). */
  forTenant(tenant: string): Promise<TenantErased | undefined>;
  /** Forget cached sets (after an erasure in this process). */
  invalidate(tenant?: string): void;
}

/** The pseudonym that replaces an erased person's ids and names: the same for every table and every later event. */
export const erasedPseudonym = (subjectHash: string) => `erased-${subjectHash.slice(3, 15)}`;

export function erasedSubjectsView(store: Store, o: { refreshMs?: number } = {}): ErasedSubjectsView {
  const refreshMs = o.refreshMs ?? 10_000;
  const cache = new Map<string, { at: number; value: Promise<TenantErased | undefined> }>();
  async function load(tenant: string): Promise<TenantErased | undefined> {
    const rows = await store.query<{ hash: string; kind: string; words: number | string; subject_hash: string }>('erasure: erased subjects',
      'SELECT hash, any(kind) AS kind, any(words) AS words, any(subject_hash) AS subject_hash FROM erased_subjects WHERE tenant = {tenant:String} GROUP BY hash', { tenant });
    if (rows.length === 0) return undefined;
    const hasher = await loadSubjectHasher(store, tenant);
    const pseudonyms = new Map(rows.map((r) => [r.hash, erasedPseudonym(r.subject_hash)]));
    return {
      hasher,
      users: new Set(rows.filter((r) => r.kind === 'user').map((r) => r.hash)),
      messages: new Set(rows.filter((r) => r.kind === 'message').map((r) => r.hash)),
      texts: new Set(rows.filter((r) => r.kind === 'email' || r.kind === 'name').map((r) => r.hash)),
      nameWords: [...new Set(rows.filter((r) => r.kind === 'name').map((r) => Number(r.words)))].sort((a, b) => a - b),
      pseudonymOf: (h) => pseudonyms.get(h) ?? 'erased',
    };
  }
  return {
    forTenant(tenant) {
      const hit = cache.get(tenant);
      if (hit && Date.now() - hit.at < refreshMs) return hit.value;
      const value = load(tenant);
      cache.set(tenant, { at: Date.now(), value });
      // A failed read is not cached: the next event tries again.
      value.catch(() => cache.delete(tenant));
      return value;
    },
    invalidate(tenant) {
      if (tenant === undefined) cache.clear();
      else cache.delete(tenant);
    },
  };
}
