/**
 * `--to-kafka`: the importer publishes its validated events to the real test broker
 * (message events to the messages topic, admin events to the admin topic, keyed by
 * conversation or user id); read back here with a kafkajs consumer.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { MESSAGE_EVENT_TYPES } from '../../common/events/schemas.js';
import { validateEvent } from '../../common/events/validate.js';
import { collectingReport } from './report.js';
import { runImport } from './run-import.js';
import { createKafkaSink } from './sinks.js';

const fixtures = join(resolve(import.meta.dirname, '..', '..'), 'test', 'fixtures');

async function readTopic(kafka: Kafka, topic: string, expected: number): Promise<Array<{ key: string; value: string; headers: Record<string, string> }>> {
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const out: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolveDone, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${out.length} of ${expected} records on ${topic}`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        out.push({ key: message.key!.toString(), value: message.value!.toString(), headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
        if (out.length >= expected) {
          clearTimeout(timer);
          resolveDone();
        }
      },
    });
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  return out;
}

describe('import --to-kafka', () => {
  it('publishes every valid event once, on the topic of its family, keyed by conversation or user', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    const suffix = randomUUID().slice(0, 8);
    const topics = { messages: `import-msg-${suffix}`, admin: `import-admin-${suffix}` };
    const sink = await createKafkaSink({ brokers, clientId: 'import-test', topics, batchRecords: 7 });
    const report = collectingReport();
    let summary;
    try {
      summary = await runImport({ format: 'slack', path: join(fixtures, 'slack-zip', 'workspace.zip'), tenant: 'k' }, { sink, report });
    } finally {
      await sink.close();
    }
    const messageTypes = new Set<string>(MESSAGE_EVENT_TYPES);
    const expectedMessages = Object.entries(summary.byType).filter(([t]) => messageTypes.has(t)).reduce((s, [, n]) => s + n, 0);
    expect(summary.written).toBe(summary.events);
    expect(expectedMessages).toBeGreaterThan(0);

    const kafka = new Kafka({ clientId: 'import-test-reader', brokers, logLevel: logLevel.NOTHING });
    const msgs = await readTopic(kafka, topics.messages, expectedMessages);
    const admin = await readTopic(kafka, topics.admin, summary.events - expectedMessages);
    expect(msgs).toHaveLength(expectedMessages);
    expect(admin).toHaveLength(summary.events - expectedMessages);

    const ids = new Set<string>();
    for (const rec of [...msgs, ...admin]) {
      const v = validateEvent(JSON.parse(rec.value));
      if (!v.ok) throw new Error(`${v.reason}: ${v.detail}`);
      ids.add(v.id);
      expect(v.tenant).toBe('k');
      const d = v.data as Record<string, string>;
      expect(rec.key).toBe(d.conversation_id ?? d.user_id ?? d.app_id);
      expect(rec.headers['custos-origin']).toMatch(/^import:slack:workspace\.zip\//);
    }
    expect(ids.size).toBe(summary.events);
    expect(msgs.every((r) => messageTypes.has(JSON.parse(r.value).type))).toBe(true);
    expect(admin.some((r) => JSON.parse(r.value).type === 'user.created' && r.key === JSON.parse(r.value).data.user_id)).toBe(true);
    const root = msgs.map((r) => JSON.parse(r.value)).find((e) => e.type === 'message.created' && e.data.message_id === '1709287260.000200');
    expect(root).toMatchObject({ source: 'slack://T0FIXTURE', time: '2024-03-01T10:01:00.000Z', data: { author_id: 'U0ANA0001', mentions: ['U0CY00003', 'U0BO00002'] } });
  });
});
