/**
 * The contract between the export job and a format. A writer receives the set one
 * conversation-day at a time, in order (conversation id, then day), writes files
 * under `dir` as they come (memory must not grow with the export), and at the end
 * names every file it wrote. Files are paths relative to the bag's `data/` folder.
 */
import type { ConversationDay, ExportContext } from '../export-record.js';
import type { FileDigest } from '../hashed-file.js';

/** Writers write through HashedFile (../hashed-file.ts), so every file comes with its digests. */
export interface WrittenFile extends FileDigest {
  /** Relative to `data/`, with `/` separators, e.g. `eml/C1/2026-11-24.eml`. */
  path: string;
  /** Messages carried (each message counted once per file it appears in). */
  messages: number;
}

export interface FormatWriter {
  /** The format's name as `--formats` spells it: jsonl, csv, eml, rsmf, parquet. */
  readonly format: string;
  /** False for a writer that never reads `ConversationDay.people`: when no writer of an export does, the days come without it (cheaper). */
  readonly usesPeople?: boolean;
  write(group: ConversationDay): Promise<void>;
  /** Flushes and closes; returns every file written. */
  close(): Promise<WrittenFile[]>;
}

export type FormatWriterFactory = (dir: string, ctx: ExportContext) => FormatWriter;
