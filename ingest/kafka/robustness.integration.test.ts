/**
 * No record can stop ingest (real broker, real chDB): a record nested 40,000 levels
 * deep, a very wide one, and one that makes a step throw each go to the DLQ with a
 * reason, while the records before and after them, on the same and on other
 * partitions, are stored. CloudEvents binary content mode (ce_ headers) is stored
 * exactly like the structured form.
 */
import type { Stoppable } from '../../common/lifecycle.js';
import { startSupervisedIngest } from '../../test/helpers/ingest.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import { createMetrics } from '../../common/metrics.js';
import { createEventWriter, type EventWriter } from '../event-writer.js';
import { createWriteCoalescer } from '../write-coalescer.js';
import { createKafkaIngest, type KafkaIngest } from './consumer.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { cloudEvent, DATA_BY_TYPE, type CloudEvent } from '../../test/helpers/events.js';
import { createTopics, groupLag, readTopic, testKafka, uniqueTopics } from '../../test/helpers/kafka.js';
import { waitFor } from '../../test/helpers/events.js';
import { DLQ_HEADERS } from './dlq.js';

const topics = uniqueTopics('robust');
let ts: TestStore;
let kafka: Kafka;
let producer: Producer;
let ingest: KafkaIngest;
let supervisor: Stoppable | undefined;

/** A writer with a bug that one record finds: it throws whenever that record is in the rows. */
function withInjectedBug(writer: EventWriter, poisonId: string): EventWriter {
  return {
    async write(rows) {
      if (rows.some((r) => r.row.event_id === poisonId)) throw new TypeError(`injected: cannot read properties of the row of ${poisonId}`);
      return writer.write(rows);
    },
  };
}

const drained = () => waitFor('consumer group to commit everything', async () => (await groupLag(kafka, topics.groupId, [topics.messages, topics.admin])) === 0, 60_000);

async function countRows(table: string, tenant: string): Promise<number> {
  const [row] = await ts.store.query<{ n: string }>('test: count', `SELECT count() AS n FROM ${table} WHERE tenant = {t:String}`, { t: tenant });
  return Number(row!.n);
}

beforeAll(async () => {
  ts = await openTestStore('robust');
  kafka = testKafka(inject('kafkaBrokers'));
  await createTopics(kafka, topics, 3);
  producer = kafka.producer();
  await producer.connect();
  const metrics = createMetrics();
  ingest = createKafkaIngest(
    { brokers: inject('kafkaBrokers').split(','), clientId: 'custos-test', groupId: topics.groupId, topics, maxEventBytes: 512 * 1024, retryMaxMs: 500 },
    { writer: createWriteCoalescer(withInjectedBug(createEventWriter(ts.store), 'poison-step')), metrics: metrics.ingest, log: pino({ level: 'silent' }) },
  );
  supervisor = await startSupervisedIngest(ingest);
});

afterAll(async () => {
  await supervisor?.stop();
  await producer?.disconnect();
  await ts?.close();
});

describe('records that used to stop ingest', () => {
  const tenant = 'poison';
  const good = (p: number, n: number) => cloudEvent('message.created', { ...DATA_BY_TYPE['message.created'], message_id: `p${p}-${n}`, conversation_id: `C${p}` }, { id: `good-${p}-${n}`, tenant });
  const asText = (e: CloudEvent) => JSON.stringify(e);
  // 80 KB of text that JSON.parse reads and JSON.stringify cannot write back.
  const deep = asText({ ...good(0, 99), id: 'poison-deep', data: { ...good(0, 99).data, blocks: 'DEEP' } }).replace('"DEEP"', '['.repeat(40_000) + ']'.repeat(40_000));
  const wide = asText({ ...good(1, 99), id: 'poison-wide', data: { ...good(1, 99).data, meta: Object.fromEntries(Array.from({ length: 12_000 }, (_, i) => [`k${i}`, i])) } });
  const step = asText({ ...good(2, 99), id: 'poison-step' });

  it('sends each to the DLQ with its reason and stores every record around them on every partition', async () => {
    expect(deep.length).toBeGreaterThan(80_000);
    const poison = [deep, wide, step];
    // Per partition: 20 good records, the poison record, 20 more good ones.
    for (let p = 0; p < 3; p++) {
      const values = [...Array.from({ length: 20 }, (_, n) => asText(good(p, n))), poison[p]!, ...Array.from({ length: 20 }, (_, n) => asText(good(p, 20 + n)))];
      await producer.send({ topic: topics.messages, acks: -1, messages: values.map((value) => ({ key: `C${p}`, value, partition: p })) });
    }
    await drained();
    expect(await countRows('message_versions', tenant)).toBe(3 * 40);
    const dlq = await readTopic(kafka, topics.dlq, 3);
    const byId = (id: string) => dlq.find((r) => r.value?.toString().includes(`"id":"${id}"`));
    expect(byId('poison-deep')?.headers).toMatchObject({ [DLQ_HEADERS.reason]: 'too_deep', [DLQ_HEADERS.step]: 'validate', [DLQ_HEADERS.partition]: '0' });
    expect(byId('poison-deep')!.headers[DLQ_HEADERS.detail]).toMatch(/^data\.blocks\[0\].*nested deeper than 64 levels$/);
    expect(byId('poison-wide')?.headers).toMatchObject({ [DLQ_HEADERS.reason]: 'too_wide', [DLQ_HEADERS.detail]: 'data.meta: has 12000 members, more than 10000', [DLQ_HEADERS.partition]: '1' });
    expect(byId('poison-step')?.headers).toMatchObject({ [DLQ_HEADERS.reason]: 'step_failed', [DLQ_HEADERS.step]: 'store', [DLQ_HEADERS.partition]: '2' });
    expect(byId('poison-step')!.headers[DLQ_HEADERS.detail]).toContain('TypeError: injected');
    // The DLQ holds the record unchanged, so it can be replayed once the bug is fixed.
    expect(byId('poison-deep')!.value!.toString()).toBe(deep);
    expect(ingest.health()).toMatchObject({ state: 'consuming', restarts: 0 });
  });

  it('goes on with the next records after them', async () => {
    await producer.send({ topic: topics.messages, acks: -1, messages: [0, 1, 2].map((p) => ({ key: `C${p}`, value: asText(good(p, 50)), partition: p })) });
    await drained();
    expect(await countRows('message_versions', tenant)).toBe(3 * 40 + 3);
  });
});

describe('CloudEvents binary content mode', () => {
  const tenant = 'binary';
  const attributes = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', datacontenttype: 'application/json' };
  const pairs: Array<[CloudEvent, string]> = [
    [cloudEvent('message.created', DATA_BY_TYPE['message.created'], { tenant }), 'message_versions'],
    [cloudEvent('reaction.added', DATA_BY_TYPE['reaction.added'], { tenant }), 'reactions'],
    [cloudEvent('user.created', DATA_BY_TYPE['user.created'], { tenant }), 'admin_events'],
  ];

  function binaryRecord(e: CloudEvent): { key: string; value: string; headers: Record<string, string> } {
    const { data, datacontenttype, ...attrs } = { ...e, ...attributes, id: `bin-${e.id}` };
    const headers = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`ce_${k}`, String(v)]));
    return { key: 'C1', value: JSON.stringify(data), headers: { ...headers, 'content-type': String(datacontenttype) } };
  }

  it('stores events whose attributes travel in ce_ headers exactly like the same events in structured mode', async () => {
    for (const [e] of pairs) {
      const topic = e.type === 'user.created' ? topics.admin : topics.messages;
      await producer.send({ topic, acks: -1, messages: [{ key: 'C1', value: JSON.stringify({ ...e, ...attributes, id: `str-${e.id}` }) }, binaryRecord(e)] });
    }
    await drained();
    for (const [e, table] of pairs) {
      const rows = await ts.store.query<Record<string, unknown>>('test: both modes', `SELECT * EXCEPT (event_id, origin) FROM ${table} WHERE tenant = {t:String} AND event_id IN ({a:String}, {b:String}) ORDER BY event_id`, { t: tenant, a: `str-${e.id}`, b: `bin-${e.id}` });
      expect(rows, `${e.type}: one row per mode`).toHaveLength(2);
      expect(rows[0], `${e.type}: binary row equals structured row`).toEqual(rows[1]);
      expect(String(rows[0]!.extra)).toContain('traceparent');
    }
  });
});
