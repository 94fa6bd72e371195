/**
 * Worker thread of the decode pool: validates a partition batch with the same
 * decodeBatch as the in-thread path and serializes its rows to insert lines, so the
 * main thread keeps only Kafka I/O and the store round trips. No store, no Kafka.
 */
import { parentPort } from 'node:worker_threads';
import { toCompactLine } from '../../common/events/rows.js';
import { decodeBatch, type SourceRecord } from './decode-batch.js';
import type { DecodeRequest, DecodeResponse } from './decode-pool.js';

function decode(req: DecodeRequest): DecodeResponse {
  const records: SourceRecord[] = req.values.map((value, i) => ({
    key: null,
    value: value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    offset: req.offsets[i]!,
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
    rejected: decoded.rejected.map((r) => ({ index: indexOf.get(r.record)!, reason: r.reason, detail: r.detail })),
  };
}

parentPort!.on('message', (req: DecodeRequest) => {
  parentPort!.postMessage(decode(req));
});
