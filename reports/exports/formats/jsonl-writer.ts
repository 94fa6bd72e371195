/**
 * JSON Lines (jsonlines.org): `messages.jsonl`, one JSON object per message, UTF-8,
 * each line ended by `\n` (the last one too). Lines are gathered into chunks of about
 * 1 MiB before they reach HashedFile, so a conversation-day of any size costs one
 * bounded buffer and the file's backpressure is respected between chunks.
 */
import { join } from 'node:path';
import type { ConversationDay, ExportContext } from '../export-record.js';
import { HashedFile } from '../hashed-file.js';
import type { FormatWriter, FormatWriterFactory, WrittenFile } from './format-writer.js';
import { toJsonlRecord } from './jsonl-record.js';
import { ChunkedText, WriterClosedError } from './flat-chunks.js';

export const JSONL_FILE = 'messages.jsonl';

export const createJsonlWriter: FormatWriterFactory = (dir: string, _ctx: ExportContext): FormatWriter => {
  let file: HashedFile | null = null;
  let out: ChunkedText | null = null;
  let messages = 0;
  let closed = false;
  const open = (): ChunkedText => {
    if (out) return out;
    file = new HashedFile(join(dir, JSONL_FILE));
    out = new ChunkedText(file);
    return out;
  };
  return {
    format: 'jsonl',
    usesPeople: false,
    async write(group: ConversationDay): Promise<void> {
      if (closed) throw new WriterClosedError('jsonl', group);
      const text = open();
      for (const m of group.messages) {
        await text.add(JSON.stringify(toJsonlRecord(group.conversation, m)) + '\n');
        messages++;
      }
    },
    async close(): Promise<WrittenFile[]> {
      closed = true;
      // An export with no message still gets its (empty) file, so every requested format is in the package.
      const text = open();
      await text.flush();
      const digest = await file!.close();
      return [{ path: JSONL_FILE, messages, ...digest }];
    },
  };
};
