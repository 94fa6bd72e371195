/**
 * Exactly once by event id through a real broker and the real engine: an event
 * re-sent with the same id and another time (a producer retry that re-stamped it, a
 * platform that re-exported it) is stored once, in whichever batch it comes.
 */
import type { Stoppable } from '../../common/lifecycle.js';
import { startSupervisedIngest } from '../../test/helpers/ingest.js';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import { createMetrics } from '../../common/metrics.js';
import { createEventWriter } from '../event-writer.js';
import { createWriteCoalescer } from '../write-coalescer.js';
import { createKafkaIngest, type KafkaIngest } from './consumer.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { cloudEvent, DATA_BY_TYPE, waitFor } from '../../test/helpers/events.js';
import { createTopics, groupLag, produceJson, testKafka, uniqueTopics } from '../../test/helpers/kafka.js';

const topics = uniqueTopics('once');
let ts: TestStore;
let kafka: Kafka;
let producer: Producer;
let ingest: KafkaIngest;
let supervisor: Stoppable | undefined;

beforeAll(async () => {
  ts = await openTestStore('once');
  kafka = testKafka(inject('kafkaBrokers'));
  await createTopics(kafka, topics);
  producer = kafka.producer();
  await producer.connect();
  ingest = createKafkaIngest(
    { brokers: inject('kafkaBrokers').split(','), clientId: 'custos-test', groupId: topics.groupId, topics, maxEventBytes: 64 * 1024, retryMaxMs: 500 },
    { writer: createWriteCoalescer(createEventWriter(ts.store)), metrics: createMetrics().ingest, log: pino({ level: 'silent' }) },
  );
  supervisor = await startSupervisedIngest(ingest);
});

afterAll(async () => {
  await supervisor?.stop();
  await producer?.disconnect();
  await ts?.close();
});

const drained = () => waitFor('consumer group to commit everything', async () => (await groupLag(kafka, topics.groupId, [topics.messages, topics.admin])) === 0, 30_000);

function message(i: number, time: string) {
  return { key: `C${i % 3}`, value: cloudEvent('message.created', { ...DATA_BY_TYPE['message.created'], message_id: `m${i}`, conversation_id: `C${i % 3}` }, { id: `once-${i}`, tenant: 'once', time }) };
}

it('stores an event re-sent with the same id and another time once', async () => {
  const first = Array.from({ length: 30 }, (_, i) => message(i, new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()));
  // Same ids, months later and earlier, some in the same produce call as new events.
  const later = Array.from({ length: 30 }, (_, i) => message(i, new Date(Date.UTC(2026, 5, 1) + i * 1000).toISOString()));
  const earlier = Array.from({ length: 10 }, (_, i) => message(i, new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString()));
  const fresh = Array.from({ length: 5 }, (_, i) => message(100 + i, '2026-03-01T00:00:00Z'));
  await produceJson(producer, topics.messages, [...first, ...first.slice(0, 5).map((m) => message(Number(m.value.id.slice(5)), '2026-12-31T00:00:00Z'))]);
  await drained();
  await produceJson(producer, topics.messages, [...later, ...fresh]);
  await produceJson(producer, topics.messages, earlier);
  await drained();
  const [row] = await ts.store.query<{ rows: string; ids: string; first: string }>(
    'test: exact counts',
    `SELECT count() AS rows, uniqExact(event_id) AS ids, countIf(toYear(time) = 2026 AND toMonth(time) = 1) AS first FROM message_versions WHERE tenant = 'once'`,
  );
  expect(row).toEqual({ rows: '35', ids: '35', first: '30' });
});
