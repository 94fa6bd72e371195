/**
 * Engagement analytics (issue 11), on one fresh embedded store and the project's
 * Kafka broker:
 *  1. ingest throughput with the analytics views against without them, in the same
 *     run: rounds of the same shape with the views detached and attached in the order
 *     off, on, on, off (BENCH_ANALYTICS_ROUNDS a multiple of 4 balances it), each
 *     round pre-filled in its own topic and ingested by the real Kafka ingest;
 *  2. `metrics-backfill` of the whole tenant (so every round is in the tables);
 *  3. the dashboard's queries through HTTP with API-token auth, Casbin and audit:
 *     p50/p95 per kind, as an admin and as a manager (department scope), in three
 *     passes: a directory event stored before each request (every answer computed),
 *     the archive unchanged (cache hits), a message stored before each (live ingest:
 *     the bounded staleness, CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS, default 5).
 * A company of 2,000 people in 20 departments (Europe/Paris), 400 conversations, 90
 * days; 15% thread replies, 10% reactions, a call every 200 messages, an app every 50.
 * Environment: BENCH_ANALYTICS_MESSAGES (default 1,000,000), BENCH_ANALYTICS_ROUNDS
 * (default 4, even), BENCH_ANALYTICS_REQUESTS (per kind, default 40), KAFKA_BROKERS.
 */
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildSecurity, createApp } from '../api/app.js';
import { apiRoutes } from '../api/routes/index.js';
import { backfillAnalytics, ANALYTICS_VIEWS } from '../analytics/backfill.js';
import { writeAnalyticsSettings } from '../analytics/settings.js';
import { loadConfig } from '../common/config.js';
import { toRow } from '../common/events/rows.js';
import { validateEvent } from '../common/events/validate.js';
import { createLogger } from '../common/logger.js';
import { createMetrics } from '../common/metrics.js';
import { packageRoot } from '../common/paths.js';
import { createStore, type Store } from '../common/store/store.js';
import { createEventWriter } from '../ingest/event-writer.js';
import { createKafkaIngest } from '../ingest/kafka/consumer.js';
import { createWriteCoalescer } from '../ingest/write-coalescer.js';
import { migrate } from '../migrations/runner.js';
import { startBroker } from './lib/kafka-broker.js';
import { DAY, person, roundEvents, type CompanySpan } from './lib/engagement-company.js';
import { produce, storeDirectory, storedEvents } from './lib/engagement-fill.js';
import { fmt, summarize, until } from './lib/stats.js';

const TENANT = 'bench';
const START = Date.UTC(2026, 8, 2);
const SPAN = 90 * DAY;
const COMPANY: CompanySpan = { tenant: TENANT, start: START, span: SPAN };
/** CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS of the bench's API (the default unless set). */
const staleness = process.env.CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS ? { CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS: process.env.CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS } : {};
const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;

/** Attaches or detaches every analytics view (a detached view no longer runs at insert). */
async function setViews(store: Store, on: boolean): Promise<void> {
  const attached = await store.query<{ name: string }>('bench: views', 'SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}', { names: [...ANALYTICS_VIEWS] });
  if ((attached.length > 0) === on) return;
  for (const v of ANALYTICS_VIEWS) await store.command('bench: views', `${on ? 'ATTACH' : 'DETACH'} TABLE ${v}`);
}

interface Round { views: boolean; events: number; seconds: number; cpu: number }

async function ingestRound(brokers: string[], store: Store, topic: string, target: number, views: boolean, events: number): Promise<Round> {
  const metrics = createMetrics();
  const ingest = createKafkaIngest(
    { brokers, clientId: 'bench', groupId: `bench-${randomUUID()}`, topics: { messages: topic, admin: `${topic}.admin`, dlq: `${topic}.dlq` }, maxEventBytes: 512 * 1024, retryMaxMs: 1000 },
    { writer: createWriteCoalescer(createEventWriter(store)), metrics: metrics.ingest, log: pino({ level: 'warn' }) },
  );
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await ingest.start();
  await until('ingest to store the round', async () => (await storedEvents(store, TENANT)) >= target, 900_000, 100);
  const seconds = (performance.now() - t0) / 1000;
  const u = process.cpuUsage(c0);
  await ingest.stop();
  return { views, events, seconds, cpu: (u.user + u.system) / 1e6 };
}

interface Api { base: string; admin: string; manager: string; ceo: string; close(): Promise<void> }

async function startApi(store: Store, dataDir: string): Promise<Api> {
  const config = loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CUSTOS_RATE_LIMIT_PER_MIN: '1000000', ...staleness });
  const security = await buildSecurity({ config, store, publicUrl: 'http://127.0.0.1', audit: true });
  const token = async (role: string, name: string) => (await security.tokens.create({ tenant: TENANT, role, name, createdBy: 'bench' })).secret;
  // The default window of CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS: only the pass with new messages arriving can use it.
  const app = createApp({ store, registry: new Registry(), log: createLogger('silent'), security, routes: apiRoutes({ store, cursorSecret: 'bench', analyticsMaxStalenessS: config.analytics.maxStalenessS }) });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/tenants/${TENANT}/analytics`,
    admin: await token('admin', 'bench admin'),
    // The lead of department D3 (one department) and the CEO (all twenty, as a list).
    manager: await token('manager', `${person(3, 0).toLowerCase()}@bench.test`),
    ceo: await token('manager', 'ceo@bench.test'),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function timed(url: string, token: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`bench: ${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return performance.now() - t0;
}

export async function runAnalyticsBench(): Promise<void> {
  const messages = Number(process.env.BENCH_ANALYTICS_MESSAGES ?? 1_000_000);
  const rounds = Number(process.env.BENCH_ANALYTICS_ROUNDS ?? 4);
  const requests = Number(process.env.BENCH_ANALYTICS_REQUESTS ?? 40);
  const dir = join(packageRoot(), '.bench', `analytics-${randomUUID().slice(0, 8)}`);
  const broker = process.env.KAFKA_BROKERS ? undefined : await startBroker(join(packageRoot(), '.bench', 'kafka'), 'analytics');
  const brokers = (process.env.KAFKA_BROKERS ?? broker!.brokers).split(',');
  const store = await createStore(loadConfig({ CUSTOS_DATA_DIR: dir, LOG_LEVEL: 'silent' }), { command: 'bench analytics', queryTimeoutS: 600 });
  const kafka = new Kafka({ clientId: 'bench-producer', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await migrate(store);
    await writeAnalyticsSettings(store, TENANT, { time_zone: 'Europe/Paris' });
    await storeDirectory(store, COMPANY);
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    console.log(`analytics bench: ${fmt(messages)} messages in ${rounds} rounds, views off, on, on, off, ... (${load()})`);
    const results: Round[] = [];
    let target = 0;
    // Round 0 warms up (first consumer join, JIT, the tables' first parts) and is not counted.
    for (let round = -1; round < rounds; round++) {
      // Off, on, on, off, ... (the warm-up on): rounds slow as the archive grows, and this order weighs that on both sides alike.
      const views = round < 0 || round % 4 === 1 || round % 4 === 2;
      const topic = `bench-analytics-${randomUUID().slice(0, 8)}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
      const events = round < 0 ? roundEvents(COMPANY, rounds, rounds, messages / rounds / 10) : roundEvents(COMPANY, round, rounds, messages / rounds);
      await produce(producer, topic, events);
      await setViews(store, views);
      target += events.length;
      const r = await ingestRound(brokers, store, topic, target, views, events.length);
      if (round >= 0) results.push(r);
      console.log(`  ${round < 0 ? 'warm-up' : `round ${round + 1}`} views ${views ? 'on ' : 'off'}: ${fmt(r.events)} events in ${fmt(r.seconds, 1)} s = ${fmt(r.events / r.seconds)} events/s, ${fmt(r.cpu, 1)} CPU s (${load()})`);
    }
    await setViews(store, true);
    await admin.disconnect();
    const rate = (views: boolean) => {
      const rs = results.filter((x) => x.views === views);
      return { wall: rs.reduce((s, x) => s + x.events, 0) / rs.reduce((s, x) => s + x.seconds, 0), cpu: rs.reduce((s, x) => s + x.events, 0) / rs.reduce((s, x) => s + x.cpu, 0) };
    };
    const on = rate(true);
    const off = rate(false);
    console.log(`  ingest with views ${fmt(on.wall)} events/s against ${fmt(off.wall)} without: ratio ${fmt(on.wall / off.wall, 2)} (aim >= 0.9); per CPU second ${fmt(on.cpu)} against ${fmt(off.cpu)}: ratio ${fmt(on.cpu / off.cpu, 2)} (${load()})`);

    const t0 = performance.now();
    await backfillAnalytics(store, TENANT);
    console.log(`  metrics-backfill of ${fmt(target)} events: ${fmt((performance.now() - t0) / 1000, 1)} s (${load()})`);
    const [size] = await store.query<Record<string, string>>('bench: sizes', `SELECT
      (SELECT count() FROM analytics_person_days) AS person_days, (SELECT count() FROM analytics_conversation_days) AS conversation_days,
      (SELECT count() FROM analytics_threads) AS threads, (SELECT count() FROM analytics_calls) AS calls, (SELECT count() FROM analytics_app_days) AS app_days`);
    console.log(`  analytics rows: ${Object.entries(size!).map(([k, v]) => `${k} ${fmt(Number(v))}`).join(', ')}`);

    const api = await startApi(store, dir);
    const to = new Date(START + SPAN - DAY).toISOString().slice(0, 10);
    const from = new Date(START + SPAN - 28 * DAY).toISOString().slice(0, 10);
    const range = `from=${from}&to=${to}`;
    const kinds: Array<[string, string, string]> = [
      ['summary, admin', `/engagement/summary?${range}`, api.admin],
      ['summary, manager (1 department)', `/engagement/summary?${range}`, api.manager],
      ['summary, manager (20 departments)', `/engagement/summary?${range}`, api.ceo],
      ['active people per day', `/engagement?metric=active_people&period=day&${range}`, api.admin],
      ['messages per week by department', `/engagement?metric=messages&period=week&group_by=department&${range}`, api.admin],
      ['thread reply p50 by department, manager', `/engagement?metric=thread_reply_p50&period=week&group_by=department&${range}`, api.manager],
      ['DM reply p90 per week', `/engagement?metric=dm_reply_p90&period=week&${range}`, api.admin],
      ['call minutes per week, manager (20)', `/engagement?metric=call_seconds&period=week&${range}`, api.ceo],
      ['app invocations by app', `/engagement?metric=app_invocations&period=week&group_by=app&${range}`, api.admin],
      ['messages by conversation', `/engagement?metric=messages&period=week&group_by=conversation&${range}`, api.admin],
    ];
    // A new person in the directory between two requests changes the data the answers are read from (as live
    // ingest does): every answer is then computed afresh, none comes from the answer cache. Not timed.
    const writer = createEventWriter(store);
    let arrivals = 0;
    const store1 = async (e: Record<string, unknown>) => {
      const v = validateEvent({ specversion: '1.0', id: `arrival-${arrivals}`, source: 'slack://TBENCH', tenant: TENANT, ...e });
      arrivals++;
      if (!v.ok) throw new Error(`arrival event: ${v.reason}`);
      await writer.write([toRow(v, 'bench')]);
    };
    // A new person in the directory changes who is in which department: every answer is computed afresh.
    const newPerson = () => store1({ type: 'user.created', time: new Date(START - DAY).toISOString(), data: { user_id: `NEW${arrivals}`, email: `new${arrivals}@bench.test`, display_name: `NEW${arrivals}` } });
    // A new message, as live ingest stores them: answers may come from the cache for the staleness window.
    const newMessage = () => store1({ type: 'message.created', time: new Date(START + SPAN - 2 * DAY).toISOString(), data: { message_id: `live${arrivals}`, conversation_id: 'C1', conversation_type: 'channel', author_id: person(1, 1), text: 'live' } });
    const passes: Array<[string, string, (() => Promise<void>) | undefined]> = [
      ['computed', 'an event stored before each that changes the directory (every answer computed, no cache hit)', newPerson],
      ['archive unchanged', 'the archive unchanged between requests (answers from the answer cache after the first)', undefined],
      ['live messages', `a message stored before each, as live ingest does (answers from the cache for up to ${loadConfig(staleness).analytics.maxStalenessS} s after their data, CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS)`, newMessage],
    ];
    for (const [label, how, before] of passes) {
      const all: number[] = [];
      console.log(`  dashboard queries over the last 28 days, ${requests} each, sequential, through HTTP with auth and audit, ${how}:`);
      for (const [name, path, token] of kinds) {
        await timed(`${api.base}${path}`, token);
        const ms: number[] = [];
        let cpu = 0;
        for (let i = 0; i < requests; i++) {
          if (before) await before();
          // CPU of this process per request (client, server, audit and the embedded engine): what the load of other work does not inflate.
          const c0 = process.cpuUsage();
          ms.push(await timed(`${api.base}${path}`, token));
          const c = process.cpuUsage(c0);
          cpu += c.user + c.system;
        }
        all.push(...ms);
        const s = summarize(ms);
        console.log(`    ${name.padEnd(42)} p50 ${fmt(s.p50, 1)} ms  p95 ${fmt(s.p95, 1)} ms  CPU ${fmt(cpu / 1000 / requests, 1)} ms a request (${load()})`);
      }
      const s = summarize(all);
      console.log(`  all dashboard queries, ${label}: p50 ${fmt(s.p50, 1)} ms, p95 ${fmt(s.p95, 1)} ms (aim p95 < 50 ms) (${load()})`);
    }
    await api.close();
    console.log('  figures are upper bounds: the 2 cores are shared with other work');
  } finally {
    await producer.disconnect().catch(() => undefined);
    await store.close();
    broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
