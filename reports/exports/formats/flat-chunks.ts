/** What the flat writers (JSON Lines, CSV, Parquet) share: chunked text output and their errors. */
import { CustosError } from '../../../common/errors.js';
import type { ConversationDay } from '../export-record.js';
import type { HashedFile } from '../hashed-file.js';

/** Large enough that hashing and the write call are paid per MiB, small enough to stay flat. */
export const CHUNK_CHARS = 1 << 20;

/**
 * Joins many small strings into ~1 MiB writes. Strings are concatenated (V8 ropes) and
 * flattened once by Buffer.from in HashedFile, which is much cheaper than one write per line.
 */
export class ChunkedText {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly file: HashedFile) {}

  async add(s: string): Promise<void> {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0 && this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.file.write(chunk);
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
