/**
 * A consumer that stops consuming says so, and comes back by itself: a broker of
 * this test's own is stopped under a running ingest (real chDB behind it), /readyz
 * goes not-ready with the ingest state `crashed`, the broker comes back on the same
 * port and data directory, the supervisor restarts ingest, /readyz is ready again,
 * and the records produced after the restart are stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { createMetrics, type Metrics } from '../../common/metrics.js';
import type { Stoppable } from '../../common/lifecycle.js';
import { healthRoutes } from '../../api/routes/health.js';
import { createEventWriter } from '../event-writer.js';
import { createKafkaIngest, type KafkaIngest } from './consumer.js';
import { superviseIngest } from './supervisor.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { cloudEvent, DATA_BY_TYPE, waitFor } from '../../test/helpers/events.js';
import { createTopics, produceJson, testKafka, uniqueTopics } from '../../test/helpers/kafka.js';

const script = join(process.cwd(), 'scripts', 'kafka-broker.sh');
const dir = join(process.cwd(), '.test-runs', `kafka-restart-${process.pid}`);
let port = 0;
let brokers = '';
const startBroker = () => execFileSync('bash', [script, 'start', dir, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
const stopBroker = () => execFileSync('bash', [script, 'stop', dir], { stdio: 'inherit' });

const topics = uniqueTopics('restart');
let ts: TestStore;
let metrics: Metrics;
let ingest: KafkaIngest;
let supervisor: Stoppable;
let server: Server;
let url: string;

async function readyz(): Promise<{ status: number; body: { checks: Record<string, string>; ingest: { state: string; restarts: number } } }> {
  const r = await fetch(`${url}/readyz`);
  return { status: r.status, body: (await r.json()) as never };
}

async function stored(): Promise<number> {
  const [row] = await ts.store.query<{ n: string }>('test: count', `SELECT count() AS n FROM message_versions WHERE tenant = 'restart'`);
  return Number(row!.n);
}

const events = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({
  key: 'C1',
  value: cloudEvent('message.created', { ...DATA_BY_TYPE['message.created'], message_id: `r${from + i}` }, { id: `restart-${from + i}`, tenant: 'restart' }),
}));

async function produce(from: number, n: number): Promise<void> {
  const producer = testKafka(brokers).producer();
  await producer.connect();
  await produceJson(producer, topics.messages, events(from, n));
  await producer.disconnect();
}

const portFree = (p: number) => new Promise<boolean>((resolve) => {
  const probe = createNetServer().listen(p, '127.0.0.1', () => probe.close(() => resolve(true)));
  probe.on('error', () => resolve(false));
});

/** The broker must come back on the same port, so the pair (broker, controller) is chosen once. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const p = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await portFree(p)) && (await portFree(p + 1))) return p;
  }
}

beforeAll(async () => {
  port = await freePortPair();
  brokers = `127.0.0.1:${port}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  startBroker();
  await createTopics(testKafka(brokers), topics, 2);
  ts = await openTestStore('restart');
  metrics = createMetrics();
  ingest = createKafkaIngest(
    { brokers: [brokers], clientId: 'custos-test', groupId: topics.groupId, topics, maxEventBytes: 65_536, retryMaxMs: 500, requestRetry: { retries: 2, maxRetryTime: 1000 } },
    { writer: createEventWriter(ts.store), metrics: metrics.ingest, log: pino({ level: 'silent' }) },
  );
  supervisor = superviseIngest(ingest, pino({ level: 'silent' }), { initialDelayMs: 500, maxDelayMs: 2000 });
  const app = express().use(healthRoutes({ store: ts.store, registry: metrics.registry, ingest }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  server?.close();
  await supervisor?.stop();
  await ts?.close();
  stopBroker();
  rmSync(dir, { recursive: true, force: true });
});

describe('ingest supervisor', () => {
  it('is not ready while the consumer is down, restarts by itself, and is ready and storing again after', async () => {
    await waitFor('ready', async () => (await readyz()).status === 200, 60_000);
    expect((await readyz()).body.checks).toEqual({ store: 'ok', kafka: 'ok', ingest: 'consuming' });
    await produce(0, 50);
    await waitFor('the first records', async () => (await stored()) === 50, 30_000);

    stopBroker();
    const down = await waitFor('not ready with the consumer crashed', async () => {
      const r = await readyz();
      return r.status === 503 && r.body.checks.ingest === 'crashed' ? r : undefined;
    }, 90_000);
    expect(down.body.checks.kafka).toBe('down');
    expect(await metrics.registry.getSingleMetricAsString('custos_ingest_up')).toMatch(/custos_ingest_up 0$/m);

    startBroker();
    const back = await waitFor('ready again', async () => {
      const r = await readyz();
      return r.status === 200 ? r : undefined;
    }, 120_000);
    expect(back.body.checks.ingest).toBe('consuming');
    expect(back.body.ingest.restarts).toBeGreaterThanOrEqual(1);
    expect(await metrics.registry.getSingleMetricAsString('custos_ingest_restarts_total')).toMatch(/custos_ingest_restarts_total [1-9]/);
    await produce(50, 50);
    await waitFor('the records after the restart', async () => (await stored()) === 100, 60_000);
  }, 300_000);
});
