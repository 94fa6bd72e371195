/**
 * Worker thread of the decode pool: validates a partition batch with the same
 * decodeBatch as the in-thread path and serializes its rows to insert lines, so the
 * main thread keeps only Kafka I/O and the store round trips. No store, no Kafka.
 *
 * The lines go back as one buffer that is transferred, not copied, and the rows'
 * keys as flat arrays: cloning one object per row cost more than the row's line.
 */
import { parentPort } from 'node:worker_threads';
import type { IHeaders } from 'kafkajs';
import { toCompactLine } from '../../common/events/rows.js';
import { decodeBatch, type SourceRecord } from './decode-batch.js';
import { WorkerPolicies, screenRows } from '../supervision/screen-rows.js';
import type { DecodeFailure, DecodeRequest, DecodeResponse, PolicyUpdate } from './decode-pool.js';

/** The tenants' supervision policies, compiled here: the decode step also screens message texts (screen-rows.ts). */
const policies = new WorkerPolicies();

/** Structured clone turns Buffers into plain Uint8Arrays; the parser expects Buffers or strings. */
function toBufferHeaders(headers: IHeaders): IHeaders {
  const out: IHeaders = {};
  const asBuffer = (v: Buffer | string): Buffer | string => (typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  for (const [k, v] of Object.entries(headers)) out[k] = v === undefined ? undefined : Array.isArray(v) ? v.map(asBuffer) : asBuffer(v);
  return out;
}

function recordsOf(req: DecodeRequest): SourceRecord[] {
  const bytes = Buffer.from(req.values.buffer, req.values.byteOffset, req.values.byteLength);
  const records: SourceRecord[] = new Array(req.offsets.length);
  let at = 0;
  for (let i = 0; i < req.offsets.length; i++) {
    const n = req.lengths[i]!;
    const headers = req.headers[i];
    records[i] = { key: null, value: n < 0 ? null : bytes.subarray(at, (at += n)), offset: req.offsets[i]!, ...(headers ? { headers: toBufferHeaders(headers) } : {}) };
  }
  return records;
}

function decode(req: DecodeRequest): DecodeResponse {
  const records = recordsOf(req);
  const indexOf = new Map(records.map((r, i) => [r, i]));
  const decoded = decodeBatch(req.topic, req.partition, records, req.maxEventBytes);
  const n = decoded.rows.length;
  const lines = new Array<string>(n);
  let size = 0;
  for (let k = 0; k < n; k++) {
    const { table, row } = decoded.rows[k]!;
    lines[k] = toCompactLine(table, row);
    size += Buffer.byteLength(lines[k]!) + 1;
  }
  // Its own ArrayBuffer (not the shared pool of small Buffers), so it can be transferred.
  const out = Buffer.allocUnsafeSlow(size);
  const lineEnds = new Int32Array(n);
  const index = new Int32Array(n);
  const rows: DecodeResponse['rows'] = { index, lineEnds, table: new Array(n), tenant: new Array(n), eventId: new Array(n), time: new Array(n) };
  let at = 0;
  for (let k = 0; k < n; k++) {
    const { table, row } = decoded.rows[k]!;
    at += out.write(lines[k]!, at);
    out[at++] = 0x0a;
    lineEnds[k] = at;
    index[k] = indexOf.get(decoded.rowRecords[k]!)!;
    rows.table[k] = table;
    rows.tenant[k] = row.tenant;
    rows.eventId[k] = row.event_id;
    rows.time[k] = row.time;
  }
  const screen = screenRows(policies, decoded.rows);
  return {
    id: req.id,
    lines: out,
    rows,
    ...(screen ? { screen } : {}),
    rejected: decoded.rejected.map((r) => ({ index: indexOf.get(r.record)!, reason: r.reason, detail: r.detail, step: r.step })),
  };
}

// A batch that fails here is answered with its error rather than killing the
// worker; the consumer then decodes that batch in-thread, record by record.
parentPort!.on('message', (req: DecodeRequest | PolicyUpdate) => {
  if ('policies' in req) {
    try {
      policies.update(req.policies);
    } catch {
      // The main thread compiled the same versions; should this one fail anyway, the worker
      // screens nothing and the supervise step matches every row itself (slower, same flags).
      policies.update([]);
    }
    return;
  }
  let res: DecodeResponse;
  try {
    res = decode(req);
  } catch (err) {
    const failure: DecodeFailure = { id: req.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    parentPort!.postMessage(failure);
    return;
  }
  parentPort!.postMessage(res, [res.lines.buffer as ArrayBuffer, res.rows.index.buffer as ArrayBuffer, res.rows.lineEnds.buffer as ArrayBuffer]);
});
