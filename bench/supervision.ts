/**
 * `npm run bench -- supervision`: what communication supervision costs.
 *  1. matcher: the default policies over generated chat messages (µs a message),
 *     then with a 10,000-term lexicon added (compile time, µs a message);
 *  2. ingest: the same N events (1% carry a red flag) ingested into two tenants
 *     from two topics, one tenant without policies and one with the default
 *     policies enabled, in the same run; events/s, CPU an event and the ratio;
 *  3. backtest: the supervision-backtest job (guaranteed returns, which the SQL
 *     prefilter can express) over an archive of BENCH_BACKTEST_MESSAGES versions
 *     generated in the store with the same texts (messages/s; 10,000,000 extrapolated
 *     when measured on fewer).
 * Environment: BENCH_EVENTS (ingest, default 1,000,000), BENCH_BACKTEST_MESSAGES
 * (default BENCH_EVENTS), BENCH_PARTS (matcher,ingest,backtest), KAFKA_BROKERS (else a
 * broker is started). Every figure prints the load average: the 2 cores are shared,
 * so figures are upper bounds of the cost.
 */
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../common/config.js';
import { createMetrics } from '../common/metrics.js';
import { createStore, type Store } from '../common/store/store.js';
import { DEFAULT_POLICIES } from '../common/supervision/default-policies.js';
import { compileMatcher } from '../common/supervision/matcher.js';
import { policyDefinitionSchema } from '../common/supervision/policy-model.js';
import { createPolicyStore, parsePolicyDefinition } from '../common/supervision/policy-store.js';
import type { Job } from '../common/jobs/job-model.js';
import { createEventWriter } from '../ingest/event-writer.js';
import { createKafkaIngest } from '../ingest/kafka/consumer.js';
import { superviseDepsFromStore } from '../ingest/supervision/supervise-deps.js';
import { createWriteCoalescer } from '../ingest/write-coalescer.js';
import { backtestJobKind } from '../reports/supervision/backtest-job.js';
import { migrate } from '../migrations/runner.js';
import { packageRoot } from '../common/paths.js';
import { startBroker } from './lib/kafka-broker.js';
import { fmt, until } from './lib/stats.js';

const load = (): string => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

const WORDS = ('the release plan budget meeting customer invoice deploy review contract merci réunion projet client facture déploiement ' +
  'bonjour demain rapport équipe sprint roadmap ticket incident postmortem launch quarter numbers legal hold approve message delete').split(' ');
const RED_FLAGS = ["let's take this to WhatsApp", 'we guarantee 12% returns', 'supprime ce message', 'password: hunter2', 'AKIAABCDEFGHIJKLMNOP', 'idiot', 'rendement garanti'];

/** A chat message of 12 to 28 words; one in 100 carries a red flag. */
export function benchText(i: number): string {
  const words = Array.from({ length: 12 + (i % 17) }, (_, k) => WORDS[(i * 7 + k * 13) % WORDS.length]).join(' ');
  return i % 100 === 37 ? `${words} ${RED_FLAGS[i % RED_FLAGS.length]}` : words;
}

function event(tenant: string, i: number, timeMs: number): string {
  return JSON.stringify({
    specversion: '1.0', id: `${tenant}-${i}`, source: 'slack://TBENCH', type: 'message.created', time: new Date(timeMs).toISOString(), tenant,
    data: { message_id: `m${i}`, conversation_id: `C${i % 200}`, conversation_type: i % 10 === 0 ? 'dm' : 'channel', author_id: `U${i % 1000}`, text: benchText(i) },
  });
}

const defaultLexicons = () => Object.values(DEFAULT_POLICIES).map((d) => policyDefinitionSchema.parse(d).lexicon);

function benchMatcher(): void {
  const n = 200_000;
  const texts = Array.from({ length: n }, (_, i) => benchText(i));
  const time = (label: string, lexicons: ReturnType<typeof defaultLexicons>) => {
    const c0 = performance.now();
    const m = compileMatcher(lexicons);
    const compileMs = performance.now() - c0;
    for (let i = 0; i < 20_000; i++) m.match(texts[i]!); // warm the stem caches and the JIT
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let hits = 0;
    for (const t of texts) hits += m.match(t).length;
    const us = ((performance.now() - t0) * 1000) / n;
    const cpu = process.cpuUsage(cpu0);
    console.log(`  ${label}: ${fmt(m.atoms)} atoms compiled in ${fmt(compileMs, 1)} ms; ${fmt(us, 2)} µs a message wall, ${fmt((cpu.user + cpu.system) / n, 2)} µs CPU, over ${fmt(n)} messages (${fmt(hits)} policy matches; ${load()})`);
    return us;
  };
  console.log('supervision bench: matcher (pure, one thread)');
  time('default policies (4, English and French)', defaultLexicons());
  const big = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? { text: `codeword${i} project`, stem: 'en' as const } : i % 3 === 1 ? `zeta${i}` : `mot${i} interdit`));
  time('default policies + a 10,000-term lexicon', [...defaultLexicons(), policyDefinitionSchema.parse({ name: 'big', severity: 'low', lexicon: { terms: big } }).lexicon]);
}

async function prefill(producer: Producer, topic: string, tenant: string, n: number): Promise<void> {
  const start = Date.UTC(2026, 8, 1);
  for (let i = 0; i < n; i += 10_000) {
    // One message every 2 s: 1M spans about 23 days.
    const messages = Array.from({ length: Math.min(10_000, n - i) }, (_, k) => ({ key: `C${(i + k) % 200}`, value: event(tenant, i + k, start + (i + k) * 2000) }));
    await producer.send({ topic, acks: 1, messages });
  }
}

async function count(store: Store, sql: string, tenant: string): Promise<number> {
  const [r] = await store.query<{ n: string }>('bench: count', sql, { t: tenant });
  return Number(r!.n);
}

/** Waits (up to 60 s) for the store's background merges of the previous run: their CPU would count against the next. */
async function settle(store: Store): Promise<void> {
  const t0 = Date.now();
  const merging = async () => Number((await store.query<{ n: string }>('bench: merges', 'SELECT count() AS n FROM system.merges', {}))[0]!.n);
  while (Date.now() - t0 < 60_000 && (await merging()) > 0) await new Promise((r) => setTimeout(r, 500));
}

async function ingestRun(brokers: string[], store: Store, topic: string, tenant: string, n: number): Promise<{ seconds: number; cpu: number }> {
  await settle(store);
  const log = pino({ level: 'warn' });
  const ingest = createKafkaIngest(
    { brokers, clientId: 'bench', groupId: `bench-${randomUUID()}`, topics: { messages: topic, admin: `${topic}.admin`, dlq: `${topic}.dlq` }, maxEventBytes: 512 * 1024, retryMaxMs: 1000 },
    {
      writer: createWriteCoalescer(createEventWriter(store)), metrics: createMetrics().ingest, log,
      supervision: superviseDepsFromStore(store, log),
    },
  );
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await ingest.start();
  await until('ingest to store every event', async () => (await count(store, 'SELECT count() AS n FROM message_versions WHERE tenant = {t:String}', tenant)) >= n, 1_200_000, 100);
  const seconds = (performance.now() - t0) / 1000;
  const u = process.cpuUsage(c0);
  await ingest.stop();
  return { seconds, cpu: (u.user + u.system) / 1e6 };
}

/** `n` message versions of `tenant` generated in the store, with benchText's texts (one in 100 with a red flag), one every 2 s. */
async function generateArchive(store: Store, tenant: string, n: number): Promise<void> {
  const t0 = performance.now();
  for (let off = 0; off < n; off += 1_000_000) {
    await store.command('bench: generate archive', `INSERT INTO message_versions (tenant, event_id, source, time, kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, extra, origin)
      SELECT {t:String}, concat({t:String}, '-', toString(number)), 'slack://TBENCH', fromUnixTimestamp64Milli(toInt64({start:UInt64} + number * 2000), 'UTC'), 'created',
        concat('m', toString(number)), concat('C', toString(number % 200)), if(number % 10 = 0, 'dm', 'channel'), '', concat('U', toString(number % 1000)),
        concat(arrayStringConcat(arrayMap(k -> {words:Array(String)}[(number * 7 + k * 13) % length({words:Array(String)}) + 1], range(12 + number % 17)), ' '),
               if(number % 100 = 37, concat(' ', {flags:Array(String)}[number % length({flags:Array(String)}) + 1]), '')),
        [], [], '', 'bench'
      FROM numbers({off:UInt64}, {count:UInt64})`,
    { t: tenant, start: Date.UTC(2026, 0, 1), words: WORDS, flags: RED_FLAGS, off, count: Math.min(1_000_000, n - off) });
  }
  console.log(`  generated ${fmt(n)} message versions for the backtest in ${fmt((performance.now() - t0) / 1000, 1)} s (${load()})`);
}

async function backtestRun(store: Store, tenant: string, policyId: string): Promise<void> {
  const kind = backtestJobKind();
  const workDir = mkdtempSync(join(tmpdir(), 'custos-backtest-'));
  const params = kind.params.parse({ policy: policyId });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await kind.run({
    job: { tenant, id: 'job_bench' } as Job, params, store, log: pino({ level: 'warn' }), signal: new AbortController().signal, workDir,
    checkpoint: undefined, saveCheckpoint: async () => {}, progress: () => {}, requestedBy: 'bench', approvedBy: '',
  });
  const seconds = (performance.now() - t0) / 1000;
  const u = process.cpuUsage(c0);
  rmSync(workDir, { recursive: true, force: true });
  const s = out.summary as { scanned: number; matched: number };
  const rate = s.scanned / seconds;
  console.log(`  backtest of one policy (guaranteed returns, SQL prefilter): ${fmt(s.scanned)} message versions in ${fmt(seconds, 2)} s = ${fmt(rate)} a second, ${fmt((u.user + u.system) / s.scanned, 2)} µs CPU each; ${fmt(s.matched)} matches (${load()})`);
  const tenM = s.scanned >= 10_000_000 ? seconds : 10_000_000 / rate;
  console.log(`supervision summary: backtest of 10,000,000 ${s.scanned >= 10_000_000 ? 'measured' : `extrapolated from ${fmt(s.scanned)}`}: ${fmt(tenM, 1)} s (aim < 60 s: ${tenM < 60 ? 'met' : 'NOT met'})`);
}

export async function runSupervisionBench(): Promise<void> {
  const parts = new Set((process.env.BENCH_PARTS ?? 'matcher,ingest,backtest').split(','));
  if (parts.has('matcher')) benchMatcher();
  if (!parts.has('ingest') && !parts.has('backtest')) return;
  const n = Number(process.env.BENCH_EVENTS ?? 1_000_000);
  const root = packageRoot();
  const broker = process.env.KAFKA_BROKERS ? undefined : await startBroker(root, 'bench');
  const brokers = process.env.KAFKA_BROKERS ?? broker!.brokers;
  const dataDir = join(root, '.bench', `supervision-${Date.now()}`);
  const store = await createStore(loadConfig({ CUSTOS_DATA_DIR: dataDir }), { command: 'bench supervision', queryTimeoutS: 600 });
  const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await migrate(store);
    const policies = createPolicyStore(store);
    if (parts.has('ingest')) {
      for (const d of Object.values(DEFAULT_POLICIES)) await policies.create('supervised', parsePolicyDefinition({ ...d, enabled: true }), 'bench');
      await producer.connect();
      const admin = kafka.admin();
      await admin.connect();
      const run = randomUUID().slice(0, 8);
      const plain = `sup-${run}.plain`;
      const supervised = `sup-${run}.supervised`;
      await admin.createTopics({ waitForLeaders: true, topics: [plain, supervised].map((topic) => ({ topic, numPartitions: 4 })) });
      await admin.disconnect();
      console.log(`supervision bench: pre-filling ${fmt(n)} message.created events into each of two topics (4 partitions)...`);
      await prefill(producer, plain, 'plain', n);
      await prefill(producer, supervised, 'supervised', n);
      console.log(`  before ingest: ${load()}`);
      const without = await ingestRun(brokers.split(','), store, plain, 'plain', n);
      console.log(`  without policies:        ${fmt(n / without.seconds)} events/s, ${fmt((without.cpu * 1e6) / n, 1)} µs CPU an event (${load()})`);
      const withP = await ingestRun(brokers.split(','), store, supervised, 'supervised', n);
      const flagged = await count(store, 'SELECT count() AS n FROM supervision_items FINAL WHERE tenant = {t:String}', 'supervised');
      console.log(`  with the default policies: ${fmt(n / withP.seconds)} events/s, ${fmt((withP.cpu * 1e6) / n, 1)} µs CPU an event, ${fmt(flagged)} review items (${load()})`);
      const ratio = without.seconds / withP.seconds;
      console.log(`supervision summary: ingest ratio with/without policies ${fmt(ratio, 2)} in events/s (aim >= 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'}), ${fmt(without.cpu / withP.cpu, 2)} in CPU an event (${fmt((without.cpu * 1e6) / n, 1)} vs ${fmt((withP.cpu * 1e6) / n, 1)} µs); added ${fmt(((withP.cpu - without.cpu) * 1e6) / n, 1)} µs CPU an event`);
    }
    if (parts.has('backtest')) {
      // The same policy, created for the generated tenant (a policy belongs to one tenant).
      const d = DEFAULT_POLICIES.guaranteed_returns!;
      const policy = await policies.create('archive', parsePolicyDefinition({ ...d, enabled: false }), 'bench');
      await generateArchive(store, 'archive', Number(process.env.BENCH_BACKTEST_MESSAGES ?? n));
      await settle(store);
      await backtestRun(store, 'archive', policy.policyId);
    }
  } finally {
    await producer.disconnect();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    broker?.stop();
  }
}
