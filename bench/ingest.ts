/**
 * End-to-end Kafka ingest on this machine, against ClickHouse's own Kafka table
 * engine (in the same chDB engine) as the reference:
 *  1. throughput: N message.created events pre-filled in a 4-partition topic ->
 *     queryable rows; Custos first, then the reference reading the same topic;
 *  2. latency: events produced at a steady rate; a poller sees each one become
 *     queryable and records produce -> queryable delays (p50/p95/p99).
 * Environment: BENCH_EVENTS (default 1,000,000), BENCH_RATE (events/s, default
 * 10,000), BENCH_SECONDS (default 15), KAFKA_BROKERS (else a broker is started),
 * CUSTOS_INGEST_BATCH_ROWS (rows per insert, as the service reads it), BENCH_REFERENCE=0
 * (skip ClickHouse's Kafka engine, to compare Custos with itself run after run).
 * Ends with one summary line beside the aims of issue 7; every phase prints the
 * machine's load average, since the 2 cores are shared.
 */
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../common/config.js';
import { createMetrics } from '../common/metrics.js';
import { createStore, type Store } from '../common/store/store.js';
import { createEventWriter } from '../ingest/event-writer.js';
import { createKafkaIngest } from '../ingest/kafka/consumer.js';
import { createWriteCoalescer } from '../ingest/write-coalescer.js';
import { migrate } from '../migrations/runner.js';
import { packageRoot } from '../common/paths.js';
import { fromStoreTime, toStoreTime } from '../common/events/time.js';
import { startBroker } from './lib/kafka-broker.js';
import { fmt, summarize, until } from './lib/stats.js';

const WORDS = ('the release plan budget meeting customer invoice deploy review contract merci réunion projet client facture déploiement ' +
  'bonjour demain rapport équipe sprint roadmap ticket incident postmortem launch quarter numbers legal hold approve').split(' ');

function messageEvent(tenant: string, i: number, timeMs: number): string {
  const words = Array.from({ length: 12 + (i % 17) }, (_, k) => WORDS[(i * 7 + k * 13) % WORDS.length]).join(' ');
  return JSON.stringify({
    specversion: '1.0', id: `${tenant}-${i}`, source: 'slack://TBENCH', type: 'message.created', time: new Date(timeMs).toISOString(), tenant,
    data: { message_id: `m${i}`, conversation_id: `C${i % 200}`, conversation_type: i % 10 === 0 ? 'dm' : 'channel', author_id: `U${i % 1000}`, text: words, ...(i % 5 === 0 ? { mentions: [`U${(i + 1) % 1000}`] } : {}) },
  });
}

async function prefill(producer: Producer, topic: string, tenant: string, n: number): Promise<void> {
  const start = Date.UTC(2026, 10, 1);
  for (let i = 0; i < n; i += 10_000) {
    const messages = Array.from({ length: Math.min(10_000, n - i) }, (_, k) => ({ key: `C${(i + k) % 200}`, value: messageEvent(tenant, i + k, start + (i + k) * 10) }));
    await producer.send({ topic, acks: 1, messages });
  }
}

async function count(store: Store, table: string, tenant: string): Promise<number> {
  const [r] = await store.query<{ n: string }>('bench: count', `SELECT count() AS n FROM ${table} WHERE tenant = {t:String}`, { t: tenant });
  return Number(r!.n);
}

/** CPU seconds of the whole process (every thread: kafkajs, the decode worker, chDB's) since `from`. */
const cpuSince = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};

interface Run {
  seconds: number;
  /** CPU seconds of the process during the run: robust to the load of a shared machine, where events/s is not. */
  cpu: number;
}

/** The service's writer: rows per insert from CUSTOS_INGEST_BATCH_ROWS, as cli/ingest-runtime.ts does. */
const benchWriter = (store: Store) => createWriteCoalescer(createEventWriter(store, { maxRows: loadConfig({ CUSTOS_INGEST_BATCH_ROWS: process.env.CUSTOS_INGEST_BATCH_ROWS }).ingest.batchRows }));

async function measureCustos(brokers: string[], store: Store, topic: string, tenant: string, n: number): Promise<Run> {
  const metrics = createMetrics();
  const ingest = createKafkaIngest(
    { brokers, clientId: 'bench', groupId: `bench-${randomUUID()}`, topics: { messages: topic, admin: `${topic}.admin`, dlq: `${topic}.dlq` }, maxEventBytes: 512 * 1024, retryMaxMs: 1000 },
    { writer: benchWriter(store), metrics: metrics.ingest, log: pino({ level: 'warn' }) },
  );
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await ingest.start();
  await until('custos ingest to store every event', async () => (await count(store, 'message_versions', tenant)) >= n, 600_000, 100);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSince(c0);
  await ingest.stop();
  return { seconds, cpu };
}

/** ClickHouse's Kafka engine + a materialized view into a table shaped like message_versions. */
async function createReference(store: Store, brokers: string, topic: string, suffix: string): Promise<void> {
  await store.command('bench: ref table', `CREATE TABLE ref_versions_${suffix} AS message_versions`);
  await store.command('bench: ref queue', `CREATE TABLE ref_queue_${suffix} (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${brokers}', kafka_topic_list = '${topic}', kafka_group_name = 'ref-${suffix}', kafka_format = 'JSONAsString',
    kafka_num_consumers = 2, kafka_thread_per_consumer = 1, kafka_max_block_size = 65536, kafka_flush_interval_ms = 250`);
  await store.command('bench: ref view', `CREATE MATERIALIZED VIEW ref_mv_${suffix} TO ref_versions_${suffix} AS SELECT
    JSONExtractString(raw, 'tenant') AS tenant, JSONExtractString(raw, 'id') AS event_id, JSONExtractString(raw, 'source') AS source,
    parseDateTime64BestEffort(JSONExtractString(raw, 'time'), 3, 'UTC') AS time, 'created' AS kind,
    JSONExtractString(raw, 'data', 'message_id') AS message_id, JSONExtractString(raw, 'data', 'conversation_id') AS conversation_id,
    JSONExtractString(raw, 'data', 'conversation_type') AS conversation_type, JSONExtractString(raw, 'data', 'thread_id') AS thread_id,
    JSONExtractString(raw, 'data', 'author_id') AS author_id, JSONExtractString(raw, 'data', 'text') AS text,
    JSONExtract(raw, 'data', 'mentions', 'Array(String)') AS mentions, '' AS extra, '' AS origin
    FROM ref_queue_${suffix}`);
}

async function dropReference(store: Store, suffix: string): Promise<void> {
  await store.command('bench: drop', `DROP TABLE IF EXISTS ref_mv_${suffix}`);
  await store.command('bench: drop', `DROP TABLE IF EXISTS ref_queue_${suffix}`);
}

async function measureReference(store: Store, brokers: string, topic: string, tenant: string, n: number): Promise<Run> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await createReference(store, brokers, topic, 'tp');
  await until('the Kafka engine to store every event', async () => (await count(store, 'ref_versions_tp', tenant)) >= n, 600_000, 100);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSince(c0);
  await dropReference(store, 'tp');
  return { seconds, cpu };
}

/** Produces at a steady rate; a poller records when each event becomes visible in `table`. */
async function measureLatency(producer: Producer, store: Store, topic: string, table: string, tenant: string, rate: number, seconds: number): Promise<number[]> {
  const producedAt = new Map<string, number>();
  const delays: number[] = [];
  const total = rate * seconds;
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  let sent = 0;
  let lastIngested = '1970-01-01 00:00:00.000';
  const start = performance.now();
  let polling = true;
  const poller = (async () => {
    while (polling || delays.length < total) {
      // Look 5 s behind the newest stamp seen: blocks written concurrently (the reference has two consumers)
      // can commit out of stamp order; ids already seen are skipped by the producedAt map.
      const since = toStoreTime(Date.parse(fromStoreTime(lastIngested)) - 5000);
      const rows = await store.query<{ event_id: string; ingested_at: string }>('bench: poll',
        `SELECT event_id, ingested_at FROM ${table} WHERE tenant = {t:String} AND ingested_at >= {since:DateTime64(3, 'UTC')}`, { t: tenant, since });
      const now = performance.now();
      for (const r of rows) {
        const p = producedAt.get(r.event_id);
        if (p !== undefined) {
          delays.push(now - p);
          producedAt.delete(r.event_id);
        }
        if (r.ingested_at > lastIngested) lastIngested = r.ingested_at;
      }
      if (!polling && performance.now() - start > (seconds + 60) * 1000) break;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    if (due > sent) {
      const batch = [];
      for (; sent < due && batch.length < perTick * 10; sent++) {
        const id = `${tenant}-${sent}`;
        batch.push({ key: `C${sent % 200}`, value: messageEvent(tenant, sent, Date.now()) });
        producedAt.set(id, performance.now());
      }
      await producer.send({ topic, acks: 1, messages: batch });
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  polling = false;
  await poller;
  return delays;
}

const load = (): string => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

export async function runIngestBench(): Promise<void> {
  const n = Number(process.env.BENCH_EVENTS ?? 1_000_000);
  const rate = Number(process.env.BENCH_RATE ?? 10_000);
  const seconds = Number(process.env.BENCH_SECONDS ?? 15);
  const root = packageRoot();
  const broker = process.env.KAFKA_BROKERS ? undefined : await startBroker(root, 'bench');
  const brokers = process.env.KAFKA_BROKERS ?? broker!.brokers;
  const dataDir = join(root, '.bench', `ingest-${Date.now()}`);
  const store = await createStore(loadConfig({ CUSTOS_DATA_DIR: dataDir }), { command: 'bench ingest', queryTimeoutS: 60 });
  const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await migrate(store);
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    const run = randomUUID().slice(0, 8);
    const tput = `bench-${run}.messages`;
    const lat = `bench-${run}.latency`;
    const latRef = `bench-${run}.latency-ref`;
    await admin.createTopics({ waitForLeaders: true, topics: [tput, lat, latRef].map((topic) => ({ topic, numPartitions: 4 })) });
    await admin.disconnect();

    console.log(`ingest bench: pre-filling ${fmt(n)} message.created events into ${tput} (4 partitions)...`);
    const p0 = performance.now();
    await prefill(producer, tput, 'tput', n);
    console.log(`  produced in ${fmt((performance.now() - p0) / 1000, 1)} s`);

    console.log(`  before custos: ${load()}`);
    const custos = await measureCustos(brokers.split(','), store, tput, 'tput', n);
    const custosS = custos.seconds;
    console.log(`  custos ingest:        ${fmt(n)} events in ${fmt(custosS, 2)} s = ${fmt(n / custosS)} events/s, ${fmt((custos.cpu * 1e6) / n, 1)} µs CPU an event (validated, deduplicated, 6-index table; ${load()})`);
    const withReference = process.env.BENCH_REFERENCE !== '0';
    let refS = Number.NaN;
    if (withReference) {
      const ref = await measureReference(store, brokers, tput, 'tput', n);
      refS = ref.seconds;
      console.log(`  ClickHouse Kafka engine: ${fmt(n)} events in ${fmt(refS, 2)} s = ${fmt(n / refS)} events/s, ${fmt((ref.cpu * 1e6) / n, 1)} µs CPU an event (no validation, no dedup, same table shape; ${load()})`);
      console.log(`  ratio custos / reference: ${fmt(refS / custosS, 2)} in events/s, ${fmt(ref.cpu / custos.cpu, 2)} in CPU an event`);
    }

    console.log(`ingest bench: steady ${fmt(rate)} events/s for ${seconds} s, produce -> queryable`);
    const metrics = createMetrics();
    const ingest = createKafkaIngest(
      { brokers: brokers.split(','), clientId: 'bench-lat', groupId: `bench-lat-${run}`, topics: { messages: lat, admin: `${lat}.admin`, dlq: `${lat}.dlq` }, maxEventBytes: 512 * 1024, retryMaxMs: 1000 },
      { writer: benchWriter(store), metrics: metrics.ingest, log: pino({ level: 'warn' }) },
    );
    await ingest.start();
    await new Promise((r) => setTimeout(r, 3000)); // let the group settle before the clock starts
    const d = summarize(await measureLatency(producer, store, lat, 'message_versions', 'lat', rate, seconds));
    await ingest.stop();
    console.log(`  custos:    n=${fmt(d.n)} p50=${fmt(d.p50)} ms p95=${fmt(d.p95)} ms p99=${fmt(d.p99)} ms max=${fmt(d.max)} ms (${load()})`);
    if (withReference) {
      await createReference(store, brokers, latRef, 'lat');
      await new Promise((r) => setTimeout(r, 3000));
      const dr = summarize(await measureLatency(producer, store, latRef, 'ref_versions_lat', 'lat', rate, seconds));
      await dropReference(store, 'lat');
      console.log(`  reference: n=${fmt(dr.n)} p50=${fmt(dr.p50)} ms p95=${fmt(dr.p95)} ms p99=${fmt(dr.p99)} ms max=${fmt(dr.max)} ms (kafka_flush_interval_ms = 250; ${load()})`);
    }
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(`ingest summary: custos ${fmt(n / custosS)} events/s vs engine ${fmt(n / refS)} (ratio ${fmt(refS / custosS, 2)}, aim >= 1.0: ${met(refS / custosS >= 1)}; ` +
      `aim >= 100,000 events/s: ${met(n / custosS >= 100_000)}); produce -> queryable at ${fmt(rate)}/s p50 ${fmt(d.p50)} p95 ${fmt(d.p95)} p99 ${fmt(d.p99)} ms (aim p99 < 2,000 ms: ${met(d.p99 < 2000)})`);
  } finally {
    await producer.disconnect();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    broker?.stop();
  }
}
