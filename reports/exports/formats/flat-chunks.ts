/** What the flat writers (JSON Lines, CSV, Parquet) share: chunked text output and their errors. */
import { CustosError } from '../../../common/errors.js';
import type { ConversationDay } from '../export-record.js';
import type { HashedFile } from '../hashed-file.js';

/** Large enough that hashing and the write call are paid per 256 KiB, small enough to stay flat. */
export const CHUNK_BYTES = 1 << 18;

/**
 * Encodes many small strings straight into ~1 MiB buffers and writes each full buffer
 * once: no joined intermediate string, one hash update and one stream write per MiB.
 * A fresh buffer per chunk, since the stream may still hold the last one.
 */
export class ChunkedText {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  constructor(private readonly file: HashedFile) {}

  async add(s: string): Promise<void> {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8, so this bound never truncates.
    if (this.used + s.length * 3 > this.buf.length) {
      await this.flush();
      if (s.length * 3 > this.buf.length) {
        await this.file.write(s);
        return;
      }
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    await this.file.write(full);
  }
}

/** A writer was given a group after close(): the export job has a bug, and the file is already sealed. */
export class WriterClosedError extends CustosError {
  constructor(
    readonly format: string,
    group: ConversationDay,
  ) {
    super(`${format} writer: write after close (conversation ${group.conversation.conversation_id}, day ${group.day})`);
  }
}

/** A message the export model should never produce (a time that is not a time): named, so the set can be fixed at its source. */
export class InvalidRecordError extends CustosError {
  constructor(
    readonly format: string,
    readonly messageId: string,
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${format}: message ${messageId}: ${field} ${JSON.stringify(value)} is not valid`);
  }
}
