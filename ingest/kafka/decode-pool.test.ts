/**
 * The decode worker gives the same answer as decoding in-thread. Runs the compiled
 * worker (npm test builds first).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBatch, type SourceRecord } from './decode-batch.js';
import { oneOfEveryType } from '../../test/helpers/events.js';
import { toCompactLine } from '../../common/events/rows.js';

const compiled = join(process.cwd(), 'dist', 'ingest', 'kafka', 'decode-pool.js');

const records: SourceRecord[] = [
  ...oneOfEveryType('t', 'w').map((e, i) => ({ key: Buffer.from('k'), value: Buffer.from(JSON.stringify(e)), offset: String(i) })),
  { key: null, value: Buffer.from('{nope'), offset: '100' },
  { key: null, value: null, offset: '101' },
  // Binary content mode: attributes in ce_ headers, data as the value.
  (() => {
    const { data, ...attrs } = oneOfEveryType('t', 'bin')[0]!;
    const headers = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`ce_${k}`, Buffer.from(String(v))]));
    return { key: null, value: Buffer.from(JSON.stringify(data)), offset: '102', headers: { ...headers, 'content-type': Buffer.from('application/json') } };
  })(),
  // Nested far deeper than JSON.stringify can follow: rejected, never thrown.
  { key: null, value: Buffer.from(JSON.stringify(oneOfEveryType('t', 'deep')[0]).replace('"data":{', `"data":{"deep":${'['.repeat(1500)}${']'.repeat(1500)},`)), offset: '103' },
];

describe('decode pool (worker thread)', () => {
  it('decodes like decodeBatch: same rows as insert lines, same rejections', async () => {
    expect(existsSync(compiled), 'dist/ is built by npm test').toBe(true);
    const { createDecodePool } = (await import(compiled)) as typeof import('./decode-pool.js');
    const pool = createDecodePool();
    try {
      const viaWorker = await pool.decode('topic', 2, records, 4096);
      const inThread = decodeBatch('topic', 2, records, 4096);
      expect(viaWorker.rows.map((r) => Buffer.from(r.lineBytes!).toString('utf8'))).toEqual(inThread.rows.map((r) => toCompactLine(r.table, r.row) + '\n'));
      expect(viaWorker.rows.map((r) => [r.table, r.row.tenant, r.row.event_id, r.row.time])).toEqual(inThread.rows.map((r) => [r.table, r.row.tenant, r.row.event_id, r.row.time]));
      expect(viaWorker.rowRecords.map((r) => r.offset)).toEqual(inThread.rowRecords.map((r) => r.offset));
      expect(viaWorker.rejected.map((r) => [r.record.offset, r.reason])).toEqual([['100', 'not_json'], ['101', 'not_json'], ['103', 'too_deep']]);
      expect(viaWorker.rowRecords.map((r) => r.offset)).toContain('102');
      expect(inThread.rejected.map((r) => [r.record.offset, r.reason])).toEqual([['100', 'not_json'], ['101', 'not_json'], ['103', 'too_deep']]);
    } finally {
      await pool.close();
    }
  });
});
