/**
 * CSV (RFC 4180): `messages.csv`, UTF-8 with a byte order mark (so spreadsheet tools
 * detect UTF-8 instead of guessing a code page and garbling accents), a header row,
 * one row per message version, CRLF line ends.
 */
import { join } from 'node:path';
import type { ConversationDay, ExportContext } from '../export-record.js';
import { HashedFile } from '../hashed-file.js';
import type { FormatWriter, FormatWriterFactory, WrittenFile } from './format-writer.js';
import { CSV_HEADER, csvRows } from './csv-row.js';
import { ChunkedText, WriterClosedError } from './flat-chunks.js';

export const CSV_FILE = 'messages.csv';
const BOM = '\uFEFF';

export const createCsvWriter: FormatWriterFactory = (dir: string, _ctx: ExportContext): FormatWriter => {
  let file: HashedFile | null = null;
  let out: ChunkedText | null = null;
  let messages = 0;
  let closed = false;
  const open = async (): Promise<ChunkedText> => {
    if (out) return out;
    file = new HashedFile(join(dir, CSV_FILE));
    out = new ChunkedText(file);
    await out.add(BOM + CSV_HEADER);
    return out;
  };
  return {
    format: 'csv',
    usesPeople: false,
    async write(group: ConversationDay): Promise<void> {
      if (closed) throw new WriterClosedError('csv', group);
      const text = await open();
      for (const m of group.messages) {
        await text.add(csvRows(group.conversation, m));
        messages++;
      }
    },
    async close(): Promise<WrittenFile[]> {
      closed = true;
      const text = await open();
      await text.flush();
      const digest = await file!.close();
      return [{ path: CSV_FILE, messages, ...digest }];
    },
  };
};
