/**
 * One run of topic analysis for a tenant, incremental: it analyses the messages with
 * a version or a deletion stored (ingest time) after the previous run's watermark and
 * up to a few seconds ago (an insert still in flight is taken by the next run), and
 * writes each message's analysis again, so an edit replaces what it changes and a
 * deletion removes the message. A full run starts from nothing. Excluded
 * conversations are deleted from the results and never read; a conversation whose
 * exclusion was lifted since the previous run is analysed again from its start.
 * Idempotent: a run that dies leaves no run row, and the next one redoes its window
 * (rows are replaced by key, the newest run winning). The cells are per local day of
 * the tenant's zone; a run that finds the zone changed since the last run built them
 * rebuilds all of them (the per-message rows have no day and stay).
 */
import type { Store } from '../../common/store/store.js';
import { toStoreTime } from '../../common/events/time.js';
import { notRestrictedRow } from '../../common/queries/restricted.js';
import { readAnalyticsSettings } from '../settings.js';
import { availableParallelism } from 'node:os';
import { createAnalyzer, type Analyzer } from './analyze.js';
import { createAnalyzerPool } from './analyzer-pool.js';
import { deleteExcludedCells, rebuildCells } from './cell-store.js';
import { TOPIC_COLUMNS, readExclusions, readLastRun, recordRun, type SourceMessage } from './topic-store.js';

export interface TopicRunOptions {
  full?: boolean;
  /** Versions stored within this many ms before the run starts wait for the next run (default 5000). */
  settleMs?: number;
  /** Messages per read (default 50,000). */
  chunk?: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
  /** One analyzer per process keeps its stem cache warm across runs (the analysis in this thread). */
  analyzer?: Analyzer;
  /**
   * Worker threads for the analysis (analyzer-pool.ts; compiled build only). Default 0:
   * measured on this shared machine they cost about 4 µs of CPU per message (copying
   * messages and rows between threads) and did not shorten a run (docs/topics.md
   * "Run speed"); to be measured again on a quiet machine (BENCH_TOPICS_THREADS=2).
   */
  threads?: number;
}

export interface TopicRunResult {
  runSeq: number;
  full: boolean;
  messages: number;
  deletions: number;
  excluded: number;
  watermark: string;
  /** The tenant's zone changed since the last run built the cells, so this one rebuilt all of them (a full run always does). */
  rezoned: boolean;
  /** Milliseconds spent reading versions, analysing them, and writing the rows. */
  timings: { read: number; analyze: number; write: number; total: number };
}

/** Output columns are named apart from the table's, so an aggregate never reads another's alias. */
interface SourceRow { conversation_id: string; message_id: string; c_type: string; c_thread: string; c_author: string; c_time: string; c_text: string }

const EPOCH = '1970-01-01 00:00:00.000';
const END_OF_TIME = '2299-12-31 23:59:59.999';

/** Versions in the window: stored in it, or of a conversation whose exclusion was lifted. */
const IN_WINDOW = `tenant = {tenant:String}
    AND ((ingested_at > {since:DateTime64(3, 'UTC')} AND ingested_at <= {until:DateTime64(3, 'UTC')}) OR conversation_id IN {reincluded:Array(String)})
    AND conversation_id NOT IN {excluded:Array(String)}`;

/**
 * The keys of messages touched in one slice of the window: versions whose (message)
 * time is in [lo, hi). Slices by time, not by a hash: the archive is ordered by time,
 * so each slice's versions sit in neighbouring granules and the text column is read
 * about once over the run (a hash slice read every granule's text in every slice).
 * A message edited in another slice is analysed in both, to the same row.
 */
const TOUCHED = `
  SELECT DISTINCT conversation_id, message_id FROM message_versions
  WHERE ${IN_WINDOW} AND time >= {lo:DateTime64(3, 'UTC')} AND time < {hi:DateTime64(3, 'UTC')}`;

/**
 * Per touched message of one slice: the newest text, and the author, thread and
 * time of its creation (of its earliest version when the created one is missing).
 * Deleted messages are left out: their rows are replaced by tombstones. Restricted
 * messages (an erased person's records a legal hold keeps, GDPR Art. 18) are never
 * analysed: a hold keeps them, analytics do not process them.
 */
const MESSAGES = `
  SELECT conversation_id, message_id, any(conversation_type) AS c_type,
    countIf(kind = 'created') > 0 AS has_created,
    if(has_created, anyIf(thread_id, kind = 'created'), any(thread_id)) AS c_thread,
    if(has_created, anyIf(author_id, kind = 'created'), any(author_id)) AS c_author,
    toString(if(has_created, minIf(time, kind = 'created'), min(time))) AS c_time,
    argMax(text, (time, event_id)) AS c_text
  FROM message_versions
  WHERE tenant = {tenant:String}
    AND (conversation_id, message_id) IN (${TOUCHED})
    AND (conversation_id, message_id) NOT IN (SELECT conversation_id, message_id FROM message_deletions WHERE tenant = {tenant:String})
    AND ${notRestrictedRow('message_versions')}
  GROUP BY conversation_id, message_id`;

/** A promise awaited later: a handler now, so its failure is not reported as unhandled before the await rethrows it. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export async function runTopics(store: Store, tenant: string, o: TopicRunOptions = {}): Promise<TopicRunResult> {
  const started = Date.now();
  const full = o.full ?? false;
  const last = full ? undefined : await readLastRun(store, tenant);
  const runSeq = Math.max(started, (last?.runSeq ?? 0) + 1);
  const since = last?.watermark ?? EPOCH;
  const until = toStoreTime(started - (o.settleMs ?? 5000));
  // The zone now; cells built in another one are all rebuilt (settings apply to every local day at once).
  const zone = (await readAnalyticsSettings(store, tenant)).time_zone;
  const rezoned = last !== undefined && last.cellsTimeZone !== zone;
  const exclusions = await readExclusions(store, tenant);
  const excluded = exclusions.filter((e) => e.excluded).map((e) => e.conversation_id);
  const reincluded = last ? exclusions.filter((e) => !e.excluded && e.changed_at > last.startedAt).map((e) => e.conversation_id) : [];
  const window = { tenant, since, until, excluded, reincluded };

  if (full) await store.command('topics: clear tenant', 'DELETE FROM topic_messages WHERE tenant = {tenant:String}', { tenant });
  else if (excluded.length > 0) {
    const [present] = await store.query<{ n: string }>('topics: excluded rows', 'SELECT toString(count()) AS n FROM topic_messages WHERE tenant = {tenant:String} AND conversation_id IN {excluded:Array(String)}', { tenant, excluded });
    if (Number(present!.n) > 0) {
      await store.command('topics: delete excluded', 'DELETE FROM topic_messages WHERE tenant = {tenant:String} AND conversation_id IN {excluded:Array(String)}', { tenant, excluded });
      await deleteExcludedCells(store, tenant, excluded);
    }
  }

  // Versions in the window, and the times that cut them into slices of about `chunk`.
  const chunk = o.chunk ?? 50_000;
  const [counted] = await store.query<{ n: string }>('topics: versions in window', `SELECT toString(count()) AS n FROM message_versions WHERE ${IN_WINDOW}`, window);
  const total = Number(counted!.n);
  const buckets = Math.max(1, Math.ceil(total / chunk));
  const cuts = buckets === 1 ? [] : (await store.query<{ cuts: string[] }>('topics: slices', `
    SELECT arrayMap(t -> toString(t), quantilesExact(${Array.from({ length: buckets - 1 }, (_, i) => ((i + 1) / buckets).toFixed(6)).join(', ')})(time)) AS cuts
    FROM message_versions WHERE ${IN_WINDOW}`, window))[0]!.cuts;
  const bounds = [EPOCH, ...cuts, END_OF_TIME];
  const threads = Math.min(o.threads ?? 0, availableParallelism());
  const pool = createAnalyzerPool(threads, () => o.analyzer ?? createAnalyzer());
  const timings = { read: 0, analyze: 0, write: 0, total: 0 };
  let messages = 0;
  // A pipeline: the engine reads the next slice and writes the previous one while the
  // analyzer (on worker threads when there are any) works on the current one.
  const slices = bounds.slice(0, -1).map((lo, i) => ({ lo, hi: bounds[i + 1]! })).filter((x) => x.lo !== x.hi);
  const read = (i: number) => handled(store.query<SourceRow>('topics: read messages', MESSAGES, { ...window, ...slices[i]! }));
  let writing: Promise<void> | undefined;
  try {
    let next = slices.length > 0 ? read(0) : undefined;
    for (let i = 0; i < slices.length; i++) {
      if (o.signal?.aborted) throw o.signal.reason;
      let t = performance.now();
      const rows = await next!;
      timings.read += performance.now() - t;
      next = i + 1 < slices.length ? read(i + 1) : undefined;
      t = performance.now();
      const sources = rows.map((r): SourceMessage => ({ conversation_id: r.conversation_id, message_id: r.message_id, conversation_type: r.c_type, thread_id: r.c_thread, author_id: r.c_author, time: r.c_time, text: r.c_text }));
      const lines = await pool.lines(tenant, runSeq, sources);
      timings.analyze += performance.now() - t;
      t = performance.now();
      await writing;
      // Raw JSONCompactEachRow bytes: the embedded engine parses them on several threads without another copy.
      writing = lines.length > 0 ? handled(store.insertRaw('topics: write messages', 'topic_messages', TOPIC_COLUMNS, Buffer.from(lines + '\n'))) : undefined;
      timings.write += performance.now() - t;
      messages += rows.length;
      o.progress?.(messages, total);
    }
  } finally {
    await pool.close();
  }
  let t = performance.now();
  await writing;
  timings.write += performance.now() - t;

  // Deletions in the window: a tombstone per analysed message (same key and time; FINAL drops both).
  t = performance.now();
  const [deleted] = await store.query<{ n: string }>('topics: deletions', `
    SELECT toString(count()) AS n FROM message_deletions
    WHERE tenant = {tenant:String} AND ingested_at > {since:DateTime64(3, 'UTC')} AND ingested_at <= {until:DateTime64(3, 'UTC')}`, window);
  const deletions = Number(deleted!.n);
  if (deletions > 0 && !full) {
    await store.command('topics: tombstones', `
      INSERT INTO topic_messages (${TOPIC_COLUMNS.join(', ')})
      SELECT tenant, conversation_id, message_id, conversation_type, thread_id, author_id, time, language, [], [], [], [], 0, NULL, analyzer, analyzer_version, {runSeq:UInt64}, 1
      FROM topic_messages FINAL
      WHERE tenant = {tenant:String} AND (conversation_id, message_id) IN (
        SELECT conversation_id, message_id FROM message_deletions
        WHERE tenant = {tenant:String} AND ingested_at > {since:DateTime64(3, 'UTC')} AND ingested_at <= {until:DateTime64(3, 'UTC')})`, { ...window, runSeq });
  }
  // The cells the answers read, rebuilt where this run wrote (before the run row: a run that dies redoes them).
  // A tenant's first run touched every cell: rebuilt whole, without working out which (conversation, day) it wrote.
  if (full || rezoned || messages > 0 || deletions > 0) await rebuildCells(store, tenant, runSeq, full || rezoned || last === undefined);
  timings.write += performance.now() - t;
  await recordRun(store, tenant, { runSeq, startedAt: started, watermark: until, full, messages, deletions, cellsTimeZone: zone });
  timings.total = Date.now() - started;
  return { runSeq, full, messages, deletions, excluded: excluded.length, watermark: until, rezoned, timings };
}
