/**
 * `npm run bench -- export`: an eDiscovery export of N messages (default 100,000 and
 * 1,000,000; BENCH_EXPORT_SIZES) through the real job runner on a fresh embedded
 * store, JSON Lines alone and then every format, with the peak RSS sampled during
 * the run. Flat memory means the peak does not grow with N. Each export runs in a
 * process of its own on the filled data directory (as `custos jobs run` would), so
 * its peak is the export's and not what filling the archive left in the engine's
 * caches and the heap.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../common/config.js';
import { createStore } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { AuditWriter } from '../common/audit/index.js';
import { createJobAuditor } from '../reports/jobs/job-audit.js';
import { JobRunner } from '../reports/jobs/job-runner.js';
import { jobKinds } from '../reports/job-kinds.js';
import { fill, settle } from './search.js';

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function addReactions(store: Awaited<ReturnType<typeof createStore>>): Promise<void> {
  await store.command('bench: reactions', `
    INSERT INTO reactions (tenant, event_id, source, time, action, message_id, conversation_id, user_id, emoji, extra, origin)
    SELECT tenant, concat(event_id, '-r'), source, time + toIntervalSecond(30), 'added', message_id, conversation_id,
      concat('U', toString(cityHash64(message_id, 9) % 5000)), ['thumbsup', 'eyes', 'tada'][1 + cityHash64(message_id, 10) % 3], '', 'bench'
    FROM message_versions WHERE tenant = 'bench' AND kind = 'created' AND cityHash64(message_id, 11) % 4 = 0`);
}

async function exportOnce(runner: JobRunner, formats: string[]): Promise<{ seconds: number; cpuSeconds: number; messages: number; bytes: number; peakMb: number; peakJsMb: number; startMb: number; files: number; phases: string }> {
  // What the process held when the export started (the fill's engine caches and heap): the peak cannot be lower.
  const startMb = process.memoryUsage().rss / 2 ** 20;
  let peak = 0;
  let peakJs = 0;
  // RSS includes the embedded ClickHouse engine and its caches; the JS heap plus buffers is Custos' own part.
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakJs = Math.max(peakJs, m.heapUsed + m.external);
  }, 100);
  const started = performance.now();
  // CPU of the whole process (every thread, the embedded engine's too): a figure that a busy machine disturbs less than the wall clock.
  const cpu = process.cpuUsage();
  const job = await runner.submit('bench', 'export', { formats }, { subjectRef: 'system', kind: 'system' });
  const done = await runner.run(job);
  clearInterval(sampler);
  const used = process.cpuUsage(cpu);
  if (done.state !== 'done') throw new Error(`export ${done.state}: ${done.error}`);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, messages: Number(done.result?.messages), bytes: Number(done.result?.bytes), peakMb: peak / 2 ** 20, peakJsMb: peakJs / 2 ** 20, startMb, files: Number(done.result?.files), phases: JSON.stringify(done.result?.seconds) };
}

/**
 * Two archive shapes, because EML and RSMF write one file per conversation and day:
 * `sparse` is the search bench's (2,000 conversations over a year, about 1.5 messages
 * a conversation-day, so about one file per message in each of those formats), `dense`
 * is 50 busy conversations over 30 days (hundreds of messages a file).
 */
const SHAPES: Record<string, { conversations: number; spanMs: number }> = {
  sparse: { conversations: 2000, spanMs: 365 * 86_400_000 },
  dense: { conversations: 50, spanMs: 30 * 86_400_000 },
};

type RunFigures = Awaited<ReturnType<typeof exportOnce>>;

function benchConfig(dir: string) {
  return loadConfig({ ...process.env, CUSTOS_DATA_DIR: dir, CLICKHOUSE_URL: '' } as NodeJS.ProcessEnv);
}

/** The child: one export of the filled store in `dir`, its figures as one JSON line on stdout. */
async function runChild(dir: string, formats: string[]): Promise<void> {
  const store = await createStore(benchConfig(dir), { command: 'bench export', queryTimeoutS: 3600 });
  try {
    const audit = new AuditWriter(store);
    const runner = new JobRunner({ store, log: pino({ level: 'silent' }), audit: createJobAuditor(audit), jobsDir: join(dir, 'jobs'), kinds: jobKinds({ dataDir: dir }) });
    process.stdout.write(`${JSON.stringify(await exportOnce(runner, formats))}\n`);
  } finally {
    await store.close();
  }
}

function exportInChild(dir: string, formats: string[]): RunFigures {
  // BENCH_EXPORT_NODE_ARGS: Node options for the export's process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (not allowed in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_EXPORT_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const r = spawnSync(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), '--export-child', dir, formats.join(',')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`export child exited ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as RunFigures;
}

export async function runExportBench(
  sizes = (process.env.BENCH_EXPORT_SIZES ?? '100000,1000000').split(',').map(Number),
  shapes = (process.env.BENCH_EXPORT_SHAPES ?? 'dense,sparse').split(','),
): Promise<void> {
  for (const shapeName of shapes) for (const n of sizes) {
    const shape = SHAPES[shapeName];
    if (!shape) throw new Error(`BENCH_EXPORT_SHAPES: "${shapeName}" is not one of ${Object.keys(SHAPES).join(', ')}`);
    const dir = mkdtempSync(join(tmpdir(), 'custos-bench-export-'));
    try {
      const store = await createStore(benchConfig(dir), { command: 'bench export', queryTimeoutS: 3600 });
      try {
        await migrate(store);
        console.log(`export bench: ${fmt(n)} messages, ${shapeName} (${shape.conversations} conversations over ${shape.spanMs / 86_400_000} days)`);
        await fill(store, n, shape);
        await addReactions(store);
        await settle(store);
      } finally {
        await store.close();
      }
      // BENCH_EXPORT_RUNS picks the runs, e.g. `jsonl` alone when profiling (runs separated by `;`).
      const runs = (process.env.BENCH_EXPORT_RUNS ?? 'jsonl;jsonl,csv,eml,rsmf,parquet').split(';').map((r) => r.split(','));
      for (const formats of runs) {
        const r = exportInChild(dir, formats);
        console.log(`  ${formats.join('+').padEnd(28)} ${fmt(r.messages)} messages in ${fmt(r.seconds, 1)} s = ${fmt(r.messages / r.seconds)} messages/s (${fmt(r.messages / r.cpuSeconds)} per CPU-second), ${fmt(r.bytes / 2 ** 20, 1)} MiB in ${fmt(r.files)} files, peak RSS ${fmt(r.peakMb)} MB (JS heap + buffers ${fmt(r.peakJsMb)} MB; RSS at the start ${fmt(r.startMb)} MB), phases ${r.phases}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[2] === '--export-child') {
  runChild(process.argv[3]!, process.argv[4]!.split(',')).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
