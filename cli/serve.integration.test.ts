/**
 * `custos serve` as an SRE sees it: /healthz, /readyz that follows the store and
 * Kafka, /metrics with the ingest counters, and an API that stays up while Kafka is
 * unreachable.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
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
    expect(ready).toMatchObject({ status: 'ready', checks: { store: 'ok', kafka: 'ok', ingest: 'consuming' }, ingest: { state: 'consuming', partitions: 4, restarts: 0 } });
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
    expect(metrics).toMatch(/^custos_ingest_up 1$/m);
    expect(metrics).toMatch(/^custos_ingest_state\{state="consuming"\} 1$/m);
    expect(metrics).toMatch(/^custos_ingest_assigned_partitions 4$/m);
    expect(await stop(s.run)).toBe(0);
    expect(s.run.stderr()).toContain('custos serve: stopped on SIGTERM');
  });

  it('keeps answering while Kafka is unreachable, and says so in /readyz', async () => {
    const s = serve({ KAFKA_BROKERS: '127.0.0.1:1' });
    await waitFor('serve to listen', async () => s.url() !== '', 30_000);
    const body = await waitFor('the failed start to show', async () => {
      const r = await fetch(`${s.url()}/readyz`);
      expect(r.status).toBe(503);
      const b = (await r.json()) as { checks: { ingest: string } };
      return b.checks.ingest === 'crashed' ? b : undefined;
    }, 30_000);
    expect(body).toMatchObject({ status: 'not ready', checks: { store: 'ok', kafka: 'down', ingest: 'crashed' } });
    expect((await fetch(`${s.url()}/healthz`)).status).toBe(200);
    expect(await stop(s.run)).toBe(0);
  });

  it('answers a request that arrives during start-up (503 starting, Retry-After), then serves', async () => {
    // An IdP whose discovery takes 4 s holds serve in its start-up window.
    const idp = createServer((req, res) => {
      const base = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        issuer: base, authorization_endpoint: `${base}/auth`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`,
        response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'],
      })), req.url?.startsWith('/.well-known/') ? 4000 : 0);
    }).listen(0, '127.0.0.1');
    await once(idp, 'listening');
    const port = await freePort();
    try {
      const s = serve({ PORT: String(port), OIDC_ISSUER: `http://127.0.0.1:${(idp.address() as AddressInfo).port}`, OIDC_CLIENT_ID: 'custos' });
      const during = await waitFor('the port to answer', async () => fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined), 30_000);
      expect(s.url(), 'still starting when the first answer came').toBe('');
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('1');
      expect(during.headers.get('content-type')).toBe('application/problem+json');
      expect(await during.json()).toMatchObject({ status: 503, title: 'Starting', type: expect.stringMatching(/starting$/) });
      await waitFor('serve to finish starting', async () => s.url() !== '', 30_000);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(await stop(s.run)).toBe(0);
    } finally {
      idp.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
