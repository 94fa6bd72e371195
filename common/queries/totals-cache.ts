/**
 * Exact totals of searches, remembered while the archive does not change. A total
 * is the costliest part of a search that pages through many matches (every page of
 * the same filters counts the same set again) and of a search repeated by several
 * people: a common word's exact total reads the text index's postings of every match
 * (40-60 ms at 1M messages).
 *
 * Exact, never stale: an entry is used only if the data is as it was when it was
 * counted. Embedded store (one process holds the data directory): no write at all
 * through the store since (Store.writeGeneration: any insert, mutation, partition
 * drop, so a new event, an erasure or its restriction, a retention cut), at no cost
 * (no query in the engine's one-at-a-time turn). A ClickHouse server, which other
 * processes may write to: the same active parts (names and rows) in every table but
 * the side-effect ones, read from system.parts. The version is read BEFORE counting,
 * so rows that arrive during a count can only make the entry look older than it is,
 * never newer.
 *
 * The key (totalKey) is the tenant, the caller's restriction context (the holds whose
 * restricted records the caller may see), the count's SQL and the values of every
 * parameter it names (the restricted keys and matching edits looked up for it
 * included): two callers share an entry only when the store would give them the same
 * answer. Message search has no other per-caller scope: a token of the tenant with
 * messages:read reads the tenant's whole archive.
 */
import { SIDE_EFFECT_TABLES, type Store } from '../store/store.js';
import { partsDigestSql } from '../store/parts-digest.js';
import { LruMap } from '../lru-map.js';

export interface TotalsCache {
  /** The total for `key`, counted by `count` unless the archive is unchanged since it was last counted. */
  total(key: string, count: () => Promise<number>): Promise<number>;
  /**
   * Any other answer a search computes from the archive alone before it counts (the
   * matching edits and restricted messages of a word search, the words a prefix
   * stands for), on the same terms: reused only while nothing was written. The value
   * is not copied: callers must not change it.
   */
  remember<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/** The data version: the embedded write count, or a digest of a server's active parts. */
export async function archiveVersion(store: Store): Promise<string> {
  const writes = store.writeGeneration();
  if (writes !== undefined) return `w${writes}`;
  const [row] = await store.query<{ v: string }>('search: archive version', `
    SELECT (${partsDigestSql('table NOT IN {side:Array(String)}')}) AS v`, { side: [...SIDE_EFFECT_TABLES] });
  return row?.v ?? '';
}

export function createTotalsCache(store: Store, maxEntries = 2000): TotalsCache {
  const entries = new LruMap<string, { version: string; value: unknown }>(maxEntries);
  const remember = async <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    const v = await archiveVersion(store);
    const hit = entries.get(key);
    if (hit && hit.version === v) return hit.value as T;
    const value = await compute();
    entries.set(key, { version: v, value });
    return value;
  };
  return { total: (key, count) => remember(`total:${key}`, count), remember };
}

/**
 * The cache key of a count: the tenant and the visible holds always (even where the
 * SQL does not name them), its SQL and the values of the parameters it names (the
 * cursor and page size are not in a count).
 */
export function totalKey(sql: string, params: Record<string, unknown>): string {
  const names = [...new Set([...sql.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*):/g)].map((m) => m[1]!))].sort();
  return JSON.stringify([params.tenant, params.visible_holds ?? [], sql, names.map((n) => [n, params[n]])]);
}
