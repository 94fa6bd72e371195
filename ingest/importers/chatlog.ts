/**
 * Plain-text chat logs (IRC, XMPP/Jabber room loggers, Gitter text archives), one
 * conversation per file, or one per `--channel` name for all files. Times are
 * local to `--timezone`; time-only stamps take their date from the file name and
 * move to the next day when the clock goes backwards (midnight passed). Logs have
 * no message ids: ids are content hashes of (conversation, time, nick, kind, text,
 * n-th repeat within that time), so an overlapping log stores nothing twice.
 */
import { contentId, EventFactory } from './event-ids.js';
import { pickFiles, readLines, type ExportFiles } from './export-files.js';
import { addressedNick, dateFromFileName, parseChatLine, type LineKind, type ParsedLine } from './chatlog-lines.js';
import { zonedToUtc } from './timezone.js';
import type { ImportItem, ImporterContext, RawEvent } from './types.js';

/** Conversation id of a file: its name up to the first dot (`#ubuntu.2009-03-03.log` -> `#ubuntu`). */
export function conversationOfFile(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const stem = base.slice(0, base.indexOf('.') > 0 ? base.indexOf('.') : undefined);
  return stem || base;
}

interface FileState {
  conversation: string;
  fileDate?: { y: number; mo: number; d: number };
  dayOffset: number;
  lastTod: number;
  lastMs?: number;
  repeats: Map<string, number>;
  repeatsAt?: number;
}

function eventsOf(f: EventFactory, st: FileState, known: Map<string, string>, line: LineKind, timeMs: number): RawEvent[] {
  const conv = st.conversation;
  if (st.repeatsAt !== timeMs) {
    st.repeats.clear();
    st.repeatsAt = timeMs;
  }
  const text = 'text' in line ? line.text : line.kind === 'nick' ? `${line.nick} is now known as ${line.newNick}` : line.kind === 'part' ? line.reason : '';
  const sig = [conv, timeMs, line.kind, line.nick, text].join('\u0000');
  const nth = st.repeats.get(sig) ?? 0;
  st.repeats.set(sig, nth + 1);
  const key = [conv, timeMs, line.kind, line.nick, text, nth];
  known.set(line.nick.toLowerCase(), line.nick);
  if (line.kind === 'join') return [f.make('member.joined', timeMs, key, { conversation_id: conv, user_id: line.nick, by: line.nick })];
  if (line.kind === 'part') {
    return [f.make('member.left', timeMs, key, { conversation_id: conv, user_id: line.nick, by: line.nick, ...(line.reason ? { reason: line.reason } : {}) })];
  }
  const mention = line.kind === 'message' ? addressedNick(text, known) : undefined;
  if (line.kind === 'nick') known.set(line.newNick.toLowerCase(), line.newNick);
  return [f.make('message.created', timeMs, key, {
    message_id: contentId(key),
    conversation_id: conv,
    conversation_type: 'channel',
    author_id: line.nick,
    text,
    ...(mention ? { mentions: [mention] } : {}),
    ...(line.kind !== 'message' ? { subtype: line.kind } : {}),
    ...(line.kind === 'nick' ? { new_nick: line.newNick } : {}),
  })];
}

/** UTC time of a stamped line, advancing the day when a time-only clock goes backwards. */
function timeOf(st: FileState, p: ParsedLine, zone: string): number | undefined {
  const s = p.stamp!;
  if (s.date) return zonedToUtc(zone, s.date.y, s.date.mo, s.date.d, s.h, s.mi, s.s);
  if (!st.fileDate) return undefined;
  const tod = s.h * 3600 + s.mi * 60 + s.s;
  if (tod < st.lastTod) st.dayOffset++;
  st.lastTod = tod;
  const { y, mo, d } = st.fileDate;
  return zonedToUtc(zone, y, mo, d + st.dayOffset, s.h, s.mi, s.s);
}

export async function* importChatlog(files: ExportFiles, ctx: ImporterContext): AsyncGenerator<ImportItem> {
  const names = pickFiles(files, (n) => !/(^|\/)\./.test(n) && /\.(txt|log)$/i.test(n) && !/\.annotation\.txt$/i.test(n), 'chat logs (*.txt, *.log; *.annotation.txt excluded)', ctx.assume);
  const f = new EventFactory('chatlog', ctx.tenant, `chatlog://${ctx.channel ?? 'files'}`);
  ctx.assume(`chatlog times are local times in ${ctx.timezone} (--timezone); a time-only stamp takes its date from the file name and the next day when the clock goes backwards; a line without a time takes the time of the line before it (or the next stamped line at the top of a file)`);
  const knownByConversation = new Map<string, Map<string, string>>();
  for (const [i, file] of names.entries()) {
    yield { kind: 'file', name: file, index: i + 1, total: names.length };
    const conversation = ctx.channel ?? conversationOfFile(file);
    let known = knownByConversation.get(conversation);
    if (!known) knownByConversation.set(conversation, (known = new Map()));
    const fileDate = dateFromFileName(file);
    const st: FileState = { conversation, ...(fileDate ? { fileDate } : {}), dayOffset: 0, lastTod: -1, repeats: new Map() };
    // Lines before the first time stamp wait for it.
    const waiting: Array<{ p: ParsedLine; n: number }> = [];
    const emit = function* (p: ParsedLine, n: number, timeMs: number): Generator<ImportItem> {
      for (const event of eventsOf(f, st, known!, p.line, timeMs)) yield { kind: 'event', event, file, at: `#${n}` };
    };
    for await (const { line, n } of readLines(files, file)) {
      if (line.trim() === '') continue;
      yield { kind: 'record' };
      const p = parseChatLine(line);
      if (!p) {
        yield { kind: 'problem', file, at: `#${n}`, reason: 'unrecognized_line', detail: `not a chat-log line: ${JSON.stringify(line.slice(0, 120))}` };
        continue;
      }
      if (!p.stamp) {
        if (st.lastMs === undefined) waiting.push({ p, n });
        else yield* emit(p, n, st.lastMs);
        continue;
      }
      const timeMs = timeOf(st, p, ctx.timezone);
      if (timeMs === undefined) {
        yield { kind: 'problem', file, at: `#${n}`, reason: 'no_date', detail: 'the line has a time only and the file name has no YYYY-MM-DD date' };
        continue;
      }
      if (st.lastMs === undefined) for (const w of waiting.splice(0)) yield* emit(w.p, w.n, timeMs);
      st.lastMs = timeMs;
      yield* emit(p, n, timeMs);
    }
    for (const w of waiting) yield { kind: 'problem', file, at: `#${w.n}`, reason: 'no_time', detail: 'no line of the file has a time stamp' };
  }
}
