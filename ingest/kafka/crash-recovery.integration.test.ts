/**
 * `custos ingest` as a real process: SIGKILL in the middle of a stream, restart,
 * and the archive holds every event exactly once; SIGTERM finishes, commits and
 * exits 0 with a summary line.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { rmSync } from 'node:fs';
import { createStore } from '../../common/store/store.js';
import { cloudEvent, waitFor } from '../../test/helpers/events.js';
import { createTopics, groupLag, produceJson, testKafka, uniqueTopics } from '../../test/helpers/kafka.js';
import { testConfig, testDataDir } from '../../test/helpers/store.js';
import { killStartedCli, startCli, type Running } from '../../test/helpers/cli.js';

const TOTAL = 40_000;
const topics = uniqueTopics('crash');
const dataDir = testDataDir('crash');
let kafka: Kafka;
let producer: Producer;
let env: Record<string, string>;

beforeAll(async () => {
  kafka = testKafka(inject('kafkaBrokers'));
  await createTopics(kafka, topics, 4);
  producer = kafka.producer();
  await producer.connect();
  env = {
    CUSTOS_DATA_DIR: dataDir, KAFKA_BROKERS: inject('kafkaBrokers'), KAFKA_GROUP_ID: topics.groupId,
    KAFKA_TOPIC_MESSAGES: topics.messages, KAFKA_TOPIC_ADMIN: topics.admin, KAFKA_TOPIC_DLQ: topics.dlq,
    CUSTOS_INGEST_RETRY_MAX_MS: '500',
  };
});

afterAll(async () => {
  await killStartedCli();
  await producer?.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
});

function event(i: number) {
  const c = `C${i % 50}`;
  return { key: c, value: cloudEvent('message.created', { message_id: `m${i}`, conversation_id: c, conversation_type: 'channel', author_id: `U${i % 300}`, text: `message number ${i} about the quarterly plan` }, { id: `crash-${i}`, tenant: 'crash', time: new Date(Date.UTC(2026, 9, 1) + i * 1000).toISOString() }) };
}

async function produceRange(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 2000) {
    await produceJson(producer, topics.messages, Array.from({ length: Math.min(2000, to - i) }, (_, k) => event(i + k)));
  }
}

const committed = async () => TOTAL - (await groupLag(kafka, topics.groupId, [topics.messages]));

it('loses nothing and duplicates nothing when the consumer is SIGKILLed mid-stream', { timeout: 240_000 }, async () => {
  await produceRange(0, TOTAL / 2);
  const first: Running = startCli(['ingest'], env);
  const producing = produceRange(TOTAL / 2, TOTAL);
  // Kill once some, but not all, of the stream is committed.
  await waitFor('some offsets committed', async () => (await committed().catch(() => 0)) > 2000, 60_000, 50);
  first.child.kill('SIGKILL');
  const killed = await first.exited;
  expect(killed.signal).toBe('SIGKILL');
  await producing;
  const atKill = await committed();
  expect(atKill).toBeLessThan(TOTAL);

  const second = startCli(['ingest'], env);
  await waitFor('everything committed after restart', async () => (await committed()) === TOTAL, 120_000, 250);
  second.child.kill('SIGTERM');
  const stopped = await second.exited;
  expect(stopped.code, second.stderr()).toBe(0);
  expect(second.stderr()).toMatch(/custos ingest: stopped on SIGTERM: \d+ events stored, 0 sent to the DLQ/);

  const store = await createStore(testConfig(dataDir), { command: 'vitest crash check', queryTimeoutS: 30 });
  try {
    const [row] = await store.query<{ rows: string; ids: string; messages: string }>(
      'test: exact counts',
      `SELECT count() AS rows, uniqExact(event_id) AS ids, uniqExact(conversation_id, message_id) AS messages FROM message_versions WHERE tenant = 'crash'`,
    );
    expect(row).toEqual({ rows: String(TOTAL), ids: String(TOTAL), messages: String(TOTAL) });
  } finally {
    await store.close();
  }
});
