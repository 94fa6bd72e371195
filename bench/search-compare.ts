/**
 * Issue 14: search before and after, in the same run, on the same data. Fills one
 * archive (bench/search.ts `fill`, then OPTIMIZE FINAL), then serves it in turn with
 * the build before the query language (BENCH_BEFORE_DIST, the `dist/` of the earlier
 * commit), with this build without the totals cache, and with it; rounds alternate
 * the order so a busy machine weighs on every side alike. Each side runs in its own
 * process (chDB binds a data directory to one process).
 * Environment: BENCH_BEFORE_DIST (required), BENCH_SEARCH_SIZES (first size used,
 * default 1000000), BENCH_SEARCH_REQUESTS (per kind and round, default 30),
 * BENCH_SEARCH_SECONDS (16-client load per round, default 10), BENCH_ROUNDS (default 2),
 * BENCH_COMPARE_SIDES (comma list of the sides to run, default all three:
 * before,after-no-cache,after; a busy machine may only afford before,after),
 * BENCH_BEFORE_ALL_KINDS=1 when the earlier build has the query language too (then
 * "before" also runs its kinds of query), BENCH_BEFORE_CACHE=1 when the earlier build
 * has a totals cache of its own, to run "before" with it (as it is served).
 */
import { spawnSync } from 'node:child_process';
import { execSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../common/config.js';
import { createStore } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { packageRoot } from '../common/paths.js';
import { fill, settle } from './search.js';
import { fmt, summarize } from './lib/stats.js';

const OLD_KINDS = ['word (rare, rank 2k-20k)', 'word (common, top 60)', 'two words, all', 'phrase', 'author', 'time range (1 day)', 'author + 30 days', 'word + conversation', 'pages 2-4 of a common word'];
const NEW_KINDS = ['word, accents folded', 'prefix (4 letters*)', 'two words, OR', 'phrase (quoted, in q)', 'from: + 30 days (in q)', 'in: + 30 days (in q)'];
/** Modifiers under OR / NOT (mixed with words): refused by builds before them, so only this build runs them. */
const MIXED_KINDS = ['word OR from: (in q)', 'word -in: (in q)'];

interface SideResult { out: Record<string, { ms: number[]; totals: number[] }>; load: { rps: number; ms: number[] } }

export async function runSearchCompare(): Promise<void> {
  const before = process.env.BENCH_BEFORE_DIST;
  if (!before) throw new Error('BENCH_BEFORE_DIST must name the dist/ of the build to compare with');
  const n = Number((process.env.BENCH_SEARCH_SIZES ?? '1000000').split(',')[0]);
  const requests = process.env.BENCH_SEARCH_REQUESTS ?? '30';
  const seconds = process.env.BENCH_SEARCH_SECONDS ?? '10';
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const after = fileURLToPath(new URL('..', import.meta.url));
  const child = fileURLToPath(new URL('./search-compare-child.js', import.meta.url));
  const dataDir = join(packageRoot(), '.bench', `search-compare-${n}`);
  // BENCH_REUSE=1 keeps an archive a failed run left behind (filling takes minutes on a busy machine).
  const reuse = process.env.BENCH_REUSE === '1' && existsSync(dataDir);
  if (!reuse) rmSync(dataDir, { recursive: true, force: true });
  const store = await createStore(loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { command: 'bench search compare', queryTimeoutS: 600 });
  try {
    await migrate(store);
    console.log(`search compare: ${fmt(n)} messages${reuse ? ' (archive reused)' : ''}`);
    if (!reuse) {
      const t0 = performance.now();
      await fill(store, n);
      console.log(`  filled in ${fmt((performance.now() - t0) / 1000, 1)} s`);
      await settle(store);
    }
  } finally {
    await store.close();
  }
  const all: Array<[string, string, string, string[], string]> = [
    ['before', 'before', before, process.env.BENCH_BEFORE_ALL_KINDS === '1' ? [...OLD_KINDS, ...NEW_KINDS] : OLD_KINDS, process.env.BENCH_BEFORE_CACHE === '1' ? 'true' : 'false'],
    ['after-no-cache', 'after, no totals cache', after, [...OLD_KINDS, ...NEW_KINDS, ...MIXED_KINDS], 'false'],
    ['after', 'after', after, [...OLD_KINDS, ...NEW_KINDS, ...MIXED_KINDS], 'true'],
  ];
  const wanted = (process.env.BENCH_COMPARE_SIDES ?? 'before,after-no-cache,after').split(',').map((x) => x.trim());
  const unknown = wanted.filter((w) => !all.some(([id]) => id === w));
  if (unknown.length > 0) throw new Error(`BENCH_COMPARE_SIDES: unknown side(s) ${unknown.join(', ')} (known: ${all.map(([id]) => id).join(', ')})`);
  const sides = all.filter(([id]) => wanted.includes(id)).map(([, name, root, kinds, cache]) => [name, root, kinds, cache] as [string, string, string[], string]);
  const results = new Map<string, SideResult[]>();
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const [name, root, kinds, cache] of order) {
      const load = execSync('uptime').toString().trim().replace(/.*load average: /, '');
      const res = spawnSync(process.execPath, [child, root, dataDir, String(n), requests, seconds, kinds.join('|'), cache], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (res.status !== 0) throw new Error(`${name}: exited ${res.status}: ${res.stderr.slice(-2000)}`);
      const line = res.stdout.trim().split('\n').at(-1)!;
      const parsed = JSON.parse(line) as SideResult;
      (results.get(name) ?? results.set(name, []).get(name)!).push(parsed);
      console.log(`  round ${r + 1}, ${name}: done (load average before it: ${load}; 16 clients ${fmt(parsed.load.rps, 1)} req/s)`);
    }
  }
  const cell = (ms: number[]) => {
    if (ms.length === 0) return '-';
    const s = summarize(ms);
    return `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}`;
  };
  console.log(`\n| search (${fmt(n)} messages) | ${sides.map((s) => `${s[0]} p50 / p95 / p99 ms`).join(' | ')} | totals agree |`);
  console.log(`| --- | ${sides.map(() => '---').join(' | ')} | --- |`);
  for (const kind of [...OLD_KINDS, ...NEW_KINDS, ...MIXED_KINDS]) {
    const per = sides.map(([name]) => (results.get(name) ?? []).flatMap((x) => x.out[kind]?.ms ?? []));
    const totals = sides.map(([name]) => (results.get(name) ?? []).flatMap((x) => x.out[kind]?.totals ?? [])).filter((t) => t.length > 0);
    const agree = totals.every((t) => JSON.stringify(t) === JSON.stringify(totals[0]));
    const mean = totals[0] ? totals[0].reduce((a, b) => a + b, 0) / totals[0].length : 0;
    console.log(`| ${kind} (mean total ${fmt(mean)}) | ${per.map(cell).join(' | ')} | ${totals.length > 1 ? (agree ? 'yes' : 'NO') : 'n/a'} |`);
  }
  const loads = sides.map(([name]) => (results.get(name) ?? []).map((x) => x.load.rps));
  console.log(`| 16 clients, requests/s per round | ${loads.map((l) => l.map((x) => fmt(x, 1)).join(', ')).join(' | ')} | |`);
  if (process.env.BENCH_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
}
