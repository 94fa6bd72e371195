/**
 * Worker thread of the decode pool: validates a partition batch and serializes its
 * rows to insert lines, so the main thread keeps only Kafka I/O and the store
 * round trips. Pure work: no store, no Kafka.
 */
import { parentPort } from 'node:worker_threads';
import { parseRecord } from '../../common/events/validate.js';
import { toCompactLine, toRow } from '../../common/events/rows.js';
import type { DecodeRequest, DecodeResponse, WireRow } from './decode-pool.js';

function decode(req: DecodeRequest): DecodeResponse {
  const rows: WireRow[] = [];
  const rejected: DecodeResponse['rejected'] = [];
  const prefix = `kafka:${req.topic}/${req.partition}/`;
  req.values.forEach((value, i) => {
    const parsed = parseRecord(value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength), req.maxEventBytes);
    if (!parsed.ok) {
      rejected.push({ index: i, reason: parsed.reason, detail: parsed.detail });
      return;
    }
    const { table, row } = toRow(parsed, prefix + req.offsets[i]!);
    rows.push({ index: i, table, tenant: row.tenant, eventId: row.event_id, time: row.time, line: toCompactLine(table, row) });
  });
  return { id: req.id, rows, rejected };
}

parentPort!.on('message', (req: DecodeRequest) => {
  parentPort!.postMessage(decode(req));
});
