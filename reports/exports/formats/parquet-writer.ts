/**
 * Apache Parquet: `messages.parquet`, written by parquet-wasm (the Rust `parquet` crate,
 * the Apache Arrow project's own implementation) from Arrow record batches that
 * apache-arrow builds here. Streaming: messages become a batch every BATCH_ROWS, each
 * batch crosses into WebAssembly as Arrow IPC, the Rust writer closes a row group every
 * ROW_GROUP_ROWS and hands its bytes back, and they go through HashedFile with its
 * backpressure. At most one batch waits between the two sides, so memory stays flat.
 *
 * Why this and not the store's `FORMAT Parquet` (chDB): measured in bench/export-formats.ts
 * and docs/exports.md; this path also needs no store, so it writes the same bytes in
 * embedded and server mode (a ClickHouse server cannot read a file on the Custos host).
 */
import { join } from 'node:path';
import { ReadableStream } from 'node:stream/web';
import { Table as ArrowTable, tableToIPC, type RecordBatch as ArrowBatch } from 'apache-arrow';
import * as wasm from 'parquet-wasm';
import { CustosError, errorMessage } from '../../../common/errors.js';
import type { ConversationDay, ExportContext } from '../export-record.js';
import { HashedFile } from '../hashed-file.js';
import { WriterClosedError } from './flat-chunks.js';
import type { FormatWriter, FormatWriterFactory, WrittenFile } from './format-writer.js';
import { ParquetBatchBuilder } from './parquet-batch.js';

export const PARQUET_FILE = 'messages.parquet';
/** Rows per Arrow batch handed to the Rust writer: big enough to amortise the IPC copy. */
export const BATCH_ROWS = 8_192;
/** Rows per Parquet row group: bounds the encoded pages the writer holds before it emits bytes. */
export const ROW_GROUP_ROWS = 65_536;

export class ParquetWriteError extends CustosError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`parquet ${path}: ${message}`, options);
  }
}

/** Text per batch (UTF-16 units, up to 3 bytes each in UTF-8) at which a batch closes before BATCH_ROWS: long messages must not make a batch huge. */
export const BATCH_TEXT_UNITS = 16 << 20;

export interface ParquetWriterOptions {
  batchRows: number;
  batchTextUnits?: number;
  /** Told the rows of each batch as it is handed over (for tests and diagnostics). */
  onBatch?: (rows: number) => void;
  rowGroupRows: number;
}

function writerProperties(rowGroupRows: number): wasm.WriterProperties {
  return new wasm.WriterPropertiesBuilder()
    .setCompression(wasm.Compression.ZSTD)
    .setMaxRowGroupSize(rowGroupRows)
    .setWriterVersion(wasm.WriterVersion.V1)
    .build();
}

/** One Arrow JS batch as the wasm side's batch (through Arrow IPC, the format both sides speak). */
function toWasm(batch: ArrowBatch): wasm.RecordBatch[] {
  const table = wasm.Table.fromIPCStream(tableToIPC(new ArrowTable(batch), 'stream'));
  try {
    return table.recordBatches();
  } finally {
    table.free();
  }
}

/** A hand-off of one item at a time between the writer and the wasm input stream, so neither runs ahead. */
class Handoff<T> {
  private item: { value: T | null } | null = null;
  private waitingTaker: ((v: T | null) => void) | null = null;
  private waitingPutter: (() => void) | null = null;
  private failure: unknown = null;

  async put(value: T | null): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.waitingTaker) {
      const take = this.waitingTaker;
      this.waitingTaker = null;
      take(value);
      return;
    }
    this.item = { value };
    await new Promise<void>((resolve) => (this.waitingPutter = resolve));
    if (this.failure) throw this.failure;
  }

  take(): Promise<T | null> {
    if (this.item) {
      const { value } = this.item;
      this.item = null;
      const wake = this.waitingPutter;
      this.waitingPutter = null;
      wake?.();
      return Promise.resolve(value);
    }
    return new Promise((resolve) => (this.waitingTaker = resolve));
  }

  fail(err: unknown): void {
    this.failure = err;
    const wake = this.waitingPutter;
    this.waitingPutter = null;
    wake?.();
  }
}

/** A factory with other batch and row-group sizes (tests use small ones to see several row groups). */
export function parquetWriterFactory(options: ParquetWriterOptions = { batchRows: BATCH_ROWS, rowGroupRows: ROW_GROUP_ROWS }): FormatWriterFactory {
  return (dir: string, ctx: ExportContext) => openParquetWriter(dir, ctx, options);
}

export const createParquetWriter: FormatWriterFactory = parquetWriterFactory();

function openParquetWriter(dir: string, _ctx: ExportContext, options: ParquetWriterOptions): FormatWriter {
  const path = join(dir, PARQUET_FILE);
  const builder = new ParquetBatchBuilder();
  const textLimit = options.batchTextUnits ?? BATCH_TEXT_UNITS;
  const handoff = new Handoff<wasm.RecordBatch[]>();
  let file: HashedFile | null = null;
  let pump: Promise<void> | null = null;
  let batchesSent = 0;
  let messages = 0;
  let closed = false;

  const start = (): void => {
    if (file) return;
    const out = new HashedFile(path);
    file = out;
    const input = new ReadableStream<wasm.RecordBatch>(
      {
        async pull(controller) {
          const batches = await handoff.take();
          if (batches === null) controller.close();
          else for (const b of batches) controller.enqueue(b);
        },
      },
      { highWaterMark: 0 },
    );
    pump = (async () => {
      const output = (await wasm.transformParquetStream(input as unknown as globalThis.ReadableStream, writerProperties(options.rowGroupRows))) as ReadableStream<Uint8Array>;
      for await (const bytes of output) await out.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    })().catch((err: unknown) => {
      const e = new ParquetWriteError(path, errorMessage(err), { cause: err });
      handoff.fail(e);
      throw e;
    });
    // The failure is also raised by put() and close(); this keeps it from being reported as unhandled in between.
    pump.catch(() => {});
  };

  const send = async (): Promise<void> => {
    options.onBatch?.(builder.rows);
    const batches = toWasm(builder.batch());
    builder.reset();
    batchesSent++;
    await handoff.put(batches);
  };

  return {
    format: 'parquet',
    usesPeople: false,
    async write(group: ConversationDay): Promise<void> {
      if (closed) throw new WriterClosedError('parquet', group);
      start();
      for (const m of group.messages) {
        builder.append(group.conversation, m);
        messages++;
        if (builder.rows >= options.batchRows || builder.textUnits >= textLimit) await send();
      }
    },
    async close(): Promise<WrittenFile[]> {
      closed = true;
      start();
      try {
        // An empty export still needs one (empty) batch: the writer takes the file's schema from it.
        if (builder.rows > 0 || batchesSent === 0) await send();
        await handoff.put(null).catch(() => {});
        await pump;
      } catch (err) {
        // Release the file; the export job discards a failed package, so its partial bytes do not matter.
        await file!.close().catch(() => {});
        throw err;
      }
      const digest = await file!.close();
      return [{ path: PARQUET_FILE, messages, ...digest }];
    },
  };
}
