/**
 * The plumbing EML and RSMF share: one file per conversation and UTC day at
 * `<format>/<conversation, path-safe>/<YYYY-MM-DD>.<extension>`, written through
 * HashedFile, each path at most once per package; a day with no message and no
 * membership change gets no file. A re-run after a crash rewrites
 * every file from the start (a write replaces the file), and the renderers take
 * nothing from the clock or from randomness, so the bytes come out identical.
 */
import { join } from 'node:path';
import type { ConversationDay, ExportContext } from '../export-record.js';
import { writeWholeFile } from '../hashed-file.js';
import { FormatWriteError } from './format-error.js';
import type { FormatWriter, WrittenFile } from './format-writer.js';
import { pathSafeName } from './path-safe-name.js';

export interface DayFileFormat {
  format: string;
  extension: string;
  /** The file's content in pieces, written in order. */
  render(group: ConversationDay, ctx: ExportContext): Promise<Array<string | Buffer>> | Array<string | Buffer>;
}

export function dayFilePath(format: string, extension: string, group: ConversationDay): string {
  return `${format}/${pathSafeName(group.conversation.conversation_id)}/${group.day}.${extension}`;
}

export function createDayFileWriter(dir: string, ctx: ExportContext, spec: DayFileFormat): FormatWriter {
  const written: WrittenFile[] = [];
  // Conversation-days arrive in (conversation, day) order, the store's byte order of
  // UTF-8 (not JavaScript's UTF-16 order), so a repeat is never after a later key.
  let last = Buffer.alloc(0);
  return {
    format: spec.format,
    async write(group: ConversationDay): Promise<void> {
      const fail = (problem: string, cause?: unknown): FormatWriteError =>
        new FormatWriteError(spec.format, group.conversation.conversation_id, group.day, problem, { cause });
      if (!/^\d{4}-\d{2}-\d{2}$/.test(group.day)) throw fail('the day is not YYYY-MM-DD');
      const path = dayFilePath(spec.format, spec.extension, group);
      const key = Buffer.from(`${group.conversation.conversation_id}\u0000${group.day}`, 'utf8');
      const order = Buffer.compare(key, last);
      if (order <= 0 && last.length > 0) throw fail(`${path} ${order === 0 ? 'was already written' : 'comes after a later conversation-day'}: each conversation-day must come once, in order`);
      last = key;
      // Nothing happened that day: no file (an RSMF without events is invalid, an empty transcript is noise).
      if (group.messages.length === 0 && group.membership.length === 0) return;
      let pieces: Array<string | Buffer>;
      try {
        pieces = await spec.render(group, ctx);
      } catch (err) {
        throw fail(`could not render: ${(err as Error).message}`, err);
      }
      written.push({ path, messages: group.messages.length, ...writeWholeFile(join(dir, ...path.split('/')), pieces) });
    },
    async close(): Promise<WrittenFile[]> {
      return [...written];
    },
  };
}
