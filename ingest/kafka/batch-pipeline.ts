/**
 * The per-batch pipeline: decode -> DLQ the rejects -> store the rows -> DLQ what
 * the store refused -> supervise (when policies are on) -> commit. kafkajs fetches the next batches only when eachBatch
 * returns, so a batch is handed to the pipeline and eachBatch returns at once: the
 * store works on batch N while Kafka fetches and decodes batch N+1.
 *
 * Offsets are committed per partition in order, each only after its own batch and
 * every earlier one are stored; a batch that was not stored stops the commits of
 * its partition until the next start, which replays from the last commit. At most
 * `maxInFlight` batches are accepted and not yet committed: that bound is the
 * backpressure. A failure no step could isolate ends the run (`fail`), and the
 * supervisor restarts ingest from the last commits.
 */
import type { EachBatchPayload } from 'kafkajs';
import type { IngestMetrics } from '../../common/metrics.js';
import type { Logger } from '../../common/logger.js';
import { errorMessage } from '../../common/errors.js';
import { StoppedError } from '../retry.js';
import type { CommitStep } from './commit-step.js';
import type { DecodeStep } from './decode-step.js';
import type { DlqStep } from './dlq-step.js';
import type { IngestHealthTracker } from './ingest-health.js';
import type { BatchRef } from './step-context.js';
import type { StoreStep } from './store-step.js';
import type { SuperviseStep } from './supervise-step.js';
import type { ErasedStep } from './erased-step.js';

export interface PipelineParts {
  decode: DecodeStep;
  dlq: DlqStep;
  store: StoreStep;
  /** Review-queue flags of the stored message versions (absent: no supervision). */
  supervise?: SuperviseStep;
  /** Drops or pseudonymizes rows of erased people before anything else sees them (absent: no list consulted). */
  erased?: ErasedStep;
  commit: CommitStep;
  health: IngestHealthTracker;
  metrics: IngestMetrics;
  log: Logger;
  maxInFlight: number;
  stopped: () => boolean;
  /** Called once when a batch fails in a way no step isolates. */
  fail: (err: unknown) => void;
}

export interface BatchPipeline {
  eachBatch(payload: EachBatchPayload): Promise<void>;
  /** Resolves when every accepted batch has finished (committed or abandoned). */
  drain(): Promise<void>;
}

export function createBatchPipeline(p: PipelineParts): BatchPipeline {
  const inFlight = new Set<Promise<void>>();
  const tails = new Map<string, Promise<boolean>>();
  let failed = false;

  /** Stores a decoded batch; false when stopped before it was stored (it will be redelivered). */
  async function storeBatch(ref: BatchRef, decoded: Awaited<ReturnType<DecodeStep['decode']>>): Promise<boolean> {
    try {
      await p.erased?.(ref, decoded);
      await p.dlq(ref, decoded.rejected);
      const refused = await p.store(ref, decoded);
      await p.dlq(ref, refused);
      await p.supervise?.(ref, decoded, refused);
      p.metrics.paused.set(0);
      return true;
    } catch (err) {
      if (!(err instanceof StoppedError)) throw err;
      p.log.info({ topic: ref.topic, partition: ref.partition }, 'stopped before the batch was stored; it will be redelivered');
      return false;
    }
  }

  function track(done: Promise<unknown>): void {
    const tracked = done.then(() => undefined);
    inFlight.add(tracked);
    void tracked.finally(() => {
      inFlight.delete(tracked);
      p.health.batchInHand(-1);
    });
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (failed || batch.messages.length === 0 || p.stopped()) return;
    while (inFlight.size >= p.maxInFlight) await Promise.race(inFlight);
    p.health.batchInHand(1);
    const timer = p.metrics.batchSeconds.startTimer({ topic: batch.topic });
    const ref: BatchRef = { topic: batch.topic, partition: batch.partition, heartbeat: payload.heartbeat };
    const key = `${batch.topic}/${batch.partition}`;
    const previous = tails.get(key) ?? Promise.resolve(true);
    const next = BigInt(batch.lastOffset()) + 1n;
    const lag = Number(batch.offsetLag());
    const done: Promise<boolean> = p.decode.decode(batch.topic, batch.partition, batch.messages)
      .then((decoded) => Promise.all([previous, storeBatch(ref, decoded)]))
      .then(async ([earlierOk, ok]) => {
        if (!earlierOk || !ok) return false;
        const committed = await p.commit({ topic: batch.topic, partition: batch.partition, next, isStale: payload.isStale });
        if (committed) {
          p.metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, lag);
          p.health.committed();
          timer();
        }
        return committed;
      })
      .catch((err: unknown) => {
        p.log.error({ topic: batch.topic, partition: batch.partition, err: errorMessage(err) }, 'batch failed; ingest restarts from the last commits');
        if (!failed) {
          failed = true;
          p.fail(err);
        }
        return false;
      });
    tails.set(key, done);
    track(done);
    // Move the fetch position now; the commit above is what a restart resumes from.
    payload.resolveOffset(batch.lastOffset());
  }

  return {
    eachBatch,
    async drain() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
