/**
 * Step 1 of Kafka ingest, pure: a fetched batch of records becomes rows to store
 * and rejections for the DLQ. Knows nothing of Kafka clients or the store.
 */
import type { IHeaders } from 'kafkajs';
import { parseRecord, type RejectReason } from '../../common/events/validate.js';
import { toRow, type RoutedRow } from '../../common/events/rows.js';

export interface SourceRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  headers?: IHeaders;
}

export interface Rejected {
  record: SourceRecord;
  reason: RejectReason | 'store_rejected';
  detail: string;
  step: 'validate' | 'store';
}

export interface DecodedBatch {
  rows: RoutedRow[];
  /** rowRecords[i] is the record rows[i] came from, for a store rejection to name it. */
  rowRecords: SourceRecord[];
  rejected: Rejected[];
}

export function decodeBatch(topic: string, partition: number, records: readonly SourceRecord[], maxEventBytes: number): DecodedBatch {
  const rows: RoutedRow[] = [];
  const rowRecords: SourceRecord[] = [];
  const rejected: Rejected[] = [];
  const originPrefix = `kafka:${topic}/${partition}/`;
  for (const record of records) {
    const parsed = parseRecord(record.value, maxEventBytes);
    if (parsed.ok) {
      rows.push(toRow(parsed, originPrefix + record.offset));
      rowRecords.push(record);
    }
    else rejected.push({ record, reason: parsed.reason, detail: parsed.detail, step: 'validate' });
  }
  return { rows, rowRecords, rejected };
}
