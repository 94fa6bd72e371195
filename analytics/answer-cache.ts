/**
 * Analytics answers remembered while the data behind them does not change, or changed
 * only by events being appended, for a bounded time. A dashboard asks the same few
 * questions again and again (every manager opening it, every reload), and each costs
 * tens of milliseconds of query analysis and aggregation in the store.
 *
 * Two versions of the data are compared with the one an entry was computed at:
 * - `full`: any write at all that an answer may read (embedded: Store.writeGeneration;
 *   a server: the active parts of the tables read). Unchanged, the entry is exact.
 * - `exact`: every change except events appended by ingest or an import (inserts
 *   into APPENDED_TABLES): retention cuts, erasures, restrictions, backfills (all
 *   commands), directory events (admin_events: departments, managers, memberships)
 *   and settings. Unchanged while `full` moved, only events were added since, and the
 *   entry may still be used for `maxStalenessMs` after the data it was computed from
 *   (`asOf`). A removal is never served stale: erasure, retention and restriction
 *   always move `exact`.
 * Each answer says how fresh it is (`asOf`: every event stored by then is counted).
 * The versions are read BEFORE computing, so rows that arrive during a computation can
 * only make the entry look older than it is, never newer.
 *
 * What is cached is the answer after the privacy floor, exactly as it is sent; the key
 * holds the tenant, the caller's effective department scope (so two callers with
 * different scopes never share an entry) and the normalized parameters.
 */
import type { Store } from '../common/store/store.js';
import { partsDigestSql } from '../common/store/parts-digest.js';
import { LruMap } from '../common/lru-map.js';

/** Every table an analytics answer or a manager's scope reads (users_current and memberships_current are views of admin_events). */
export const ANALYTICS_READ_TABLES = [
  'analytics_settings', 'analytics_local_time', 'analytics_person_days', 'analytics_conversation_days', 'analytics_threads',
  'analytics_calls', 'analytics_app_days', 'analytics_departments', 'admin_events',
] as const;

/**
 * Tables whose inserts only add events (ingest's writer, importers): through the
 * materialized views they add rows to the analytics tables, which a bounded staleness
 * may leave out for a while. admin_events is not among them: a directory change moves
 * people between departments and scopes, and is seen at once. `event_ids` is
 * ingest's de-duplication table. answer-cache.integration.test.ts checks that every
 * table a materialized view reads is here or in EXACT_INSERT_TABLES.
 */
export const APPENDED_TABLES: ReadonlySet<string> = new Set(['message_versions', 'message_deletions', 'reactions', 'calls', 'app_invocations', 'event_ids']);

/** Tables whose inserts change answers in ways that are never served stale (directory, settings, restrictions, rows written straight into analytics tables). */
export const EXACT_INSERT_TABLES: ReadonlySet<string> = new Set([...ANALYTICS_READ_TABLES, 'analytics_thread_roots', 'restricted_records', 'erased_subjects']);

export interface DataVersion {
  full: string;
  exact: string;
  /** When the versions were read (ms since the epoch): the data an answer computed now is computed from is at least this recent. */
  at: number;
}

export interface Answer<T> {
  value: T;
  /** Every event stored by this time is counted in `value` (ms since the epoch). */
  asOf: number;
}

export interface AnswerCache {
  /** The data version now: compare it with the one an entry was computed at. */
  version(): Promise<DataVersion>;
  /** The answer for `key` at data version `version`, computed by `compute` unless remembered and fresh enough. */
  answer<T>(version: DataVersion, key: readonly unknown[], compute: () => Promise<T>): Promise<Answer<T>>;
}

export interface AnswerCacheOptions {
  /** How long after its data an answer may be used while only events were appended (0: exact, any write recomputes). */
  maxStalenessMs?: number;
  maxEntries?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

/** Embedded: writes the answers can see, without the appended events' inserts. */
function exactWrites(store: Store): number | undefined {
  const byTable = store.writesByTable();
  if (!byTable) return undefined;
  let n = 0;
  // Commands on any table count (a DDL or mutation naming no known table too); inserts only into the exact tables.
  for (const [table, w] of byTable) n += w.commands + (EXACT_INSERT_TABLES.has(table) ? w.inserts : 0);
  return n;
}

/**
 * The versions of the tables' data. Embedded: the process's write counts (no query at
 * all: reading system.parts costs a few milliseconds of the engine's one-at-a-time
 * turn). A server, which other processes may write to: `full` is which active parts
 * the tables have (names and row counts); `exact` is the active parts of the directory
 * and settings tables, every mutation of the tables read (erasure, row-path retention,
 * backfill's delete: names) and which partitions they have (a partition dropped by
 * retention disappears; merges and appends never remove one).
 */
export async function analyticsDataVersion(store: Store, now: number = Date.now()): Promise<DataVersion> {
  const writes = store.writeGeneration();
  if (writes !== undefined) return { full: `w${writes}`, exact: `x${exactWrites(store)}`, at: now };
  const [row] = await store.query<{ full: string; exact: string }>('analytics: data version', `
    SELECT
      (${partsDigestSql('table IN {tables:Array(String)}')}) AS full,
      concat(
        (SELECT toString(groupBitXor(cityHash64(table, name, rows))) FROM system.parts
         WHERE database = currentDatabase() AND active AND table IN {exactTables:Array(String)}), ':',
        (SELECT toString(groupBitXor(cityHash64(table, mutation_id))) FROM system.mutations
         WHERE database = currentDatabase() AND table IN {tables:Array(String)}), ':',
        (SELECT toString(groupBitXor(cityHash64(table, partition_id))) FROM (SELECT DISTINCT table, partition_id FROM system.parts
         WHERE database = currentDatabase() AND active AND table IN {tables:Array(String)}))) AS exact`,
  { tables: [...ANALYTICS_READ_TABLES], exactTables: ['analytics_settings', 'analytics_local_time', 'analytics_departments', 'admin_events'] });
  return { full: row?.full ?? '', exact: row?.exact ?? '', at: now };
}

export function createAnswerCache(store: Store, o: AnswerCacheOptions = {}): AnswerCache {
  const maxEntries = o.maxEntries ?? 2000;
  const maxStalenessMs = o.maxStalenessMs ?? 0;
  const now = o.now ?? Date.now;
  const entries = new LruMap<string, { version: DataVersion; value: unknown }>(maxEntries);
  /**
   * Computations under way, by key and full version: a dashboard's widgets ask at the
   * same moment (the summary and the series both need the manager's scope), and a
   * second copy would only wait for the engine's turn to compute the same answer.
   */
  const computing = new Map<string, Promise<unknown>>();
  return {
    version: () => analyticsDataVersion(store, now()),
    async answer<T>(version: DataVersion, key: readonly unknown[], compute: () => Promise<T>): Promise<Answer<T>> {
      const k = JSON.stringify(key);
      const hit = entries.get(k);
      if (hit && hit.version.full === version.full) {
        // Nothing written since: the entry is the answer at this version's time too.
        entries.set(k, { version, value: hit.value });
        return { value: structuredClone(hit.value) as T, asOf: version.at };
      }
      if (hit && hit.version.exact === version.exact && version.at - hit.version.at <= maxStalenessMs) {
        // Only events appended since, and not long ago: the entry keeps its own time.
        return { value: structuredClone(hit.value) as T, asOf: hit.version.at };
      }
      const running = `${version.full}|${k}`;
      const under = computing.get(running);
      // The same question at the same data version: the answer under way is exact for this caller too (its own copy).
      if (under) return { value: structuredClone(await under) as T, asOf: version.at };
      const computed = compute();
      // The copy kept is taken as soon as the answer is there, before this caller can change its own.
      const kept = computed.then((v) => structuredClone(v));
      kept.catch(() => undefined); // a failure is this caller's to report (and the waiters'), not an unhandled rejection
      computing.set(running, kept);
      try {
        const value = await computed;
        entries.set(k, { version, value: await kept });
        return { value, asOf: version.at };
      } finally {
        computing.delete(running);
      }
    },
  };
}

/** A cache that remembers nothing (tests of the uncached path, a deployment that wants none). */
export const NO_ANSWER_CACHE: AnswerCache = {
  version: async () => ({ full: '', exact: '', at: Date.now() }),
  answer: async (version, _key, compute) => ({ value: await compute(), asOf: version.at }),
};
