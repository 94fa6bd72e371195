/**
 * Topic analysis (issue 12) on one fresh embedded store: a generated bilingual archive
 * (45% English, 45% French, 10% mixed; 2,000 people, 400 conversations, 90 days; a
 * vocabulary of real roots with inflections, Zipf-like) stored straight into
 * message_versions, then:
 *  1. the first run over the whole archive (everything is new), and an incremental
 *     run over 10% more (with the archive already analysed): messages per second and
 *     where the run's time goes (reading versions, analysing, writing rows);
 *  2. where the analysis' time goes, on the same texts in this process: tokenization
 *     alone, + language detection, + stop words and stemming (the whole analyzer);
 *  3. the answers (aggregation in the store): each view over 90 days, by department.
 * Environment: BENCH_TOPICS_MESSAGES (default 1,000,000); BENCH_TOPICS_BEFORE=0 skips the
 * answers from the messages (the path before the cells); BENCH_TOPICS_ANSWERS=0 skips
 * all answers (part 3), for measuring the runs alone.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg, uptime } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createAnalyzer } from '../analytics/topics/analyze.js';
import { createAnalyzerPool } from '../analytics/topics/analyzer-pool.js';
import { wordEvidence } from '../analytics/topics/language.js';
import { readTopics, TOPIC_VIEWS } from '../analytics/topics/read-topics.js';
import { runTopics } from '../analytics/topics/run.js';
import { loadConfig } from '../common/config.js';
import { toStoreTime } from '../common/events/time.js';
import { packageRoot } from '../common/paths.js';
import { createStore, type Store } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { fmt } from './lib/stats.js';

const TENANT = 'bench';
const PEOPLE = 2000;
const CONVERSATIONS = 400;
const DAY = 86_400_000;
const START = Date.UTC(2026, 8, 7);
const SPAN = 90 * DAY;

const uptimeLine = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `up ${Math.round(uptime())} s, load average: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;
  }
};

const EN_ROOTS = 'meet release deploy review budget invoice server build test plan report customer ticket design schedule update fix merge branch contract price sale hire train document help support migrate backup monitor alert incident security access account order deliver ship launch market campaign forecast target'.split(' ');
const EN_SUFFIX = ['', 's', 'ing', 'ed', 'er', 'ers'];
const EN_STOP = 'the a to of and is in for on with this that we it be are at can you our will from'.split(' ');
const FR_ROOTS = 'réunion livraison déploiement revue budget facture serveur test plan rapport client ticket conception planning correction fusion branche contrat prix vente recrutement formation document aide support migration sauvegarde surveillance alerte incident sécurité accès compte commande expédition lancement marché campagne prévision objectif'.split(' ');
const FR_SUFFIX = ['', 's', 'e', 'es', 'er', 'é'];
const FR_STOP = 'le la les de des du un une et est en pour sur avec ce que qui dans nous vous pas au'.split(' ');

function texts(n: number, seed: number): string[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const zipf = (len: number) => Math.min(len - 1, Math.floor(len * rnd() ** 2.5));
  const sentence = (roots: string[], suffix: string[], stop: string[], words: number) => {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(rnd() < 0.4 ? stop[zipf(stop.length)]! : roots[zipf(roots.length)]! + suffix[Math.floor(rnd() * suffix.length)]!);
    return out.join(' ');
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const words = 3 + Math.floor(rnd() * 14);
    const r = rnd();
    let t = r < 0.45 ? sentence(EN_ROOTS, EN_SUFFIX, EN_STOP, words) : r < 0.9 ? sentence(FR_ROOTS, FR_SUFFIX, FR_STOP, words) : `${sentence(FR_ROOTS, FR_SUFFIX, FR_STOP, 3)}, ${sentence(EN_ROOTS, EN_SUFFIX, EN_STOP, words)}`;
    if (rnd() < 0.15) t += ' ?';
    out.push(t[0]!.toUpperCase() + t.slice(1));
  }
  return out;
}

async function storeMessages(store: Store, first: number, n: number): Promise<void> {
  const columns = ['tenant', 'event_id', 'source', 'time', 'kind', 'message_id', 'conversation_id', 'conversation_type', 'thread_id', 'author_id', 'text'];
  const batch = 100_000;
  for (let b = first; b < first + n; b += batch) {
    const body = texts(Math.min(batch, first + n - b), b + 1).map((text, j) => {
      const i = b + j;
      const row = [TENANT, `e${i}`, 'bench', toStoreTime(START + Math.floor((i / 1_100_000) * SPAN) % SPAN), 'created', `m${i}`, `C${(i * 7919) % CONVERSATIONS}`, 'channel', '', `U${(i * 104729) % PEOPLE}`, text];
      return JSON.stringify(row);
    }).join('\n') + '\n';
    await store.insertRaw('bench: store messages', 'message_versions', columns, Buffer.from(body));
  }
}

async function analysisBreakdown(sample: string[]): Promise<void> {
  const TOKEN = /[\p{L}\p{N}]+|[.!?;:,\n]/gu;
  const time = (f: () => void) => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  let sink = 0;
  const per = (ms: number) => `${fmt(sample.length / (ms / 1000))} msg/s (${fmt((ms * 1000) / sample.length, 2)} µs/msg)`;
  const tokenize = time(() => {
    for (const t of sample) for (const m of t.toLowerCase().matchAll(TOKEN)) sink += m[0].length;
  });
  const detect = time(() => {
    for (const t of sample) for (const m of t.toLowerCase().matchAll(TOKEN)) sink += wordEvidence(m[0]);
  });
  const analyze = createAnalyzer();
  const warm = time(() => { for (const t of sample) sink += analyze(t).terms.length; });
  const full = time(() => { for (const t of sample) sink += analyze(t).terms.length; });
  // The run's analysis step: rows as JSON lines, in this thread and on worker threads (warm: a second pass).
  const messages = sample.map((text, i) => ({ conversation_id: 'C1', message_id: `m${i}`, conversation_type: 'channel', thread_id: '', author_id: 'U1', time: '2026-10-01 00:00:00.000', text }));
  // Wall and CPU (this process: all its threads) per message, and whether the rows are the same as in this thread.
  const lineRates: string[] = [];
  let reference: string | undefined;
  for (const threads of [0, 1, 2]) {
    const pool = createAnalyzerPool(threads, () => analyze);
    await pool.lines(TENANT, 1, messages);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const lines = await pool.lines(TENANT, 1, messages);
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - t0;
    reference ??= lines;
    lineRates.push(`${threads === 0 ? 'this thread' : `${threads} worker${threads > 1 ? 's' : ''}${pool.threads === 0 ? ' (unavailable: ran here)' : ''}`} ${per(wall)}, CPU ${fmt((cpu.user + cpu.system) / sample.length, 2)} µs/msg${threads > 0 ? `, same rows: ${lines === reference}` : ''}`);
    await pool.close();
  }
  console.log(`topics analysis of ${fmt(sample.length)} texts in this process (${sink > 0 ? 'ok' : '-'}):`);
  console.log(`  tokenization alone:                    ${per(tokenize)}`);
  console.log(`  tokenization + language evidence:      ${per(detect)}  (detection ${fmt(((detect - tokenize) * 1000) / sample.length, 2)} µs/msg)`);
  console.log(`  whole analyzer, cold stem cache:       ${per(warm)}`);
  console.log(`  whole analyzer, warm stem cache:       ${per(full)}  (stop words, stems, phrases, questions, sentiment: ${fmt(((full - detect) * 1000) / sample.length, 2)} µs/msg)`);
  console.log(`  analyzer + JSON rows (the run's step):\n    ${lineRates.join('\n    ')}  [${uptimeLine()}]`);
}

/**
 * An answer without the forms shown (`groupUniqArray(5)` keeps any five of a term's
 * forms when it has more, `topK` approximates), numbers to 12 digits (a sum of
 * sentiments in another order): what must be equal between the cells and the messages.
 */
const figures = (a: unknown) => JSON.stringify(a, (key, v: unknown) => (key === 'forms' || key === 'display' ? undefined : typeof v === 'number' ? Number(v.toPrecision(12)) : v));

/** BENCH_TOPICS_BEFORE=0 skips the answers from the messages (before the cells): they take tens of seconds at 1M. */
const BENCH_BEFORE = process.env.BENCH_TOPICS_BEFORE !== '0';

export async function runTopicsBench(): Promise<void> {
  const messages = Number(process.env.BENCH_TOPICS_MESSAGES ?? 1_000_000);
  const dir = join(packageRoot(), '.bench', `topics-${randomUUID().slice(0, 8)}`);
  const store = await createStore(loadConfig({ CUSTOS_DATA_DIR: dir, LOG_LEVEL: 'silent' }), { command: 'bench topics', queryTimeoutS: 600 });
  try {
    await migrate(store);
    let t = Date.now();
    await storeMessages(store, 0, messages);
    console.log(`stored ${fmt(messages)} messages in ${fmt((Date.now() - t) / 1000, 1)} s`);
    await new Promise((r) => setTimeout(r, 50));
    const report = (label: string, r: Awaited<ReturnType<typeof runTopics>>) => {
      console.log(`${label}: ${fmt(r.messages)} messages in ${fmt(r.timings.total / 1000, 2)} s = ${fmt(r.messages / (r.timings.total / 1000))} msg/s; read ${fmt(r.timings.read / 1000, 2)} s, analyse ${fmt(r.timings.analyze / 1000, 2)} s, write ${fmt(r.timings.write / 1000, 2)} s, rest ${fmt((r.timings.total - r.timings.read - r.timings.analyze - r.timings.write) / 1000, 2)} s  [${uptimeLine()}]`);
    };
    const analyzer = createAnalyzer();
    // BENCH_TOPICS_THREADS: the analyzer's worker threads (default: the run's own choice).
    const threads = process.env.BENCH_TOPICS_THREADS === undefined ? undefined : Number(process.env.BENCH_TOPICS_THREADS);
    const cpu0 = process.cpuUsage();
    const first = await runTopics(store, TENANT, { settleMs: 0, analyzer, ...(threads === undefined ? {} : { threads }) });
    const cpu1 = process.cpuUsage(cpu0);
    report('first run (all new)', first);
    console.log(`  CPU of the first run: ${fmt((cpu1.user + cpu1.system) / 1e6, 1)} s (this process: engine and analyzer together)`);
    const more = Math.round(messages / 10);
    await storeMessages(store, messages, more);
    await new Promise((r) => setTimeout(r, 50));
    const cpu2 = process.cpuUsage();
    const incremental = await runTopics(store, TENANT, { settleMs: 0, analyzer, ...(threads === undefined ? {} : { threads }) });
    const cpu3 = process.cpuUsage(cpu2);
    report(`incremental run (+${fmt(more)} on ${fmt(messages)} analysed)`, incremental);
    console.log(`  CPU of the incremental run: ${fmt((cpu3.user + cpu3.system) / 1e6, 1)} s = ${fmt((cpu3.user + cpu3.system) / more, 1)} µs per new message (${fmt(more / ((cpu3.user + cpu3.system) / 1e6))} msg per CPU-second)`);
    const empty = await runTopics(store, TENANT, { settleMs: 0, analyzer, ...(threads === undefined ? {} : { threads }) });
    report('incremental run with nothing new', empty);

    await analysisBreakdown(texts(200_000, 424242));

    if (process.env.BENCH_TOPICS_ANSWERS === '0') return;
    const scope = { kind: 'all' as const };
    // Each view from the cells (now) and from the messages (before the cells), ungrouped and by department,
    // and whether the two answers are equal.
    for (const groupBy of ['none', 'department'] as const) {
      for (const view of TOPIC_VIEWS) {
        const q = { tenant: TENANT, view, period: 'week' as const, from: '2026-09-07', to: '2026-12-05', groupBy, k: 5, scope };
        const timed = async (source: 'cells' | 'messages') => {
          const t0 = Date.now();
          const a = await readTopics(store, { ...q, source });
          return { a, ms: Date.now() - t0, load: uptimeLine() };
        };
        const cells = await timed('cells');
        const before = BENCH_BEFORE ? await timed('messages') : undefined;
        const same = before ? figures(before.a) === figures(cells.a) : undefined;
        const sameForms = before ? JSON.stringify(before.a) === JSON.stringify(cells.a) : undefined;
        console.log(`answer ${view} (90 days, ${cells.a.periods.length} weeks, by ${groupBy}): cells ${fmt(cells.ms)} ms [${cells.load}]${before ? `; messages ${fmt(before.ms)} ms [${before.load}]; same figures: ${same}, same forms and display: ${sameForms}` : ''}; ${cells.a.tables.length} tables`);
      }
    }
    console.log('Figures are upper bounds: other builders load this 2-core machine (see the load averages).');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
