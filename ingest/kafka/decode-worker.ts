/**
 * Worker thread of the decode pool: validates a partition batch with the same
 * decodeBatch as the in-thread path and serializes its rows to insert lines, so the
 * main thread keeps only Kafka I/O and the store round trips. No store, no Kafka.
 */
import { parentPort } from 'node:worker_threads';
import type { IHeaders } from 'kafkajs';
import { toCompactLine } from '../../common/events/rows.js';
import { decodeBatch, type SourceRecord } from './decode-batch.js';
import type { DecodeFailure, DecodeRequest, DecodeResponse } from './decode-pool.js';

/** Structured clone turns Buffers into plain Uint8Arrays; the parser expects Buffers or strings. */
function toBufferHeaders(headers: IHeaders): IHeaders {
  const out: IHeaders = {};
  const asBuffer = (v: Buffer | string): Buffer | string => (typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  for (const [k, v] of Object.entries(headers)) out[k] = v === undefined ? undefined : Array.isArray(v) ? v.map(asBuffer) : asBuffer(v);
  return out;
}

function decode(req: DecodeRequest): DecodeResponse {
  const records: SourceRecord[] = req.values.map((value, i) => ({
    key: null,
    value: value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    offset: req.offsets[i]!,
    ...(req.headers[i] ? { headers: toBufferHeaders(req.headers[i]!) } : {}),
  }));
  const indexOf = new Map(records.map((r, i) => [r, i]));
  const decoded = decodeBatch(req.topic, req.partition, records, req.maxEventBytes);
  return {
    id: req.id,
    rows: decoded.rows.map(({ table, row }, k) => ({
      index: indexOf.get(decoded.rowRecords[k]!)!,
      table,
      tenant: row.tenant,
      eventId: row.event_id,
      time: row.time,
      line: toCompactLine(table, row),
    })),
    rejected: decoded.rejected.map((r) => ({ index: indexOf.get(r.record)!, reason: r.reason, detail: r.detail, step: r.step })),
  };
}

// A batch that fails here is answered with its error rather than killing the
// worker; the consumer then decodes that batch in-thread, record by record.
parentPort!.on('message', (req: DecodeRequest) => {
  try {
    parentPort!.postMessage(decode(req));
  } catch (err) {
    const failure: DecodeFailure = { id: req.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    parentPort!.postMessage(failure);
  }
});
