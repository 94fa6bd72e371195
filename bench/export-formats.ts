/**
 * Throughput and peak memory of the flat export formats (JSON Lines, CSV, Parquet), each
 * alone and all three fed together as the export job feeds them. Each case runs in its
 * own child process so its peak RSS is its own. Messages per CPU-second (user + system,
 * this process) is printed beside wall-clock messages/s: on a shared machine it is the
 * figure that does not move with the neighbours' load. Input: a pool of deterministic
 * conversation-days (reports/exports/testing/flat-fixture.ts) built once per process and
 * fed again and again, so the pool is a constant in the peak and the writers see an
 * export far larger than the pool. Not a test: nothing here asserts.
 *
 *   npm run build && node dist/bench/export-formats.js
 *   BENCH_EXPORT_MESSAGES (default 300000) messages per case.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConversationDay, ExportContext } from '../reports/exports/export-record.js';
import { createCsvWriter } from '../reports/exports/formats/csv-writer.js';
import type { FormatWriterFactory } from '../reports/exports/formats/format-writer.js';
import { createJsonlWriter } from '../reports/exports/formats/jsonl-writer.js';
import { createParquetWriter } from '../reports/exports/formats/parquet-writer.js';
import { HashedFile } from '../reports/exports/hashed-file.js';
import { flatFixture } from '../reports/exports/testing/flat-fixture.js';
import { fmt } from './lib/stats.js';


const CASES = ['jsonl', 'csv', 'parquet', 'jsonl+csv+parquet', 'parquet-via-chdb'];

/**
 * The alternative the Parquet writer was chosen against: JSON Lines to a temp file, then
 * the ClickHouse engine (chDB, in this process) converts it with `FORMAT Parquet`. Kept
 * here so the choice can be re-measured (docs/exports.md, "Parquet").
 */
const CHDB_SCHEMA =
  "tenant String, conversation_id String, conversation_name String, conversation_type String, message_id String, author_id String, time DateTime64(3, 'UTC'), " +
  'thread_id String, thread_position Int32, mentions Array(String), attachments Array(Tuple(name String, mime String, size Int64, sha256 String)), ' +
  "versions Array(Tuple(index Int32, kind String, event_id String, time DateTime64(3, 'UTC'), by String, text String, current Bool, origin String)), " +
  "deletion Nullable(Tuple(event_id String, time DateTime64(3, 'UTC'), deleted_by String, origin String)), " +
  "reactions Tuple(current Array(Tuple(emoji String, user_id String)), history Array(Tuple(event_id String, time DateTime64(3, 'UTC'), action String, user_id String, emoji String, origin String))), " +
  'context Bool, source String';

const chdbParquet: FormatWriterFactory = (dir, ctx) => {
  const jsonl = createJsonlWriter(join(dir, 'tmp'), ctx);
  return {
    format: 'parquet',
    write: (g) => jsonl.write(g),
    async close() {
      const [tmp] = await jsonl.close();
      const { query } = await import('chdb');
      const out = join(dir, 'messages.parquet');
      query(
        `INSERT INTO FUNCTION file('${out}', Parquet) SELECT * FROM file('${join(dir, 'tmp', tmp!.path)}', JSONEachRow, '${CHDB_SCHEMA.replace(/'/g, "\\'")}') ` +
          `SETTINGS enable_nullable_tuple_type = 1, output_format_parquet_compression_method = 'zstd', max_threads = 1, input_format_parallel_parsing = 0, output_format_parquet_row_group_size = 65536`,
        'CSV',
      );
      const file = new HashedFile(join(dir, 'hashed.parquet'));
      await file.write(readFileSync(out));
      return [{ path: 'messages.parquet', messages: tmp!.messages, ...(await file.close()) }];
    },
  };
};
const FACTORIES: Record<string, FormatWriterFactory> = { jsonl: createJsonlWriter, csv: createCsvWriter, parquet: createParquetWriter, 'parquet-via-chdb': chdbParquet };
const CTX: ExportContext = { packageId: 'bench', tenant: 'acme', asOf: '2026-12-01T00:00:00.000Z', generator: 'custos bench' };

async function runCase(name: string, total: number): Promise<void> {
  const pool: ConversationDay[] = [...flatFixture({ conversations: 10, days: 1, messagesPerDay: 500 })];
  const poolMessages = pool.reduce((n, g) => n + g.messages.length, 0);
  const baseRss = process.memoryUsage().rss;
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-export-'));
  try {
    const writers = name.split('+').map((f) => FACTORIES[f]!(join(dir, f), CTX));
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    let done = 0;
    while (done < total) {
      for (const g of pool) {
        for (const w of writers) await w.write(g);
        done += g.messages.length;
        if (done >= total) break;
      }
    }
    const files = (await Promise.all(writers.map((w) => w.close()))).flat();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const bytes = files.reduce((n, f) => n + f.bytes, 0);
    console.log(
      `export-formats ${name.padEnd(18)} ${fmt(done / seconds).padStart(9)} messages/s  ${fmt(done / cpuSeconds).padStart(9)} messages/CPU-s  ${fmt(done)} messages in ${fmt(seconds, 2)} s  ` +
        `${fmt(bytes / 1048576, 1)} MiB written  peak RSS ${fmt(peakMb)} MB (of which input pool of ${fmt(poolMessages)} messages + runtime ${fmt(baseRss / 1048576)} MB)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const total = Number(process.env.BENCH_EXPORT_MESSAGES ?? 300_000);
if (args[0] === '--one') {
  await runCase(args[1]!, total);
} else {
  for (const name of args.length ? args : CASES) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', name], { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write(`export-formats ${name}: failed (exit ${r.status ?? r.signal})\n`);
      process.exit(1);
    }
  }
}
