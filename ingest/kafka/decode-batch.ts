/**
 * Step 1 of Kafka ingest, pure: a fetched batch of records becomes rows to store
 * and rejections for the DLQ. Knows nothing of Kafka clients or the store.
 */
import type { IHeaders } from 'kafkajs';
import { parseRecord, type RejectReason } from '../../common/events/validate.js';
import { toRow, type RoutedRow } from '../../common/events/rows.js';
import type { ScreenedRows } from '../supervision/screen-rows.js';

export interface SourceRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  headers?: IHeaders;
}

export interface Rejected {
  record: SourceRecord;
  reason: RejectReason | 'store_rejected' | 'step_failed';
  detail: string;
  step: 'validate' | 'decode' | 'store';
}

export interface DecodedBatch {
  rows: RoutedRow[];
  /** rowRecords[i] is the record rows[i] came from, for a store rejection to name it. */
  rowRecords: SourceRecord[];
  rejected: Rejected[];
  /** Lexical matches computed by the decode worker (supervise-step.ts uses them when still current). */
  screened?: ScreenedRows;
}

/**
 * A step that throws for one record (a bug its input found) must not stop the
 * partition: the record goes to the DLQ with the error as its reason and the rest
 * of the batch goes on.
 */
export function stepFailure(record: SourceRecord, step: Rejected['step'], err: unknown): Rejected {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { record, reason: 'step_failed', detail: `${step} threw ${message}`.slice(0, 500), step };
}

export function decodeBatch(topic: string, partition: number, records: readonly SourceRecord[], maxEventBytes: number): DecodedBatch {
  const rows: RoutedRow[] = [];
  const rowRecords: SourceRecord[] = [];
  const rejected: Rejected[] = [];
  const originPrefix = `kafka:${topic}/${partition}/`;
  for (const record of records) {
    try {
      const parsed = parseRecord(record.value, maxEventBytes, record.headers);
      if (parsed.ok) {
        rows.push(toRow(parsed, originPrefix + record.offset));
        rowRecords.push(record);
      }
      else rejected.push({ record, reason: parsed.reason, detail: parsed.detail, step: 'validate' });
    } catch (err) {
      rejected.push(stepFailure(record, 'decode', err));
    }
  }
  return { rows, rowRecords, rejected };
}
