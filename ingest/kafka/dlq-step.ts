/**
 * Sends a batch's rejected records to the DLQ, retrying with backoff while the
 * broker refuses: the batch is committed only after this resolves, so a reject is
 * never lost and never only logged.
 */
import type { Producer } from 'kafkajs';
import { describeRetry, retryUntilDone } from '../retry.js';
import type { Rejected } from './decode-batch.js';
import { sendToDlq } from './dlq.js';
import type { BatchRef, StepContext } from './step-context.js';

export type DlqStep = (batch: BatchRef, rejected: Rejected[]) => Promise<void>;

export function createDlqStep(ctx: StepContext, producer: Producer, dlqTopic: string): DlqStep {
  return async function sendRejectsToDlq(batch, rejected) {
    if (rejected.length === 0) return;
    await retryUntilDone(() => sendToDlq(producer, dlqTopic, batch.topic, batch.partition, rejected), {
      operation: 'send to DLQ', maxDelayMs: ctx.retryMaxMs, stopped: ctx.stopped,
      onRetry: async (attempt, err, delay) => {
        ctx.metrics.storeRetries.inc({ operation: 'dlq' });
        ctx.metrics.paused.set(1);
        ctx.log.warn(describeRetry('send to DLQ', attempt, err, delay));
        await batch.heartbeat().catch(() => undefined);
      },
    });
    for (const r of rejected) {
      ctx.metrics.dlq.inc({ topic: batch.topic, reason: r.reason });
      ctx.metrics.records.inc({ topic: batch.topic, result: 'dlq' });
    }
  };
}
