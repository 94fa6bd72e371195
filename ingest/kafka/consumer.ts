/**
 * Kafka ingest: one consumer in the configured group reads both topics. Per fetched
 * partition batch: decode (validate) -> DLQ the rejects -> store the rows exactly
 * once -> commit the offset after the last record. A batch is never committed
 * before its rows and its rejects are durably somewhere, so a crash at any point
 * replays it and the writer's seen-id check stores nothing twice.
 *
 * Backpressure: while the store or the DLQ fails, the batch is retried with backoff
 * in place (the partition makes no progress, nothing is dropped) and heartbeats keep
 * the group membership. Stop (SIGTERM) lets the batch in hand finish and commit.
 */
import { Kafka, Partitioners, logLevel, type Consumer, type EachBatchPayload, type Producer, type Admin } from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import type { IngestMetrics } from '../../common/metrics.js';
import { errorMessage } from '../../common/errors.js';
import type { EventWriter } from '../event-writer.js';
import { retryUntilDone, describeRetry, StoppedError } from '../retry.js';
import { isDataRejection } from '../store-rejections.js';
import { decodeBatch, type DecodedBatch, type Rejected } from './decode-batch.js';
import { createDecodePool, type DecodePool } from './decode-pool.js';
import { registerCompressionCodecs } from './codecs.js';
import { sendToDlq } from './dlq.js';

export interface KafkaIngestOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  topics: { messages: string; admin: string; dlq: string };
  maxEventBytes: number;
  retryMaxMs: number;
  /** Partitions processed at once; more overlaps decoding with store round trips. */
  concurrency?: number;
  /** Decode on a worker thread (default when running compiled; source runs under vitest decode in-thread). */
  decodeInWorker?: boolean;
}

export interface KafkaIngest {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Kafka answers a metadata request within the timeout. */
  reachable(timeoutMs?: number): Promise<boolean>;
  running(): boolean;
}

export interface KafkaIngestDeps {
  writer: EventWriter;
  metrics: IngestMetrics;
  log: Logger;
}

const REBALANCE_ERRORS = new Set(['UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE']);

/** A commit refused because the group changed under us: safe to leave to the next owner. */
function isRebalance(err: unknown): boolean {
  const e = err as { type?: string; cause?: { type?: string } };
  return REBALANCE_ERRORS.has(e.type ?? '') || REBALANCE_ERRORS.has(e.cause?.type ?? '');
}

function kafkaLogLevel(log: Logger): logLevel {
  return log.isLevelEnabled('debug') ? logLevel.INFO : logLevel.ERROR;
}

export function createKafkaIngest(o: KafkaIngestOptions, deps: KafkaIngestDeps): KafkaIngest {
  const { writer, metrics, log } = deps;
  registerCompressionCodecs();
  const kafka = new Kafka({
    clientId: o.clientId,
    brokers: o.brokers,
    logLevel: kafkaLogLevel(log),
    logCreator: () => ({ namespace, level, log: entry }) => {
      const { message, ...rest } = entry;
      log.child({ kafka: namespace }).warn({ ...rest, level }, message);
    },
    retry: { retries: 10, maxRetryTime: 30_000 },
  });
  const consumer: Consumer = kafka.consumer({
    groupId: o.groupId,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxBytes: 64 * 1024 * 1024,
    maxWaitTimeInMs: 100,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
  });
  // The DLQ keeps the source key, so the default (murmur2, Java-compatible) partitioner keeps a conversation's rejects together.
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
  const admin: Admin = kafka.admin();
  let stopping = false;
  let started = false;
  const MAX_IN_FLIGHT = (o.concurrency ?? 4) * 2;
  const inFlight = new Set<Promise<void>>();
  const tails = new Map<string, Promise<boolean>>();
  const committed = new Map<string, bigint>();
  let failure: unknown;
  const inWorker = o.decodeInWorker ?? import.meta.url.endsWith('.js');
  let pool: DecodePool | undefined;

  async function storeRows(payload: EachBatchPayload, decoded: DecodedBatch): Promise<Rejected[]> {
    const { topic } = payload.batch;
    const onRetry = async (attempt: number, err: unknown, delay: number) => {
      metrics.storeRetries.inc({ operation: 'store' });
      metrics.paused.set(1);
      log.warn({ topic, partition: payload.batch.partition }, describeRetry('store batch', attempt, err, delay));
      await payload.heartbeat().catch(() => undefined);
    };
    try {
      const result = await retryUntilDone(() => writer.write(decoded.rows), {
        operation: 'store batch', maxDelayMs: o.retryMaxMs, stopped: () => stopping, onRetry, isPermanent: isDataRejection,
      });
      for (const [table, n] of Object.entries(result.byTable)) metrics.rows.inc({ table }, n);
      metrics.records.inc({ topic, result: 'stored' }, result.inserted);
      metrics.records.inc({ topic, result: 'duplicate' }, result.duplicates);
      return [];
    } catch (err) {
      if (!isDataRejection(err)) throw err;
      return isolateRejectedRows(decoded, err, onRetry);
    }
  }

  /** The store refused the batch: write row by row and DLQ exactly the rows it refuses. */
  async function isolateRejectedRows(decoded: DecodedBatch, first: unknown, onRetry: (a: number, e: unknown, d: number) => Promise<void>): Promise<Rejected[]> {
    log.error({ err: errorMessage(first) }, 'store refused a batch; isolating the rows it refuses');
    const refused: Rejected[] = [];
    for (let i = 0; i < decoded.rows.length; i++) {
      try {
        await retryUntilDone(() => writer.write([decoded.rows[i]!]), { operation: 'store row', maxDelayMs: o.retryMaxMs, stopped: () => stopping, onRetry, isPermanent: isDataRejection });
      } catch (err) {
        if (!isDataRejection(err)) throw err;
        refused.push({ record: decoded.rowRecords[i]!, reason: 'store_rejected', detail: errorMessage(err).slice(0, 500), step: 'store' });
      }
    }
    return refused;
  }

  async function dlq(payload: EachBatchPayload, rejected: Rejected[]): Promise<void> {
    if (rejected.length === 0) return;
    const { topic, partition } = payload.batch;
    await retryUntilDone(() => sendToDlq(producer, o.topics.dlq, topic, partition, rejected), {
      operation: 'send to DLQ', maxDelayMs: o.retryMaxMs, stopped: () => stopping,
      onRetry: async (attempt, err, delay) => {
        metrics.storeRetries.inc({ operation: 'dlq' });
        metrics.paused.set(1);
        log.warn(describeRetry('send to DLQ', attempt, err, delay));
        await payload.heartbeat().catch(() => undefined);
      },
    });
    for (const r of rejected) {
      metrics.dlq.inc({ topic, reason: r.reason });
      metrics.records.inc({ topic, result: 'dlq' });
    }
  }

  /** Stores a decoded batch; false when stopped before it was stored (it will be redelivered). */
  async function storeBatch(payload: EachBatchPayload, decoded: DecodedBatch): Promise<boolean> {
    try {
      await dlq(payload, decoded.rejected);
      const refused = await storeRows(payload, decoded);
      await dlq(payload, refused);
      metrics.paused.set(0);
      return true;
    } catch (err) {
      if (err instanceof StoppedError) {
        log.info({ topic: payload.batch.topic, partition: payload.batch.partition }, 'stopped before the batch was stored; it will be redelivered');
        return false;
      }
      throw err;
    }
  }

  async function commit(payload: EachBatchPayload, next: bigint): Promise<boolean> {
    const { topic, partition } = payload.batch;
    const key = `${topic}/${partition}`;
    // Never move a committed offset backwards (work from before a consumer restart may finish late).
    if ((committed.get(key) ?? -1n) >= next) return true;
    if (payload.isStale()) {
      // The partition moved to another member while we stored: it replays from the
      // last commit there, and the writer's seen-id check stores nothing twice.
      log.info({ topic, partition }, 'partition reassigned during the batch; leaving the commit to its new owner');
      return false;
    }
    try {
      await consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
      committed.set(key, next);
      return true;
    } catch (err) {
      if (!isRebalance(err)) throw err;
      log.info({ topic, partition, err: errorMessage(err) }, 'group rebalanced before the commit; the batch will be redelivered and deduplicated');
      return false;
    }
  }

  /**
   * kafkajs fetches the next batches only when eachBatch returns, so a batch is
   * handed to the pipeline and eachBatch returns at once: the store works on batch N
   * while Kafka fetches and decodes batch N+1. Offsets are committed per partition
   * in order, each only after its own batch and every earlier one are stored; a
   * batch that was not stored stops the commits of its partition until the next
   * start, which replays from the last commit. At most MAX_IN_FLIGHT batches are
   * accepted and not yet committed: that bound is the backpressure.
   */
  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    if (failure !== undefined) {
      const err = failure;
      failure = undefined;
      tails.clear();
      throw err; // kafkajs restarts the consumer, which replays from the last commits
    }
    const { batch } = payload;
    if (batch.messages.length === 0 || stopping) return;
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const timer = metrics.batchSeconds.startTimer({ topic: batch.topic });
    const decoded = pool
      ? await pool.decode(batch.topic, batch.partition, batch.messages, o.maxEventBytes)
      : decodeBatch(batch.topic, batch.partition, batch.messages, o.maxEventBytes);
    const key = `${batch.topic}/${batch.partition}`;
    const previous = tails.get(key) ?? Promise.resolve(true);
    const next = BigInt(batch.lastOffset()) + 1n;
    const lag = Number(batch.offsetLag());
    const stored = storeBatch(payload, decoded);
    const done: Promise<boolean> = Promise.all([previous, stored]).then(async ([earlierOk, ok]) => {
      if (!earlierOk || !ok) return false;
      const committedNow = await commit(payload, next);
      if (committedNow) {
        metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, lag);
        timer();
      }
      return committedNow;
    }).catch((err: unknown) => {
      log.error({ topic: batch.topic, partition: batch.partition, err: errorMessage(err) }, 'batch failed; the consumer restarts from the last commit');
      failure = err;
      return false;
    });
    tails.set(key, done);
    const tracked = done.then(() => undefined);
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
    // Move the fetch position now; the commit above is what a restart resumes from.
    payload.resolveOffset(batch.lastOffset());
  }

  async function ensureTopics(): Promise<void> {
    const existing = new Set(await admin.listTopics());
    const missing = [o.topics.messages, o.topics.admin, o.topics.dlq].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: true });
      log.info({ topics: missing }, 'created missing topics with the broker defaults');
    } catch (err) {
      log.warn({ topics: missing, err: errorMessage(err) }, 'could not create missing topics; subscribing anyway');
    }
  }

  return {
    async start() {
      stopping = false;
      failure = undefined;
      tails.clear();
      committed.clear();
      if (inWorker) pool ??= createDecodePool();
      await admin.connect();
      await ensureTopics();
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [o.topics.messages, o.topics.admin], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: o.concurrency ?? 4,
        eachBatch,
      });
      started = true;
    },
    async stop() {
      stopping = true;
      // Finish (and commit) the batches in hand; a batch still retrying against a dead store is abandoned uncommitted.
      await Promise.allSettled([...inFlight]);
      if (started) await consumer.stop();
      await consumer.disconnect();
      await producer.disconnect();
      await admin.disconnect();
      await pool?.close();
      pool = undefined;
      started = false;
    },
    async reachable(timeoutMs = 2000) {
      const probe = admin.describeCluster().then(() => true, () => false);
      const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
      return Promise.race([probe, timeout]);
    },
    running: () => started && !stopping,
  };
}
