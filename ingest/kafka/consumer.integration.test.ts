/**
 * Kafka ingest against a real broker and the real engine (chDB): every event type
 * stored with its fields, duplicates stored once, bad records in the DLQ with their
 * reason while the good ones around them are stored, and a store outage that pauses
 * ingest and then catches up with nothing lost.
 */
import type { Stoppable } from '../../common/lifecycle.js';
import { startSupervisedIngest } from '../../test/helpers/ingest.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import { createMetrics, type Metrics } from '../../common/metrics.js';
import { createEventWriter } from '../event-writer.js';
import { createWriteCoalescer } from '../write-coalescer.js';
import { createKafkaIngest, type KafkaIngest } from './consumer.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { cloudEvent, DATA_BY_TYPE, isMessageTopicType, oneOfEveryType, waitFor, type CloudEvent } from '../../test/helpers/events.js';
import { createTopics, groupLag, produceJson, readTopic, testKafka, uniqueTopics } from '../../test/helpers/kafka.js';
import { getArchiveStats } from '../../common/queries/archive-stats.js';
import { DLQ_HEADERS } from './dlq.js';

const topics = uniqueTopics('ingest');
const MAX_BYTES = 4096;
let ts: TestStore;
let kafka: Kafka;
let producer: Producer;
let ingest: KafkaIngest;
let supervisor: Stoppable | undefined;
let metrics: Metrics;

async function send(events: Array<CloudEvent | { raw: string | Buffer; admin?: boolean }>): Promise<void> {
  const msgs = events.map((e) => ('raw' in e ? { topic: e.admin ? topics.admin : topics.messages, key: 'k', value: e.raw } : { topic: isMessageTopicType(e.type) ? topics.messages : topics.admin, key: String(e.data.conversation_id ?? e.data.user_id ?? 'x'), value: e }));
  for (const topic of [topics.messages, topics.admin]) {
    const mine = msgs.filter((m) => m.topic === topic);
    if (mine.length) await produceJson(producer, topic, mine);
  }
}

const drained = () => waitFor('consumer group to commit everything', async () => (await groupLag(kafka, topics.groupId, [topics.messages, topics.admin])) === 0, 30_000);

async function count(sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const [row] = await ts.store.query<{ n: string }>('test: count', sql, params);
  return Number(row!.n);
}

beforeAll(async () => {
  ts = await openTestStore('ingest');
  kafka = testKafka(inject('kafkaBrokers'));
  await createTopics(kafka, topics);
  producer = kafka.producer();
  await producer.connect();
  metrics = createMetrics();
  ingest = createKafkaIngest(
    { brokers: inject('kafkaBrokers').split(','), clientId: 'custos-test', groupId: topics.groupId, topics, maxEventBytes: MAX_BYTES, retryMaxMs: 500 },
    { writer: createWriteCoalescer(createEventWriter(ts.store)), metrics: metrics.ingest, log: pino({ level: 'silent' }) },
  );
  supervisor = await startSupervisedIngest(ingest);
});

afterAll(async () => {
  await supervisor?.stop();
  await producer?.disconnect();
  await ts?.close();
});

describe('Kafka ingest', () => {
  const tenant = 'every-type';
  const events = oneOfEveryType(tenant, 'e1');

  it('stores a valid event of every type with the right fields', async () => {
    await send(events);
    await drained();
    const stats = await getArchiveStats(ts.store, tenant);
    expect(stats.events).toBe(events.length);
    expect(stats.message_versions).toBe(2);
    expect(stats.messages).toBe(1);
    expect(stats.deleted_messages).toBe(1);
    expect(stats.reaction_events).toBe(2);
    expect(stats.calls).toBe(1);
    expect(stats.app_invocations).toBe(1);
    expect(stats.admin_events).toBe(16);
    expect(stats.first_event_time).toBe('2026-11-24T10:00:00.000Z');

    const [created] = await ts.store.query<Record<string, unknown>>('test', `SELECT * FROM message_versions WHERE tenant = {t:String} AND kind = 'created'`, { t: tenant });
    const d = DATA_BY_TYPE['message.created'];
    expect(created).toMatchObject({
      event_id: 'e1-message.created', source: 'slack://T024BE7LD', time: '2026-11-24 10:00:00.000', message_id: d.message_id, conversation_id: 'C1',
      conversation_type: 'channel', thread_id: 'm0', author_id: 'U1', text: d.text, mentions: ['U2', 'U3'],
      attachments: [{ name: 'plan.pdf', mime: 'application/pdf', size: '1234', sha256: 'a'.repeat(64) }],
    });
    expect(created!.origin).toMatch(new RegExp(`^kafka:${topics.messages.replace('.', '\\.')}/\\d+/\\d+$`));
    const [ended] = await ts.store.query<Record<string, unknown>>('test', `SELECT participants, duration_s FROM calls WHERE tenant = {t:String} AND phase = 'ended'`, { t: tenant });
    expect(ended).toEqual({ participants: ['U1', 'U2'], duration_s: 754 });
    const [user] = await ts.store.query<Record<string, unknown>>('test', `SELECT email, display_name, department, title FROM users_current WHERE tenant = {t:String} AND user_id = 'U1'`, { t: tenant });
    expect(user).toEqual({ email: 'ada@example.org', display_name: 'Ada L.', department: 'R&D', title: '' });
    const [conv] = await ts.store.query<Record<string, unknown>>('test', `SELECT name, conversation_type, created_by FROM conversations_current WHERE tenant = {t:String} AND conversation_id = 'C1'`, { t: tenant });
    expect(conv).toEqual({ name: 'general-fr', conversation_type: 'channel', created_by: 'U7' });
  });

  it('stores the same events delivered again exactly once', async () => {
    await send(events);
    await send(events.slice(0, 5));
    await drained();
    const stats = await getArchiveStats(ts.store, tenant);
    expect(stats.events).toBe(events.length);
    expect(await count(`SELECT count() AS n FROM message_versions WHERE tenant = {t:String}`, { t: tenant })).toBe(2);
    const dup = (await metrics.ingest.records.get()).values.filter((v) => v.labels.result === 'duplicate').reduce((s, v) => s + v.value, 0);
    expect(dup).toBeGreaterThanOrEqual(events.length + 5);
  });

  it('sends each kind of bad record to the DLQ with its reason and stores the good ones around it', async () => {
    const t = 'dlq';
    const good = (n: number) => cloudEvent('message.created', { ...DATA_BY_TYPE['message.created'], message_id: `g${n}` }, { id: `good-${n}`, tenant: t });
    const { tenant: _omit, ...noTenant } = good(100);
    const bad: Array<{ raw: string | Buffer; reason: string; detail: string }> = [
      { raw: '{"specversion": "1.0", "id": ', reason: 'not_json', detail: 'not valid JSON' },
      { raw: '[1, 2, 3]', reason: 'not_object', detail: 'array' },
      { raw: JSON.stringify(noTenant), reason: 'invalid_envelope', detail: 'tenant' },
      { raw: JSON.stringify({ ...good(101), type: 'message.exploded' }), reason: 'unknown_type', detail: 'message.exploded' },
      { raw: JSON.stringify({ ...good(102), data: { ...good(102).data, author_id: undefined } }), reason: 'invalid_data', detail: 'data.author_id: is required' },
      { raw: JSON.stringify({ ...good(103), data: { ...good(103).data, mentions: 'U2' } }), reason: 'invalid_data', detail: 'data.mentions' },
      { raw: JSON.stringify({ ...good(104), time: 'yesterday at noon' }), reason: 'bad_time', detail: 'time' },
      { raw: JSON.stringify({ ...good(105), data: { ...good(105).data, text: 'x'.repeat(MAX_BYTES) } }), reason: 'too_large', detail: 'over the limit' },
    ];
    const stream: Array<CloudEvent | { raw: string | Buffer }> = [];
    bad.forEach((b, i) => stream.push(good(i), { raw: b.raw }));
    stream.push(good(bad.length));
    await send(stream);
    await drained();
    expect(await count(`SELECT count() AS n FROM message_versions WHERE tenant = {t:String}`, { t })).toBe(bad.length + 1);

    const dlq = await readTopic(kafka, topics.dlq, bad.length);
    expect(dlq).toHaveLength(bad.length);
    for (const b of bad) {
      const rec = dlq.find((r) => r.value?.toString() === b.raw.toString());
      expect(rec, `DLQ record for ${b.reason}`).toBeDefined();
      expect(rec!.headers[DLQ_HEADERS.reason]).toBe(b.reason);
      expect(rec!.headers[DLQ_HEADERS.detail]).toContain(b.detail);
      expect(rec!.headers[DLQ_HEADERS.topic]).toBe(topics.messages);
      expect(Number(rec!.headers[DLQ_HEADERS.offset])).toBeGreaterThanOrEqual(0);
      expect(rec!.headers[DLQ_HEADERS.partition]).toMatch(/^\d+$/);
    }
  });

  it('reads batches compressed with gzip, snappy, lz4 and zstd, as other producers write them', async () => {
    const t = 'codecs';
    const { CompressionCodecs, CompressionTypes } = await import('kafkajs');
    const { ZstdCodec } = (await import('zstd-codec')) as { ZstdCodec: { run(f: (z: { Simple: new () => { compress(b: Uint8Array): Uint8Array } }) => void): void } };
    const simple = await new Promise<{ compress(b: Uint8Array): Uint8Array }>((resolve) => ZstdCodec.run((z) => resolve(new z.Simple())));
    const codecs = CompressionCodecs as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }>;
    const readOnlyZstd = codecs[CompressionTypes.ZSTD]!;
    // Custos only reads zstd; this test producer writes it with a second implementation.
    codecs[CompressionTypes.ZSTD] = () => ({ compress: async (e) => Buffer.from(simple.compress(e.buffer)), decompress: readOnlyZstd().decompress });
    try {
      const types = [CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD];
      for (const [k, compression] of types.entries()) {
        const events = Array.from({ length: 50 }, (_, i) => cloudEvent('message.created', { ...DATA_BY_TYPE['message.created'], message_id: `z${k}-${i}`, text: `compressed ${k} ${'lorem ipsum '.repeat(20)}` }, { id: `codec-${k}-${i}`, tenant: t }));
        await producer.send({ topic: topics.messages, compression, acks: -1, messages: events.map((e) => ({ key: 'C1', value: JSON.stringify(e) })) });
      }
      await drained();
      expect(await count(`SELECT count() AS n FROM message_versions WHERE tenant = {t:String}`, { t })).toBe(200);
    } finally {
      codecs[CompressionTypes.ZSTD] = readOnlyZstd;
    }
  });

  it('pauses while the store refuses writes and catches up after, losing nothing', async () => {
    const t = 'outage';
    await ts.store.command('test: take the table away', 'DETACH TABLE message_versions');
    const batch = Array.from({ length: 300 }, (_, i) => cloudEvent('message.created', { ...DATA_BY_TYPE['message.created'], message_id: `o${i}`, conversation_id: `C${i % 7}` }, { id: `outage-${i}`, tenant: t }));
    await send(batch);
    await waitFor('ingest to pause', async () => (await metrics.ingest.paused.get()).values[0]?.value === 1, 20_000);
    const retriesBefore = (await metrics.ingest.storeRetries.get()).values.reduce((s, v) => s + v.value, 0);
    expect(retriesBefore).toBeGreaterThan(0);
    expect(await groupLag(kafka, topics.groupId, [topics.messages])).toBeGreaterThan(0);
    await ts.store.command('test: bring the table back', 'ATTACH TABLE message_versions');
    await drained();
    expect(await count(`SELECT count() AS n FROM message_versions WHERE tenant = {t:String}`, { t })).toBe(300);
    expect((await metrics.ingest.paused.get()).values[0]?.value).toBe(0);
  });
});
