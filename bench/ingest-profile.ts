/**
 * Where the store's CPU goes per ingested message version: one process per variant
 * (chDB binds one data directory per process), a fresh migrated store, then parts of
 * the schema dropped (`PROFILE_DROP`, comma-separated: analytics, threads, edit_texts,
 * pairs, norm, idx_text, or one view by name: roots, messages, conversations) and N message.created rows (5% edits, 20% thread replies) inserted
 * through the ingest's raw insert path in batches of PROFILE_BATCH rows. Prints
 * CPU µs a row of the whole process (chDB's threads, and the merges the inserts
 * caused: it waits until none runs) and wall,
 * with the load average. Run base and variants alternately: the cores are shared.
 *
 *   node dist/bench/ingest-profile.js [drop,...]
 * Environment: PROFILE_ROWS (default 300,000), PROFILE_BATCH (default 20,000),
 * PROFILE_DROP (or the first argument).
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../common/config.js';
import { createStore, type Store } from '../common/store/store.js';
import { TABLE_COLUMNS, type EventRow } from '../common/events/rows.js';
import { toStoreTime } from '../common/events/time.js';
import { migrate } from '../migrations/runner.js';
import { packageRoot } from '../common/paths.js';
import { fmt } from './lib/stats.js';

const WORDS = ('the release plan budget meeting customer invoice deploy review contract merci réunion projet client facture déploiement ' +
  'bonjour demain rapport équipe sprint roadmap ticket incident postmortem launch quarter numbers legal hold approve').split(' ');

/** A message_versions row like bench/ingest.ts's events, with some edits and thread replies. */
export function profileRow(tenant: string, i: number, timeMs: number): EventRow {
  const text = Array.from({ length: 12 + (i % 17) }, (_, k) => WORDS[(i * 7 + k * 13) % WORDS.length]).join(' ');
  const edited = i % 20 === 7;
  const reply = i % 5 === 3;
  return {
    tenant, event_id: `${tenant}-${i}`, source: 'slack://TBENCH', time: toStoreTime(timeMs), extra: '', origin: '',
    kind: edited ? 'edited' : 'created', message_id: edited ? `m${i - 7}` : `m${i}`, conversation_id: `C${i % 200}`,
    conversation_type: edited ? '' : i % 10 === 0 ? 'dm' : 'channel', thread_id: reply ? `m${i - 3}` : '', author_id: `U${i % 1000}`,
    text, mentions: i % 5 === 0 ? [`U${(i + 1) % 1000}`] : [], attachments: [],
  };
}

/** What each variant removes; order matters (a view before the columns it reads). */
const DROPS: Record<string, string[]> = {
  analytics: ['analytics_thread_roots_mv', 'analytics_messages_mv', 'analytics_conversations_mv', 'analytics_threads_mv'].map((v) => `DROP VIEW IF EXISTS ${v}`),
  threads: ['DROP VIEW IF EXISTS analytics_threads_mv'],
  idx_text: ['ALTER TABLE message_versions DROP INDEX IF EXISTS idx_text'],
  roots: ['DROP VIEW IF EXISTS analytics_thread_roots_mv'],
  messages: ['DROP VIEW IF EXISTS analytics_messages_mv'],
  conversations: ['DROP VIEW IF EXISTS analytics_conversations_mv'],
  edit_texts: ['DROP VIEW IF EXISTS message_edit_texts'],
  pairs: ['DROP VIEW IF EXISTS message_edit_texts', 'ALTER TABLE message_versions DROP INDEX IF EXISTS idx_text_pairs', 'ALTER TABLE message_versions DROP COLUMN IF EXISTS text_pairs'],
  norm: ['DROP VIEW IF EXISTS message_edit_texts', 'ALTER TABLE message_versions DROP INDEX IF EXISTS idx_text_pairs', 'ALTER TABLE message_versions DROP COLUMN IF EXISTS text_pairs',
    'ALTER TABLE message_versions DROP INDEX IF EXISTS idx_text_norm', 'ALTER TABLE message_versions DROP COLUMN IF EXISTS text_norm'],
};

const load = (): string => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

/** Rows built and serialized in the timed loop, as the decode worker does (its CPU is the process's too). */
async function insertAll(store: Store, tenant: string, n: number, batch: number): Promise<void> {
  const columns = TABLE_COLUMNS.message_versions;
  const start = Date.UTC(2026, 10, 1);
  for (let i = 0; i < n; i += batch) {
    let body = '';
    for (let k = i; k < Math.min(n, i + batch); k++) {
      const row = profileRow(tenant, k, start + k * 10);
      body += JSON.stringify(columns.map((c) => row[c])) + '\n';
    }
    await store.insertRaw('profile: insert', 'message_versions', columns, Buffer.from(body));
  }
}

/** Waits (up to 60 s) until no merge runs, so the CPU figure includes the merges the inserts caused. */
async function mergesSettled(store: Store): Promise<void> {
  let quiet = 0;
  for (let i = 0; i < 600 && quiet < 3; i++) {
    const [r] = await store.query<{ n: string }>('profile: merges', 'SELECT count() AS n FROM system.merges');
    quiet = Number(r!.n) === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function runIngestProfile(drop: string[]): Promise<void> {
  const n = Number(process.env.PROFILE_ROWS ?? 300_000);
  const batch = Number(process.env.PROFILE_BATCH ?? 20_000);
  const dataDir = join(packageRoot(), '.bench', `profile-${process.pid}-${Date.now()}`);
  const store = await createStore(loadConfig({ CUSTOS_DATA_DIR: dataDir }), { command: 'bench ingest-profile', queryTimeoutS: 120 });
  try {
    await migrate(store);
    for (const d of drop) for (const sql of DROPS[d] ?? []) await store.command(`profile: drop ${d}`, sql);
    await insertAll(store, 'warm', 20_000, batch);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await insertAll(store, 'p', n, batch);
    const insertWall = (performance.now() - t0) / 1000;
    await mergesSettled(store);
    const wall = (performance.now() - t0) / 1000;
    const u = process.cpuUsage(c0);
    const cpuUs = (u.user + u.system) / n;
    console.log(`profile [${drop.join(',') || 'full schema'}]: ${fmt(n)} rows inserted in ${fmt(insertWall, 2)} s = ${fmt(n / insertWall)} rows/s, merges settled at ${fmt(wall, 2)} s; ${fmt(cpuUs, 1)} µs CPU a row, merges included (${load()})`);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = process.argv[2] ?? process.env.PROFILE_DROP ?? '';
  await runIngestProfile(arg.split(',').filter(Boolean));
}
