/**
 * Stores the engagement benchmarks' company (lib/engagement-company.ts) the way
 * production does: the directory through the event writer, the conversation events
 * produced to a Kafka topic and stored by the real Kafka ingest (decode workers,
 * group commit, the analytics materialized views at insert).
 */
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { toRow } from '../../common/events/rows.js';
import { validateEvent } from '../../common/events/validate.js';
import { createMetrics } from '../../common/metrics.js';
import type { Store } from '../../common/store/store.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import { createKafkaIngest } from '../../ingest/kafka/consumer.js';
import { createWriteCoalescer } from '../../ingest/write-coalescer.js';
import { DAY, directory, roundEvents, type CompanySpan, type KafkaRecord } from './engagement-company.js';
import { until } from './stats.js';

export async function produce(producer: Producer, topic: string, events: readonly KafkaRecord[]): Promise<void> {
  for (let i = 0; i < events.length; i += 10_000) await producer.send({ topic, acks: 1, messages: events.slice(i, i + 10_000) });
}

/** Events of the company stored so far (message versions, reactions, calls, app invocations). */
export async function storedEvents(store: Store, tenant: string): Promise<number> {
  const [r] = await store.query<{ n: string }>('bench: count', `SELECT
    (SELECT count() FROM message_versions WHERE tenant = {t:String}) + (SELECT count() FROM reactions WHERE tenant = {t:String})
    + (SELECT count() FROM calls WHERE tenant = {t:String}) + (SELECT count() FROM app_invocations WHERE tenant = {t:String}) AS n`, { t: tenant });
  return Number(r!.n);
}

/** The directory, dated the day before the company starts talking, through the event writer. */
export async function storeDirectory(store: Store, c: CompanySpan): Promise<void> {
  const rows = directory().map((e, i) => {
    const v = validateEvent({ specversion: '1.0', id: `dir-${i}`, source: 'slack://TBENCH', time: new Date(c.start - DAY).toISOString(), tenant: c.tenant, ...e });
    if (!v.ok) throw new Error(`directory event: ${v.reason}`);
    return toRow(v, 'bench');
  });
  await createEventWriter(store).write(rows);
}

/**
 * `messages` messages (and their reactions, calls, apps) in rounds of at most
 * `perRound`, each produced while the ingest stores the previous ones (so a 10M fill
 * never holds more than one round in memory); returns the events stored.
 */
export async function fillCompany(store: Store, brokers: string[], c: CompanySpan, messages: number, progress: (line: string) => void, perRound = 250_000): Promise<number> {
  await storeDirectory(store, c);
  const kafka = new Kafka({ clientId: 'bench-producer', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const topic = `bench-fill-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
  await admin.disconnect();
  await producer.connect();
  const metrics = createMetrics();
  const ingest = createKafkaIngest(
    { brokers, clientId: 'bench', groupId: `bench-${randomUUID()}`, topics: { messages: topic, admin: `${topic}.admin`, dlq: `${topic}.dlq` }, maxEventBytes: 512 * 1024, retryMaxMs: 1000 },
    { writer: createWriteCoalescer(createEventWriter(store)), metrics: metrics.ingest, log: pino({ level: 'warn' }) },
  );
  const before = await storedEvents(store, c.tenant);
  let produced = 0;
  try {
    await ingest.start();
    const rounds = Math.max(1, Math.ceil(messages / perRound));
    for (let round = 0; round < rounds; round++) {
      const n = Math.floor(messages / rounds) + (round < messages % rounds ? 1 : 0);
      const events = roundEvents(c, round, rounds, n);
      await produce(producer, topic, events);
      produced += events.length;
      progress(`${round + 1}/${rounds} rounds produced (${produced.toLocaleString('en-US')} events), ${((await storedEvents(store, c.tenant)) - before).toLocaleString('en-US')} stored`);
    }
    await until('ingest to store the company', async () => (await storedEvents(store, c.tenant)) - before >= produced, 24 * 3_600_000, 1000);
  } finally {
    await ingest.stop();
    await ingest.close();
    await producer.disconnect();
  }
  return produced;
}
