/**
 * What encryption at rest costs (common/store/encryption.ts): the same work on a
 * plain and on an encrypted embedded store, one after the other in this process:
 *  1. ingest: N message.created events through the ingest path's store step
 *     (validate -> toRow -> event writer, batches of 50,000), wall and CPU seconds;
 *  2. search: the search bench's archive of N messages (bench/search.ts fill + merge),
 *     then word searches through searchMessages (count + newest 50), p50/p95.
 * Environment: BENCH_EVENTS (default 1,000,000), BENCH_ENC_QUERIES (default 200).
 * Every figure is printed beside the load average: the 2 cores are shared.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../common/config.js';
import { createStore, type Store } from '../common/store/store.js';
import { packageRoot } from '../common/paths.js';
import { validateEvent } from '../common/events/validate.js';
import { toRow, type RoutedRow } from '../common/events/rows.js';
import { searchMessages } from '../common/queries/message-search.js';
import { parseQuery } from '../common/queries/search-query/parser.js';
import { compileText, SqlParams } from '../common/queries/search-query/compile.js';
import { createEventWriter } from '../ingest/event-writer.js';
import { migrate } from '../migrations/runner.js';
import { fill, settle, vocabulary } from './search.js';
import { fmt, summarize } from './lib/stats.js';

const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
const WORDS = vocabulary();

function rows(from: number, n: number): RoutedRow[] {
  const out: RoutedRow[] = [];
  for (let i = from; i < from + n; i++) {
    const text = Array.from({ length: 8 + (i % 13) }, (_, k) => WORDS[(i * 7 + k * 131) % WORDS.length]).join(' ');
    const v = validateEvent({ specversion: '1.0', id: `enc-${i}`, source: 'slack://TBENCH', type: 'message.created', time: new Date(Date.UTC(2026, 10, 1) + i * 10).toISOString(), tenant: 'bench-ingest', data: { message_id: `m${i}`, conversation_id: `C${i % 200}`, conversation_type: 'channel', author_id: `U${i % 1000}`, text } });
    if (!v.ok) throw new Error(`bench event invalid: ${v.detail}`);
    out.push(toRow(v, 'bench'));
  }
  return out;
}

async function withStore<T>(label: string, encrypted: boolean, work: (s: Store) => Promise<T>): Promise<T> {
  const dataDir = join(packageRoot(), '.bench', `encryption-${label}-${encrypted ? 'enc' : 'plain'}`);
  rmSync(dataDir, { recursive: true, force: true });
  const env: Record<string, string> = { CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...(encrypted ? { CUSTOS_STORE_KEYS: `0:${randomBytes(32).toString('hex')}` } : {}) };
  const store = await createStore(loadConfig(env), { command: 'bench encryption', queryTimeoutS: 600 });
  try {
    await migrate(store);
    return await work(store);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function ingest(store: Store, n: number): Promise<{ seconds: number; cpu: number }> {
  const writer = createEventWriter(store);
  let seconds = 0;
  let cpu = 0;
  for (let off = 0; off < n; off += 50_000) {
    const batch = rows(off, Math.min(50_000, n - off));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await writer.write(batch);
    seconds += (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1e6;
  }
  return { seconds, cpu };
}

async function search(store: Store, queries: number): Promise<{ p50: number; p95: number; cpu: number }> {
  const ms: number[] = [];
  const c0 = process.cpuUsage();
  for (let q = 0; q < queries; q++) {
    // Alternating a frequent head word and a rare tail word, the same sequence for both stores.
    const word = WORDS[q % 2 === 0 ? q % 40 : 40 + ((q * 7919) % (WORDS.length - 40))]!;
    const t0 = performance.now();
    const p = new SqlParams();
    const text = compileText(parseQuery(word), p, { exactAccents: false, prefixes: new Map() });
    await searchMessages(store, { tenant: 'bench', text, queryParams: p.values, includeDeleted: true, limit: 50 });
    ms.push(performance.now() - t0);
  }
  const s = summarize(ms.sort((a, b) => a - b));
  const c = process.cpuUsage(c0);
  // CPU seconds of the whole process (chDB's threads included): steadier than latency on a loaded machine.
  return { p50: s.p50, p95: s.p95, cpu: (c.user + c.system) / 1e6 };
}

export async function runEncryptionBench(): Promise<void> {
  const n = Number(process.env.BENCH_EVENTS ?? 1_000_000);
  const queries = Number(process.env.BENCH_ENC_QUERIES ?? 200);
  const result: Record<string, { ingestS: number; ingestCpu: number; fillS: number; p50: number; p95: number; searchCpu: number }> = {};
  for (const encrypted of [false, true]) {
    const name = encrypted ? 'encrypted' : 'plain';
    const ing = await withStore('ingest', encrypted, (s) => ingest(s, n));
    console.log(`encryption bench (${name}): ingest ${fmt(n)} events through the event writer in ${fmt(ing.seconds, 1)} s (${fmt(n / ing.seconds)} events/s, ${fmt(ing.cpu, 1)} CPU s) [${load()}]`);
    const s = await withStore('search', encrypted, async (store) => {
      const t0 = performance.now();
      await fill(store, n);
      await settle(store);
      const fillS = (performance.now() - t0) / 1000;
      await search(store, 20); // warm the caches the same way for both
      return { fillS, ...(await search(store, queries)) };
    });
    console.log(`encryption bench (${name}): fill + merge ${fmt(n)} messages ${fmt(s.fillS, 1)} s; word search p50 ${fmt(s.p50, 1)} ms, p95 ${fmt(s.p95, 1)} ms, ${fmt(s.cpu, 1)} CPU s (${queries} queries) [${load()}]`);
    result[name] = { ingestS: ing.seconds, ingestCpu: ing.cpu, fillS: s.fillS, p50: s.p50, p95: s.p95, searchCpu: s.cpu };
  }
  const p = result.plain!;
  const e = result.encrypted!;
  const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${fmt(((b - a) / a) * 100)}%`;
  console.log(`encryption bench summary at ${fmt(n)}: ingest ${pct(p.ingestS, e.ingestS)} wall, ${pct(p.ingestCpu, e.ingestCpu)} CPU; fill+merge ${pct(p.fillS, e.fillS)}; search p50 ${pct(p.p50, e.p50)}, p95 ${pct(p.p95, e.p95)}, CPU ${pct(p.searchCpu, e.searchCpu)} (upper bounds: shared machine) [${load()}]`);
}
