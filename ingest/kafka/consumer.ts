/**
 * Kafka ingest: one consumer in the configured group reads both topics and hands
 * each fetched partition batch to the pipeline (batch-pipeline.ts): decode ->
 * DLQ the rejects -> store the rows exactly once -> commit. A batch is never
 * committed before its rows and its rejects are durably somewhere, so a crash at
 * any point replays it and the writer's seen-id check stores nothing twice.
 *
 * One `start()` is one run with fresh clients. A run ends by `stop()` or by a crash
 * (the consumer crashed, or a batch failed in a way no step isolates); `onCrash`
 * tells the supervisor (supervisor.ts), which restarts it with backoff. `health()`
 * says what ingest is doing, for /readyz and /metrics.
 */
import type { Consumer } from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import type { IngestMetrics } from '../../common/metrics.js';
import { errorMessage } from '../../common/errors.js';
import type { EventWriter } from '../event-writer.js';
import { createBatchPipeline, type BatchPipeline } from './batch-pipeline.js';
import { createCommitStep } from './commit-step.js';
import { createDecodeStep, type DecodeStep } from './decode-step.js';
import { createDlqStep } from './dlq-step.js';
import { IngestHealthTracker, type IngestHealth } from './ingest-health.js';
import { createKafkaClients, createReachabilityProbe, ensureTopics, type KafkaClients, type KafkaConnection } from './kafka-clients.js';
import { createStoreStep } from './store-step.js';
import { createSuperviseStep, type SuperviseDeps } from './supervise-step.js';
import { createErasedStep } from './erased-step.js';
import type { ErasedFilter } from '../erased-subjects.js';

export interface KafkaIngestOptions extends KafkaConnection {
  topics: { messages: string; admin: string; dlq: string };
  maxEventBytes: number;
  retryMaxMs: number;
  /** Partitions processed at once; more overlaps decoding with store round trips. */
  concurrency?: number;
  /** Decode on a worker thread (default when running compiled; source runs under vitest decode in-thread). */
  decodeInWorker?: boolean;
  /** A batch in hand with no commit for this long makes ingest `stalled` (default 120 s). */
  stallMs?: number;
}

export interface KafkaIngest {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Kafka answers a metadata request within the timeout (whether or not a run is up). */
  reachable(timeoutMs?: number): Promise<boolean>;
  /** Releases what outlives runs (the reachability probe); after the last stop. */
  close(): Promise<void>;
  running(): boolean;
  health(): IngestHealth;
  /** Called when a run ends by itself; the supervisor stops and restarts it. */
  onCrash(listener: (err: unknown) => void): void;
  /** The health tracker's record of a restart (the supervisor calls it). */
  restarted(): void;
}

export interface KafkaIngestDeps {
  writer: EventWriter;
  metrics: IngestMetrics;
  log: Logger;
  /** Supervision policies and the review queue (docs/supervision.md); without them no message is evaluated. */
  supervision?: SuperviseDeps;
  /** The erased-subjects list (docs/erasure.md); without it no event is checked against it. */
  erased?: ErasedFilter;
}

interface Run {
  clients: KafkaClients;
  decode: DecodeStep;
  pipeline: BatchPipeline;
  running: boolean;
}

export function createKafkaIngest(o: KafkaIngestOptions, deps: KafkaIngestDeps): KafkaIngest {
  const { writer, metrics, log } = deps;
  const health = new IngestHealthTracker({ stallMs: o.stallMs ?? 120_000 });
  metrics.reportHealth(() => health.snapshot());
  const inWorker = o.decodeInWorker ?? import.meta.url.endsWith('.js');
  const crashListeners: Array<(err: unknown) => void> = [];
  const probe = createReachabilityProbe(o, log);
  let run: Run | undefined;
  let stopping = false;

  function crash(err: unknown): void {
    if (stopping) return;
    health.crashed(errorMessage(err));
    metrics.crashes.inc();
    log.error({ err: errorMessage(err) }, 'Kafka ingest crashed; it will be restarted');
    for (const l of crashListeners) l(err);
  }

  function watch(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const partitions = Object.values(e.payload.memberAssignment).reduce((n, list) => n + list.length, 0);
      health.joined(partitions);
      log.info({ partitions: e.payload.memberAssignment }, 'joined the consumer group');
    });
    consumer.on(consumer.events.REBALANCING, () => health.rebalancing());
    consumer.on(consumer.events.CRASH, (e) => crash(e.payload.error));
  }

  function newRun(): Run {
    const clients = createKafkaClients(o, log);
    const ctx = { metrics, log, retryMaxMs: o.retryMaxMs, stopped: () => stopping };
    const policies = deps.supervision?.policies;
    const decode = createDecodeStep({ maxEventBytes: o.maxEventBytes, inWorker, log, ...(policies ? { policies: () => policies.snapshot() } : {}) });
    const pipeline = createBatchPipeline({
      decode,
      dlq: createDlqStep(ctx, clients.producer, o.topics.dlq),
      store: createStoreStep(ctx, writer),
      ...(deps.supervision ? { supervise: createSuperviseStep(ctx, deps.supervision) } : {}),
      ...(deps.erased ? { erased: createErasedStep(ctx, deps.erased) } : {}),
      commit: createCommitStep(clients.consumer, log),
      health, metrics, log,
      maxInFlight: (o.concurrency ?? 4) * 2,
      stopped: () => stopping,
      fail: crash,
    });
    watch(clients.consumer);
    return { clients, decode, pipeline, running: false };
  }

  async function closeRun(r: Run): Promise<void> {
    // Finish (and commit) the batches in hand; a batch still retrying against a dead store is abandoned uncommitted.
    await r.pipeline.drain();
    if (r.running) await r.clients.consumer.stop().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'consumer stop failed'));
    await Promise.allSettled([r.clients.consumer.disconnect(), r.clients.producer.disconnect(), r.clients.admin.disconnect()]);
    await r.decode.close();
  }

  return {
    async start() {
      stopping = false;
      health.starting();
      const r = (run = newRun());
      const { admin, producer, consumer } = r.clients;
      try {
        await deps.supervision?.policies.start();
        await admin.connect();
        await ensureTopics(admin, [o.topics.messages, o.topics.admin, o.topics.dlq], log);
        await producer.connect();
        await consumer.connect();
        await consumer.subscribe({ topics: [o.topics.messages, o.topics.admin], fromBeginning: true });
        await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: o.concurrency ?? 4, eachBatch: r.pipeline.eachBatch });
      } catch (err) {
        health.crashed(`start failed: ${errorMessage(err)}`);
        throw err;
      }
      r.running = true;
    },
    async stop() {
      stopping = true;
      const r = run;
      run = undefined;
      if (r) await closeRun(r);
      deps.supervision?.policies.stop();
      health.stopped();
      metrics.paused.set(0);
    },
    reachable: (timeoutMs = 2000) => probe.reachable(timeoutMs),
    close: () => probe.close(),
    running: () => run?.running === true && !stopping,
    health: () => health.snapshot(),
    onCrash(listener) {
      crashListeners.push(listener);
    },
    restarted() {
      health.restarted();
      metrics.restarts.inc();
    },
  };
}
