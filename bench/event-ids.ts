/**
 * Cost of the exactly-once check at scale (ingest/event-writer.ts): BENCH_IDS stored
 * event ids (default 3,000,000), then batches of BENCH_BATCH (default 40,000) new
 * ids (looked up and recorded, the writer's upsert) and of already-stored ids
 * (looked up), and, for comparison, the time-range read of the event table that the
 * check replaced. Prints wall ms per batch and µs per id (median and range over
 * BENCH_REPEAT runs; wall time, so note the machine's load).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../common/config.js';
import { createStore, type Store } from '../common/store/store.js';
import { packageRoot } from '../common/paths.js';
import { EVENT_ID_TABLE, eventKey } from '../ingest/event-writer.js';
import { migrate } from '../migrations/runner.js';
import { fmt } from './lib/stats.js';

const key = (i: number) => eventKey('message_versions', 'bench', `bench-${i}`);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function line(label: string, ms: number[], batch: number): string {
  const s = [...ms].sort((a, b) => a - b);
  const med = s[s.length >> 1]!;
  return `  ${label.padEnd(48)} ${fmt(med, 1)} ms per batch [${fmt(s[0]!, 1)}-${fmt(s[s.length - 1]!, 1)}] = ${fmt((med * 1000) / batch, 2)} µs per id`;
}

async function fill(store: Store, n: number): Promise<void> {
  await store.command('bench: fill ids', `INSERT INTO ${EVENT_ID_TABLE} SELECT concat('bench:message_versions:bench-', toString(number)), toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + number / 100 FROM numbers({n:UInt64})`, { n });
  await store.command('bench: fill rows', `INSERT INTO message_versions (tenant, event_id, source, time, kind, text) SELECT 'bench', concat('bench-', toString(number)), 's', toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + number / 100, 'created', 'x' FROM numbers({n:UInt64})`, { n });
}

export async function runEventIdsBench(): Promise<void> {
  const n = Number(process.env.BENCH_IDS ?? 3_000_000);
  const batch = Number(process.env.BENCH_BATCH ?? 40_000);
  const repeat = Number(process.env.BENCH_REPEAT ?? 5);
  const dataDir = join(packageRoot(), '.bench', `event-ids-${Date.now()}`);
  const store = await createStore(loadConfig({ CUSTOS_DATA_DIR: dataDir }), { command: 'bench event-ids', queryTimeoutS: 120 });
  try {
    await migrate(store);
    console.log(`event-ids bench: ${fmt(n)} stored ids, batches of ${fmt(batch)}`);
    await fill(store, n);
    const upsertNew: number[] = [];
    const lookupSeen: number[] = [];
    const rangeRead: number[] = [];
    const none = async () => new Set<string>();
    for (let r = 0; r < repeat; r++) {
      const fresh = Array.from({ length: batch }, (_, i) => key(n + r * batch + i));
      const seen = Array.from({ length: batch }, (_, i) => key((i * 7919 + r * 104_729) % n));
      upsertNew.push(await timed(() => store.upsertKeys('bench: upsert', EVENT_ID_TABLE, ['key', 'time'], fresh.map((k) => [k, '2026-06-01 00:00:00.000']), none)));
      lookupSeen.push(await timed(() => store.lookupKeys(`bench: lookup`, EVENT_ID_TABLE, 'key', ['key', 'time'], seen)));
      // The check before event_ids: the batch's ids within its time range (here the newest rows).
      const from = 0.01 * (n - batch);
      rangeRead.push(await timed(() => store.query('bench: range', `SELECT event_id FROM message_versions WHERE tenant = 'bench'
          AND time >= toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + {from:Float64} AND time <= toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + {to:Float64}
          AND event_id IN (SELECT arrayJoin({ids:Array(String)}))`, { from, to: 0.01 * n, ids: fresh.map((k) => k.slice('bench:message_versions:'.length)) }, { use_index_for_in_with_subqueries: 0, use_skip_indexes: 0 })));
    }
    console.log(line('new ids: look up and record (the common case)', upsertNew, batch));
    console.log(line('look up ids already stored (replays)', lookupSeen, batch));
    console.log(line('before: time-range read of the event table', rangeRead, batch));
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
