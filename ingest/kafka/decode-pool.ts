/**
 * Decodes partition batches on a worker thread (step 1 of Kafka ingest, off the
 * main thread). Measured on 2 cores, JSON parsing, validation and row
 * serialization were most of the main thread's time; moved here they run beside
 * kafkajs and the store round trips. The result has the same shape as the in-thread
 * `decodeBatch`, with each row carrying its insert line.
 */
import { Worker } from 'node:worker_threads';
import type { IHeaders } from 'kafkajs';
import type { RoutedRow, TableName } from '../../common/events/rows.js';
import type { DecodedBatch, Rejected, SourceRecord } from './decode-batch.js';

export interface DecodeRequest {
  id: number;
  topic: string;
  partition: number;
  maxEventBytes: number;
  values: Array<Uint8Array | null>;
  offsets: string[];
  /** Record headers, only for records that have any (they choose the CloudEvents content mode). */
  headers: Array<IHeaders | undefined>;
}

export interface WireRow {
  index: number;
  table: TableName;
  tenant: string;
  eventId: string;
  time: string;
  line: string;
}

export interface DecodeResponse {
  id: number;
  rows: WireRow[];
  rejected: Array<{ index: number; reason: Rejected['reason']; detail: string; step: Rejected['step'] }>;
}

export interface DecodeFailure {
  id: number;
  error: string;
}

export class DecodeWorkerError extends Error {
  constructor(message: string) {
    super(`decode worker failed on a batch: ${message}`);
    this.name = 'DecodeWorkerError';
  }
}

export interface DecodePool {
  decode(topic: string, partition: number, records: readonly SourceRecord[], maxEventBytes: number): Promise<DecodedBatch>;
  close(): Promise<void>;
}

export function createDecodePool(): DecodePool {
  const pending = new Map<number, { records: readonly SourceRecord[]; resolve: (d: DecodedBatch) => void; reject: (e: unknown) => void }>();
  let next = 0;
  let closing = false;
  const failAll = (err: unknown) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const onMessage = (res: DecodeResponse | DecodeFailure) => {
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    if ('error' in res) {
      p.reject(new DecodeWorkerError(res.error));
      return;
    }
    const rows: RoutedRow[] = res.rows.map((r) => ({ table: r.table, row: { tenant: r.tenant, event_id: r.eventId, time: r.time, source: '', extra: '', origin: '' }, line: r.line }));
    p.resolve({
      rows,
      rowRecords: res.rows.map((r) => p.records[r.index]!),
      rejected: res.rejected.map((r) => ({ record: p.records[r.index]!, reason: r.reason, detail: r.detail, step: r.step })),
    });
  };
  // A worker that dies (out of memory, a bug) fails the batches it held, which the
  // consumer replays after its restart; the next decode starts a new worker.
  let worker: Worker | undefined;
  const spawn = (): Worker => {
    const w = new Worker(new URL('./decode-worker.js', import.meta.url));
    w.on('message', onMessage);
    w.on('error', failAll);
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      if (!closing) failAll(new Error(`decode worker exited with code ${code}`));
    });
    return w;
  };
  return {
    decode(topic, partition, records, maxEventBytes) {
      const w = (worker ??= spawn());
      return new Promise<DecodedBatch>((resolve, reject) => {
        const id = next++;
        pending.set(id, { records, resolve, reject });
        const req: DecodeRequest = { id, topic, partition, maxEventBytes, values: records.map((r) => r.value), offsets: records.map((r) => r.offset), headers: records.map((r) => (r.headers && Object.keys(r.headers).length > 0 ? r.headers : undefined)) };
        w.postMessage(req);
      });
    },
    async close() {
      closing = true;
      await worker?.terminate();
      worker = undefined;
    },
  };
}
