import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureVenv } from '../../../test/helpers/python-venv.js';
import type { ExportContext } from '../export-record.js';
import { fixtureMessages, flatFixture, type FlatFixtureOptions } from '../testing/flat-fixture.js';
import type { FormatWriterFactory, WrittenFile } from './format-writer.js';
import { InvalidRecordError } from './flat-chunks.js';
import { createJsonlWriter, JSONL_FILE } from './jsonl-writer.js';
import { createParquetWriter, parquetWriterFactory, PARQUET_FILE } from './parquet-writer.js';

const FIXTURE: FlatFixtureOptions = { conversations: 5, days: 3, messagesPerDay: 30 };
const CTX: ExportContext = { packageId: 'job-1', tenant: 'acme', asOf: '2026-12-01T00:00:00.000Z', generator: 'custos test' };
/** Pinned so a new reader release cannot change what the test means. */
// DuckDB needs pytz to hand time-zoned timestamps to Python.
const READERS = ['pyarrow==26.0.1', 'duckdb==2.0.0', 'pytz==2026.6'];
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * Reads a Parquet file with another implementation than the writer's (Arrow C++ through
 * pyarrow, or DuckDB's own reader) and prints its rows as JSON, times as RFC 3339 UTC.
 */
const READ = String.raw`
import datetime, json, sys
kind, path = sys.argv[1], sys.argv[2]
def norm(v):
    if isinstance(v, datetime.datetime):
        v = v.astimezone(datetime.timezone.utc)
        return v.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (v.microsecond // 1000)
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    return v
if kind == 'pyarrow':
    import pyarrow.parquet as pq
    f = pq.ParquetFile(path)
    rows = f.read().to_pylist()
    meta = {'created_by': f.metadata.created_by, 'row_groups': f.metadata.num_row_groups, 'schema': {n: str(f.schema_arrow.field(n).type) for n in f.schema_arrow.names}, 'nullable': {n: f.schema_arrow.field(n).nullable for n in f.schema_arrow.names}}
else:
    import duckdb
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    cur = con.execute('SELECT * FROM read_parquet(?)', [path])
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    meta = {}
sys.stdout.write(json.dumps({'meta': meta, 'rows': norm(rows)}, ensure_ascii=True))
`;

interface ReadBack {
  meta: { created_by?: string; row_groups?: number; schema?: Record<string, string>; nullable?: Record<string, boolean> };
  rows: unknown[];
}

let python = '';
beforeAll(() => {
  python = ensureVenv('export', READERS);
}, 15 * 60_000);

function readBack(kind: 'pyarrow' | 'duckdb', path: string): ReadBack {
  return JSON.parse(execFileSync(python, ['-c', READ, kind, path], { encoding: 'utf8', maxBuffer: 256 << 20 })) as ReadBack;
}

async function run(factory: FormatWriterFactory, options: FlatFixtureOptions = FIXTURE): Promise<{ dir: string; files: WrittenFile[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-parquet-'));
  dirs.push(dir);
  const w = factory(dir, CTX);
  for (const g of flatFixture(options)) await w.write(g);
  return { dir, files: await w.close() };
}

function jsonlRecords(dir: string): unknown[] {
  return readFileSync(join(dir, JSONL_FILE), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
}

describe('Parquet writer', () => {
  it('read back by pyarrow (Arrow C++), every row equals the JSON Lines record of the same message', async () => {
    const pq = await run(createParquetWriter);
    const jl = await run(createJsonlWriter);
    const { rows } = readBack('pyarrow', join(pq.dir, PARQUET_FILE));
    expect(rows).toEqual(jsonlRecords(jl.dir));
    expect(pq.files[0]!.messages).toBe(fixtureMessages(FIXTURE).length);
  });

  it('read back by DuckDB (its own Parquet reader), every row equals the JSON Lines record', async () => {
    const pq = await run(createParquetWriter);
    const jl = await run(createJsonlWriter);
    expect(readBack('duckdb', join(pq.dir, PARQUET_FILE)).rows).toEqual(jsonlRecords(jl.dir));
  });

  it('carries every message and every version exactly once', async () => {
    const pq = await run(createParquetWriter);
    const rows = readBack('pyarrow', join(pq.dir, PARQUET_FILE)).rows as Array<{ message_id: string; versions: Array<{ event_id: string }> }>;
    const expected = fixtureMessages(FIXTURE);
    expect(rows.map((r) => r.message_id)).toEqual(expected.map((e) => e.message.message_id));
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(expected.length);
    const versions = rows.flatMap((r) => r.versions.map((v) => v.event_id));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual(expected.flatMap((e) => e.message.versions.map((v) => v.event_id)));
  });

  it('uses nested types: versions, attachments and reactions as list<struct>, the deletion as a nullable struct, times as UTC timestamps', async () => {
    const pq = await run(createParquetWriter);
    const { meta } = readBack('pyarrow', join(pq.dir, PARQUET_FILE));
    expect(meta.schema!.versions).toMatch(/^list<item: struct<index: int32 not null, kind: string not null, event_id: string not null, time: timestamp\[ms, tz=UTC\] not null, by: string not null, text: string not null, current: bool not null, origin: string not null> not null>$/);
    expect(meta.schema!.attachments).toMatch(/^list<item: struct<name: string not null, mime: string not null, size: int64 not null, sha256: string not null> not null>$/);
    expect(meta.schema!.reactions).toMatch(/^struct<current: list<item: struct<emoji: string not null, user_id: string not null>.*history: list<item: struct<event_id: string not null, time: timestamp\[ms, tz=UTC\]/);
    expect(meta.schema!.deletion).toMatch(/^struct<event_id: string not null, time: timestamp\[ms, tz=UTC\] not null/);
    expect(meta.nullable!.deletion).toBe(true);
    expect(Object.entries(meta.nullable!).filter(([, n]) => n).map(([k]) => k)).toEqual(['deletion']);
    expect(meta.schema!.time).toBe('timestamp[ms, tz=UTC]');
    expect(meta.created_by).toMatch(/^parquet-rs version \d+\.\d+\.\d+$/);
  });

  it('streams: row groups reach the file while messages still arrive, and every row group reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-parquet-'));
    dirs.push(dir);
    const options: FlatFixtureOptions = { conversations: 4, days: 2, messagesPerDay: 500 };
    const w = parquetWriterFactory({ batchRows: 256, rowGroupRows: 1_000 })(dir, CTX);
    let bytesBeforeClose = 0;
    for (const g of flatFixture(options)) {
      await w.write(g);
      // The stream opens its file asynchronously: absent just after the first write is fine.
      if (existsSync(join(dir, PARQUET_FILE))) bytesBeforeClose = statSync(join(dir, PARQUET_FILE)).size;
    }
    const [file] = await w.close();
    expect(bytesBeforeClose).toBeGreaterThan(0);
    expect(bytesBeforeClose).toBeLessThan(file!.bytes);
    const { meta, rows } = readBack('pyarrow', join(dir, PARQUET_FILE));
    expect(meta.row_groups).toBe(4);
    expect((rows as Array<{ message_id: string }>).map((r) => r.message_id)).toEqual(fixtureMessages(options).map((e) => e.message.message_id));
  });

  it('closes a batch early when its texts are long, and loses nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-parquet-'));
    dirs.push(dir);
    const [group] = flatFixture({ conversations: 1, days: 1, messagesPerDay: 40 });
    const long = group!.messages.map((m, i) => ({ ...m, versions: m.versions.map((v) => ({ ...v, text: `${'é'.repeat(1_000 * (i + 1))}${v.text}` })) }));
    const batches: number[] = [];
    const w = parquetWriterFactory({ batchRows: 1_000, batchTextUnits: 10_000, rowGroupRows: 1_000, onBatch: (n) => batches.push(n) })(dir, CTX);
    await w.write({ ...group!, messages: long });
    await w.close();
    const { rows } = readBack('pyarrow', join(dir, PARQUET_FILE));
    expect((rows as Array<{ versions: Array<{ text: string }> }>).map((r) => r.versions.map((v) => v.text))).toEqual(long.map((m) => m.versions.map((v) => v.text)));
    // Message i carries at least 1,000 * (i + 1) units of text, so from the 10th message on each one closes a batch by itself.
    expect(batches.length).toBeGreaterThan(30);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(long.length);
  });

  it('two runs over the same input give byte-identical files, and the digests are those of the bytes on disk', async () => {
    const one = await run(createParquetWriter);
    const two = await run(createParquetWriter);
    const bytes = readFileSync(join(one.dir, PARQUET_FILE));
    expect(readFileSync(join(two.dir, PARQUET_FILE)).equals(bytes)).toBe(true);
    expect(two.files).toEqual(one.files);
    // The digests are of the bytes on disk: nothing the writer handed over changed after it was hashed.
    expect(one.files[0]).toMatchObject({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), sha512: createHash('sha512').update(bytes).digest('hex') });
  });

  it('refuses a message whose time does not parse, naming it, and keeps the columns in step for the rows before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-parquet-'));
    dirs.push(dir);
    const [group] = flatFixture({ conversations: 1, days: 1, messagesPerDay: 3 });
    const [ok, bad] = group!.messages;
    const broken = { ...bad!, versions: bad!.versions.map((v, i) => (i === 0 ? { ...v, time: 'yesterday' } : v)) };
    const w = createParquetWriter(dir, CTX);
    const err = await w.write({ ...group!, messages: [ok!, broken] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRecordError);
    expect(err).toMatchObject({ messageId: broken.message_id, field: 'versions[0].time', value: 'yesterday' });
    await w.close();
    const rows = readBack('pyarrow', join(dir, PARQUET_FILE)).rows as Array<{ message_id: string; versions: unknown[] }>;
    expect(rows.map((r) => r.message_id)).toEqual([ok!.message_id]);
    expect(rows[0]!.versions).toHaveLength(ok!.versions.length);
  });

  it('an empty set gives a valid file with the schema and no row', async () => {
    const { dir, files } = await run(createParquetWriter, { conversations: 0, days: 0, messagesPerDay: 0 });
    const { meta, rows } = readBack('pyarrow', join(dir, PARQUET_FILE));
    expect(rows).toEqual([]);
    expect(Object.keys(meta.schema!)).toContain('versions');
    expect(files[0]).toMatchObject({ path: PARQUET_FILE, messages: 0 });
  });
});
