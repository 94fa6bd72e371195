/**
 * The Kafka pipeline's step for erased people (DESIGN.md rule 4; ingest/erased-subjects.ts):
 * before a decoded batch is stored or supervised, rows by an erased person leave it and
 * rows naming one are pseudonymized. Dropped records are neither stored nor sent to the
 * DLQ; their offsets are committed with the batch, so a replay drops them again.
 * Counted in `custos_ingest_erased_total{result="dropped"|"pseudonymized"}`.
 */
import type { ErasedFilter } from '../erased-subjects.js';
import type { DecodedBatch } from './decode-batch.js';
import type { BatchRef, StepContext } from './step-context.js';

export type ErasedStep = (batch: BatchRef, decoded: DecodedBatch) => Promise<void>;

export function createErasedStep(ctx: StepContext, filter: ErasedFilter): ErasedStep {
  return async function applyErasures(batch, decoded) {
    if (decoded.rows.length === 0) return;
    const { verdicts, counts } = await filter.judge(decoded.rows);
    if (counts.dropped + counts.pseudonymized === 0) return;
    const rows: DecodedBatch['rows'] = [];
    const records: DecodedBatch['rowRecords'] = [];
    verdicts.forEach((v, i) => {
      if (!v.row) return;
      rows.push(v.row);
      records.push(decoded.rowRecords[i]!);
    });
    // In place: the store, DLQ and supervise steps read the same batch object.
    decoded.rows = rows;
    decoded.rowRecords = records;
    ctx.metrics.erased.inc({ topic: batch.topic, result: 'dropped' }, counts.dropped);
    ctx.metrics.erased.inc({ topic: batch.topic, result: 'pseudonymized' }, counts.pseudonymized);
  };
}
