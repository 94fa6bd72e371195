/**
 * Decodes partition batches on a worker thread (step 1 of Kafka ingest, off the
 * main thread). Measured on 2 cores, JSON parsing, validation and row
 * serialization were most of the main thread's time; moved here they run beside
 * kafkajs and the store round trips. The result has the same shape as the in-thread
 * `decodeBatch`, with each row carrying its insert line as bytes.
 */
import { Worker } from 'node:worker_threads';
import type { IHeaders } from 'kafkajs';
import type { RoutedRow, TableName } from '../../common/events/rows.js';
import type { DecodedBatch, Rejected, SourceRecord } from './decode-batch.js';
import { screenedRowsOf, type WireScreen } from '../supervision/screen-rows.js';
import type { PolicySnapshot } from '../supervision/policy-cache.js';

/** The enabled supervision policies, sent to the worker before the first batch after each change. */
export interface PolicyUpdate {
  policies: PolicySnapshot['tenants'];
}

export interface DecodeRequest {
  id: number;
  topic: string;
  partition: number;
  maxEventBytes: number;
  /**
   * The records' values back to back, transferred. Cloning the values one by one
   * copied each one's whole backing buffer (kafkajs slices them out of the fetch
   * response), several times the bytes of the batch.
   */
  values: Uint8Array;
  /** Byte length of each record's value; -1 for a null value (a tombstone). */
  lengths: Int32Array;
  offsets: string[];
  /** Record headers, only for records that have any (they choose the CloudEvents content mode). */
  headers: Array<IHeaders | undefined>;
}

/** The rows of a decoded batch as parallel arrays (row k in each). */
export interface WireRows {
  /** Index of the record the row came from. */
  index: Int32Array;
  /** End of row k's line in `lines` (its start is the end of row k-1, or 0). */
  lineEnds: Int32Array;
  table: TableName[];
  tenant: string[];
  eventId: string[];
  time: string[];
}

export interface DecodeResponse {
  id: number;
  /** Every row's JSONCompactEachRow line, each ending in a newline, transferred. */
  lines: Uint8Array;
  rows: WireRows;
  rejected: Array<{ index: number; reason: Rejected['reason']; detail: string; step: Rejected['step'] }>;
  /** The lexical matches of the rows of tenants with policies (absent: none screened). */
  screen?: WireScreen;
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

function packValues(records: readonly SourceRecord[]): { values: Uint8Array; lengths: Int32Array } {
  const lengths = new Int32Array(records.length);
  let size = 0;
  for (let i = 0; i < records.length; i++) {
    const v = records[i]!.value;
    lengths[i] = v === null ? -1 : v.length;
    if (v !== null) size += v.length;
  }
  // allocUnsafeSlow: its own ArrayBuffer, never the shared pool, so it can be transferred.
  const values = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const r of records) if (r.value !== null) at += r.value.copy(values, at);
  return { values, lengths };
}

export interface DecodePool {
  decode(topic: string, partition: number, records: readonly SourceRecord[], maxEventBytes: number): Promise<DecodedBatch>;
  close(): Promise<void>;
}

/** `policies`: the current supervision policies, when ingest supervises (the worker screens message texts with them). */
export function createDecodePool(policies?: () => PolicySnapshot): DecodePool {
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
    const w = res.rows;
    const lines = Buffer.from(res.lines.buffer, res.lines.byteOffset, res.lines.byteLength);
    const rows: RoutedRow[] = new Array(w.index.length);
    const rowRecords: SourceRecord[] = new Array(w.index.length);
    let start = 0;
    for (let k = 0; k < rows.length; k++) {
      const end = w.lineEnds[k]!;
      rows[k] = { table: w.table[k]!, row: { tenant: w.tenant[k]!, event_id: w.eventId[k]!, time: w.time[k]!, source: '', extra: '', origin: '' }, lineBytes: lines.subarray(start, end) };
      rowRecords[k] = p.records[w.index[k]!]!;
      start = end;
    }
    p.resolve({
      rows,
      rowRecords,
      rejected: res.rejected.map((r) => ({ record: p.records[r.index]!, reason: r.reason, detail: r.detail, step: r.step })),
      ...(res.screen ? { screened: screenedRowsOf(res.screen, rows) } : {}),
    });
  };
  // A worker that dies (out of memory, a bug) fails the batches it held, which the
  // consumer replays after its restart; the next decode starts a new worker.
  let worker: Worker | undefined;
  /** The policy generation the current worker has (-1: none yet). */
  let sentGeneration = -1;
  const spawn = (): Worker => {
    const w = new Worker(new URL('./decode-worker.js', import.meta.url));
    sentGeneration = -1;
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
      const snapshot = policies?.();
      // Messages to a worker are handled in order: this batch is screened with these policies.
      if (snapshot && snapshot.generation !== sentGeneration) {
        const update: PolicyUpdate = { policies: snapshot.tenants };
        w.postMessage(update);
        sentGeneration = snapshot.generation;
      }
      return new Promise<DecodedBatch>((resolve, reject) => {
        const id = next++;
        pending.set(id, { records, resolve, reject });
        const headers = records.map((r) => (r.headers && Object.keys(r.headers).length > 0 ? r.headers : undefined));
        const req: DecodeRequest = { id, topic, partition, maxEventBytes, ...packValues(records), offsets: records.map((r) => r.offset), headers };
        w.postMessage(req, [req.values.buffer as ArrayBuffer, req.lengths.buffer as ArrayBuffer]);
      });
    },
    async close() {
      closing = true;
      await worker?.terminate();
      worker = undefined;
    },
  };
}
