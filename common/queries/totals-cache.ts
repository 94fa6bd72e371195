/**
 * Exact totals of searches, remembered while the archive does not change. A total
 * is the costliest part of a search that pages through many matches (every page of
 * the same filters counts the same set again) and of a search repeated by several
 * people. It stays exact: an entry is used only if the tables a search reads have
 * exactly the parts they had before it was counted (any insert, merge, mutation or
 * lightweight delete makes new parts), read from system.parts, which the engine keeps
 * in memory. The archive version is read BEFORE counting, so rows that arrive during a
 * count can only make the entry look older than it is, never newer.
 */
import type { Store } from '../store/store.js';

export interface TotalsCache {
  /** The total for `key`, counted by `count` unless the archive is unchanged since it was last counted. */
  total(key: string, count: () => Promise<number>): Promise<number>;
}

const TABLES = ['message_versions', 'message_deletions', 'reactions', 'admin_events', 'message_edit_keys', 'message_author_keys', 'restricted_records'];

export function createTotalsCache(store: Store, maxEntries = 2000): TotalsCache {
  const entries = new Map<string, { version: string; total: number }>();
  const version = async (): Promise<string> => {
    const [row] = await store.query<{ v: string }>('search: archive version', `
      SELECT concat(toString(groupBitXor(cityHash64(table, name))), ':', toString(count())) AS v
      FROM system.parts WHERE database = currentDatabase() AND active AND table IN {tables:Array(String)}`, { tables: TABLES });
    return row?.v ?? '';
  };
  return {
    async total(key, count) {
      const v = await version();
      const hit = entries.get(key);
      if (hit && hit.version === v) {
        // Most recently used last, so the oldest is evicted first.
        entries.delete(key);
        entries.set(key, hit);
        return hit.total;
      }
      const total = await count();
      entries.delete(key);
      entries.set(key, { version: v, total });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return total;
    },
  };
}

/** The cache key of a count: its SQL and the values of the parameters it names (the cursor and page size are not in a count). */
export function totalKey(sql: string, params: Record<string, unknown>): string {
  const names = [...new Set([...sql.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*):/g)].map((m) => m[1]!))].sort();
  return JSON.stringify([sql, names.map((n) => [n, params[n]])]);
}
