/**
 * `custos serve` as an SRE sees it: /healthz, /readyz that follows the store and
 * Kafka, /metrics with the ingest counters, and an API that stays up while Kafka is
 * unreachable.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rmSync } from 'node:fs';
import type { Kafka, Producer } from 'kafkajs';
import { killStartedCli, startCli, type Running } from '../test/helpers/cli.js';
import { testDataDir } from '../test/helpers/store.js';
import { cloudEvent, DATA_BY_TYPE, waitFor } from '../test/helpers/events.js';
import { createTopics, produceJson, testKafka, uniqueTopics } from '../test/helpers/kafka.js';

const dirs: string[] = [];
let kafka: Kafka;
let producer: Producer;

function serve(env: Record<string, string>): { run: Running; url: () => string } {
  const d = testDataDir('serve');
  dirs.push(d);
  const run = startCli(['serve'], { CUSTOS_DATA_DIR: d, PORT: '0', ...env });
  return { run, url: () => /listening on (http:\/\/[^ ]+)/.exec(run.stderr())?.[1] ?? '' };
}

async function stop(run: Running): Promise<number | null> {
  run.child.kill('SIGTERM');
  return (await run.exited).code;
}

beforeAll(async () => {
  kafka = testKafka(inject('kafkaBrokers'));
  producer = kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await killStartedCli();
  await producer?.disconnect();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('custos serve', () => {
  it('is ready with the store and Kafka, counts ingest in /metrics, and stops with exit 0', async () => {
    const topics = uniqueTopics('serve');
    await createTopics(kafka, topics, 2);
    const s = serve({ KAFKA_BROKERS: inject('kafkaBrokers'), KAFKA_GROUP_ID: topics.groupId, KAFKA_TOPIC_MESSAGES: topics.messages, KAFKA_TOPIC_ADMIN: topics.admin, KAFKA_TOPIC_DLQ: topics.dlq });
    await waitFor('serve to listen', async () => s.url() !== '', 30_000);
    expect(await (await fetch(`${s.url()}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await waitFor('ready', async () => {
      const r = await fetch(`${s.url()}/readyz`);
      return r.status === 200 ? r.json() : undefined;
    }, 30_000);
    expect(ready).toEqual({ status: 'ready', checks: { store: 'ok', kafka: 'ok' } });
    await produceJson(producer, topics.messages, [
      { key: 'C1', value: cloudEvent('message.created', DATA_BY_TYPE['message.created'], { tenant: 'srv' }) },
      { key: 'C1', value: 'not json' },
    ]);
    const metrics = await waitFor('ingest counters', async () => {
      const text = await (await fetch(`${s.url()}/metrics`)).text();
      // Counters move when the batch is stored; the batch time and lag when its offset is committed.
      const committed = /custos_ingest_batch_seconds_count\{topic="[^"]+"\} [1-9]/.test(text) && /custos_ingest_consumer_lag\{topic="[^"]+",partition="\d"\} 0/.test(text);
      return committed && /custos_ingest_records_total\{topic="[^"]+",result="stored"\} 1/.test(text) ? text : undefined;
    }, 30_000);
    expect(metrics).toMatch(/custos_ingest_dlq_total\{topic="[^"]+",reason="not_json"\} 1/);
    expect(await stop(s.run)).toBe(0);
    expect(s.run.stderr()).toContain('custos serve: stopped on SIGTERM');
  });

  it('keeps answering while Kafka is unreachable, and says so in /readyz', async () => {
    const s = serve({ KAFKA_BROKERS: '127.0.0.1:1' });
    await waitFor('serve to listen', async () => s.url() !== '', 30_000);
    const r = await fetch(`${s.url()}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ status: 'not ready', checks: { store: 'ok', kafka: 'down' } });
    expect((await fetch(`${s.url()}/healthz`)).status).toBe(200);
    expect(await stop(s.run)).toBe(0);
  });
});
