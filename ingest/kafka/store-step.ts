/**
 * Stores a decoded batch exactly once through the writer. A store that is away is
 * waited for (retry with backoff, `custos_ingest_paused` = 1, heartbeats keep the
 * group membership). A failure the rows themselves cause (the store refuses them,
 * or a step throws on them) is isolated row by row: the rows that go in are
 * stored, the others come back as rejects for the DLQ with the reason.
 */
import { errorMessage } from '../../common/errors.js';
import type { EventWriter } from '../event-writer.js';
import { describeRetry, retryUntilDone } from '../retry.js';
import { isDataRejection } from '../store-rejections.js';
import { stepFailure, type DecodedBatch, type Rejected } from './decode-batch.js';
import { isInputFailure } from './step-failures.js';
import type { BatchRef, StepContext } from './step-context.js';

export type StoreStep = (batch: BatchRef, decoded: DecodedBatch) => Promise<Rejected[]>;

const isolatable = (err: unknown) => isDataRejection(err) || isInputFailure(err);

export function createStoreStep(ctx: StepContext, writer: EventWriter): StoreStep {
  const onRetryFor = (batch: BatchRef) => async (attempt: number, err: unknown, delay: number) => {
    ctx.metrics.storeRetries.inc({ operation: 'store' });
    ctx.metrics.paused.set(1);
    ctx.log.warn({ topic: batch.topic, partition: batch.partition }, describeRetry('store batch', attempt, err, delay));
    await batch.heartbeat().catch(() => undefined);
  };
  const write = (batch: BatchRef, rows: DecodedBatch['rows'], operation: string) =>
    retryUntilDone(() => writer.write(rows), { operation, maxDelayMs: ctx.retryMaxMs, stopped: ctx.stopped, onRetry: onRetryFor(batch), isPermanent: isolatable });

  async function isolateRows(batch: BatchRef, decoded: DecodedBatch, first: unknown): Promise<Rejected[]> {
    ctx.log.error({ topic: batch.topic, partition: batch.partition, err: errorMessage(first) }, 'a batch failed on its rows; storing them one by one to isolate the ones that fail');
    const refused: Rejected[] = [];
    for (let i = 0; i < decoded.rows.length; i++) {
      try {
        count(batch.topic, await write(batch, [decoded.rows[i]!], 'store row'));
      } catch (err) {
        if (!isolatable(err)) throw err;
        const record = decoded.rowRecords[i]!;
        refused.push(isDataRejection(err) ? { record, reason: 'store_rejected', detail: errorMessage(err).slice(0, 500), step: 'store' } : stepFailure(record, 'store', err));
      }
    }
    return refused;
  }

  function count(topic: string, result: Awaited<ReturnType<EventWriter['write']>>): void {
    for (const [table, n] of Object.entries(result.byTable)) ctx.metrics.rows.inc({ table }, n);
    ctx.metrics.records.inc({ topic, result: 'stored' }, result.inserted);
    ctx.metrics.records.inc({ topic, result: 'duplicate' }, result.duplicates);
  }

  return async function storeRowsOnce(batch, decoded) {
    if (decoded.rows.length === 0) return [];
    try {
      count(batch.topic, await write(batch, decoded.rows, 'store batch'));
      return [];
    } catch (err) {
      if (!isolatable(err)) throw err;
      return isolateRows(batch, decoded, err);
    }
  };
}
