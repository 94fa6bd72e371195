/**
 * Stores routed rows exactly once by (tenant, table, event id), whatever the time
 * of a duplicate. The one storage path for Kafka ingest and the importers.
 *
 * The event tables are ordered by (tenant, time, event_id), so they can say whether
 * an id is stored only within a time range. The id table `event_ids` (a key-value
 * table, migrations/0005) answers for any id with a point multi-get. Per write:
 *
 *  1. look the batch's keys up in event_ids;
 *  2. a key found is a duplicate if its row is where the key says (same table,
 *     tenant and id at the key's time); a key without its row is left by a write
 *     that stopped between its two steps, and that event is stored now;
 *  3. write the keys of the events to store (their time), then
 *  4. insert their rows (one INSERT of one block into a MergeTree is atomic).
 * Steps 1-3 are one upsert of the store, which parses the keys once.
 *
 * Keys go first so that a crash between 3 and 4 loses nothing (step 2 on the replay
 * finds keys without rows), and the common case, a batch of new events, needs no
 * read of the event tables at all: step 2 reads them only for ids seen before.
 * ReplacingMergeTree on (tenant, time, event_id) is the backstop for the one race
 * left (two writers with the same id at the same instant, e.g. during a rebalance).
 */
import type { Store } from '../common/store/store.js';
import { TABLE_COLUMNS, type RoutedRow, type TableName, type EventRow } from '../common/events/rows.js';

export interface WriteResult {
  inserted: number;
  duplicates: number;
  byTable: Partial<Record<TableName, number>>;
  /** stored[i] is true when rows[i] was inserted, false when it was a duplicate. */
  stored: boolean[];
}

export interface EventWriter {
  write(rows: readonly RoutedRow[]): Promise<WriteResult>;
}

export const EVENT_ID_TABLE = 'event_ids';

/** The tenant alphabet and the table names have no ':', so the key is unambiguous. */
export function eventKey(table: TableName, tenant: string, eventId: string): string {
  return `${tenant}:${table}:${eventId}`;
}

interface Candidate {
  /** Index in the caller's input. */
  at: number;
  key: string;
  routed: RoutedRow;
}

function dropInBatchDuplicates(rows: readonly RoutedRow[]): { candidates: Candidate[]; inBatchDuplicates: number } {
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (let i = 0; i < rows.length; i++) {
    const routed = rows[i]!;
    const key = eventKey(routed.table, routed.row.tenant, routed.row.event_id);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push({ at: i, key, routed });
  }
  return { candidates, inBatchDuplicates: rows.length - candidates.length };
}

/** Groups by a key, keeping the input order within each group. */
function groupBy<T>(items: readonly T[], keyOf: (t: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(item);
  }
  return [...groups.values()];
}

/**
 * Of the candidates whose key was found, the keys of those whose row is stored.
 * Reads each (table, tenant) over the time range of the keys found: a primary-key
 * range read, only for ids seen before (replays, re-sent events).
 */
async function keysWithRows(store: Store, found: readonly Candidate[], storedTime: ReadonlyMap<string, string>): Promise<Set<string>> {
  const present = new Set<string>();
  for (const group of groupBy(found, (c) => `${c.routed.table}\u0000${c.routed.row.tenant}`)) {
    const { table, row } = group[0]!.routed;
    let from = storedTime.get(group[0]!.key)!;
    let to = from;
    for (const c of group) {
      const t = storedTime.get(c.key)!;
      if (t < from) from = t;
      if (t > to) to = t;
    }
    // The table name comes from the fixed TableName union, never from input. Index
    // analysis is off: the (tenant, time) range bounds the read, and analysing a big
    // id set against the key and the bloom filter cost more than the read (3x).
    const rows = await store.query<{ event_id: string }>(
      `ingest: rows of seen ids in ${table}`,
      `SELECT event_id FROM ${table}
       WHERE tenant = {tenant:String}
         AND time >= {from:DateTime64(3, 'UTC')} AND time <= {to:DateTime64(3, 'UTC')}
         AND event_id IN (SELECT arrayJoin({ids:Array(String)}))`,
      { tenant: row.tenant, from, to, ids: group.map((c) => c.routed.row.event_id) },
      { use_index_for_in_with_subqueries: 0, use_skip_indexes: 0 },
    );
    for (const r of rows) present.add(eventKey(table, row.tenant, r.event_id));
  }
  return present;
}

/** The rows' serialized lines as one insert body: worker bytes are copied once, strings encoded once. */
function linesBody(rows: readonly RoutedRow[]): Buffer {
  const parts: Uint8Array[] = [];
  let text = '';
  for (const r of rows) {
    if (r.lineBytes) {
      if (text) parts.push(Buffer.from(text));
      text = '';
      parts.push(r.lineBytes);
    } else {
      text += r.line + '\n';
    }
  }
  if (text) parts.push(Buffer.from(text));
  return Buffer.concat(parts);
}

async function insertRows(store: Store, table: TableName, rows: readonly RoutedRow[], maxRows: number): Promise<void> {
  const columns = TABLE_COLUMNS[table];
  const operation = `ingest: insert ${table}`;
  for (let i = 0; i < rows.length; i += maxRows) {
    const part = rows.slice(i, i + maxRows);
    if (part.every((r) => r.line !== undefined || r.lineBytes !== undefined)) {
      await store.insertRaw(operation, table, columns, linesBody(part));
    } else {
      await store.insertColumns(operation, table, columns, part.map((r) => columns.map((c) => (r.row as EventRow)[c])));
    }
  }
}

export interface EventWriterOptions {
  /**
   * Upper bound of rows per INSERT (CUSTOS_INGEST_BATCH_ROWS). As large as a coalesced
   * write (200,000 rows): each insert makes a part per table and view, and the merges
   * that follow rebuild the part's three text indexes, so a backlog costs measurably
   * less CPU a row in fewer, larger inserts (docs/performance.md: 27 -> 23 µs a row in
   * the store, 50,000 -> 150,000 rows). Live traffic makes small inserts either way.
   */
  maxRows?: number;
}

export function createEventWriter(store: Store, options: EventWriterOptions = {}): EventWriter {
  const maxRows = options.maxRows ?? 200_000;
  return {
    async write(rows) {
      const { candidates, inBatchDuplicates } = dropInBatchDuplicates(rows);
      const result: WriteResult = { inserted: 0, duplicates: inBatchDuplicates, byTable: {}, stored: new Array<boolean>(rows.length).fill(false) };
      // Steps 1-3 of the header: one pass of the keys finds those already recorded and records the others.
      let present = new Set<string>();
      await store.upsertKeys<{ key: string; time: string }>('ingest: seen event ids', EVENT_ID_TABLE, ['key', 'time'], candidates.map((c) => [c.key, c.routed.row.time]), async (hits) => {
        if (hits.length === 0) return present;
        const storedTime = new Map(hits.map((h) => [h.key, h.time]));
        present = await keysWithRows(store, candidates.filter((c) => storedTime.has(c.key)), storedTime);
        return present;
      });
      const fresh = present.size === 0 ? candidates : candidates.filter((c) => !present.has(c.key));
      if (fresh.length === 0) {
        result.duplicates += candidates.length;
        return result;
      }
      for (const group of groupBy(fresh, (c) => c.routed.table)) {
        const table = group[0]!.routed.table;
        await insertRows(store, table, group.map((c) => c.routed), maxRows);
        for (const c of group) result.stored[c.at] = true;
        result.byTable[table] = (result.byTable[table] ?? 0) + group.length;
      }
      result.inserted = fresh.length;
      result.duplicates += candidates.length - fresh.length;
      return result;
    },
  };
}
