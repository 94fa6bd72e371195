/**
 * Analytics answers remembered while the data behind them does not change. A
 * dashboard asks the same few questions again and again (every manager opening it,
 * every reload), and each costs tens of milliseconds of query analysis and
 * aggregation in the store; a hit costs one read of system.parts, which the engine
 * keeps in memory.
 *
 * Exact, never stale: an entry is used only if the data is as it was when the entry was
 * computed. With the embedded store (one process holds the data directory), no write at
 * all through the store since then (Store.writeGeneration: any insert, mutation,
 * partition drop); with a ClickHouse server, every table the answers (and a manager's
 * scope) are read from has exactly the active parts it had. Any insert (events through
 * the views), retention cut, erasure (mutations waited for), backfill or settings
 * change therefore makes the next request compute afresh. The version is read BEFORE computing,
 * so rows that arrive during a computation can only make the entry look older than it
 * is, never newer.
 *
 * What is cached is the answer after the privacy floor, exactly as it is sent; the key
 * holds the tenant, the caller's effective department scope (so two callers with
 * different scopes never share an entry) and the normalized parameters.
 */
import type { Store } from '../common/store/store.js';

/** Every table an analytics answer or a manager's scope reads (users_current and memberships_current are views of admin_events). */
export const ANALYTICS_READ_TABLES = [
  'analytics_settings', 'analytics_local_time', 'analytics_person_days', 'analytics_conversation_days', 'analytics_threads',
  'analytics_calls', 'analytics_app_days', 'analytics_departments', 'admin_events',
] as const;

export interface AnswerCache {
  /** The data version now: compare it with the one an entry was computed at. */
  version(): Promise<string>;
  /** The answer for `key` at data version `version`, computed by `compute` unless remembered at that version. */
  answer<T>(version: string, key: readonly unknown[], compute: () => Promise<T>): Promise<T>;
}

/**
 * The version of the tables' data. Embedded: the process's write count (no query at
 * all: reading system.parts costs a few milliseconds of the engine's one-at-a-time
 * turn). A server, which other processes may write to: which active parts the tables
 * have (names and row counts).
 */
export async function analyticsDataVersion(store: Store): Promise<string> {
  const writes = store.writeGeneration();
  if (writes !== undefined) return `w${writes}`;
  const [row] = await store.query<{ v: string }>('analytics: data version', `
    SELECT concat(toString(groupBitXor(cityHash64(table, name, rows))), ':', toString(count()), ':', toString(sum(rows))) AS v
    FROM system.parts WHERE database = currentDatabase() AND active AND table IN {tables:Array(String)}`, { tables: [...ANALYTICS_READ_TABLES] });
  return row?.v ?? '';
}

export function createAnswerCache(store: Store, maxEntries = 2000): AnswerCache {
  const entries = new Map<string, { version: string; value: unknown }>();
  return {
    version: () => analyticsDataVersion(store),
    async answer<T>(version: string, key: readonly unknown[], compute: () => Promise<T>): Promise<T> {
      const k = JSON.stringify(key);
      const hit = entries.get(k);
      entries.delete(k);
      if (hit && hit.version === version) {
        // Most recently used last, so the oldest is evicted first.
        entries.set(k, hit);
        return structuredClone(hit.value) as T;
      }
      const value = await compute();
      entries.set(k, { version, value: structuredClone(value) });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return value;
    },
  };
}

/** A cache that remembers nothing (tests of the uncached path, a deployment that wants none). */
export const NO_ANSWER_CACHE: AnswerCache = {
  version: async () => '',
  answer: (_version, _key, compute) => compute(),
};
