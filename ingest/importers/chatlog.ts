/**
 * Plain-text chat logs (IRC, XMPP/Jabber room loggers, Gitter text archives), one
 * conversation per file, or one per `--channel` name for all files. Times are
 * local to `--timezone`; time-only stamps take their date from the file name and
 * move to the next day when the clock goes backwards (midnight passed). A line in
 * no known shape right after a message continues it (multi-line messages). Logs have
 * no message ids: ids are content hashes of (conversation, time, nick, kind, text,
 * n-th repeat within that time), so an overlapping log stores nothing twice.
 */
import { contentId, EventFactory } from './event-ids.js';
import { pickFiles, readLines, type ExportFiles } from './export-files.js';
import { addressedNick, dateFromFileName, parseChatLine, STAMPED, type LineKind, type ParsedLine } from './chatlog-lines.js';
import { mapRecord } from './record-guard.js';
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

/** A parsed line whose events are not out yet: continuation lines may still add to its text. */
interface Held {
  p: ParsedLine;
  n: number;
  timeMs?: number;
}

const TEXT_KINDS = new Set(['message', 'action', 'notice']);

/**
 * A line in no known shape and without a time stamp, right after a message, is
 * that message's next line (a pasted log, code, a multi-line message): it joins the
 * text with "\n". Blank lines inside such a block are kept when more text follows.
 */
function continues(target: Held | undefined, line: string, blanks: number): boolean {
  if (!target || !TEXT_KINDS.has(target.p.line.kind)) return false;
  const l = target.p.line as { text: string };
  l.text += '\n'.repeat(blanks + 1) + line;
  return true;
}

export async function* importChatlog(files: ExportFiles, ctx: ImporterContext): AsyncGenerator<ImportItem> {
  const names = pickFiles(files, (n) => !/(^|\/)\./.test(n) && /\.(txt|log)$/i.test(n) && !/\.annotation\.txt$/i.test(n), 'chat logs (*.txt, *.log; *.annotation.txt excluded)', ctx.assume);
  const f = new EventFactory('chatlog', ctx.tenant, `chatlog://${ctx.channel ?? 'files'}`);
  ctx.assume(`chatlog times are local times in ${ctx.timezone} (--timezone); a time-only stamp takes its date from the file name and the next day when the clock goes backwards; a line without a time takes the time of the line before it (or the next stamped line at the top of a file); a line in no known shape after a message continues that message`);
  const knownByConversation = new Map<string, Map<string, string>>();
  for (const [i, file] of names.entries()) {
    yield { kind: 'file', name: file, index: i + 1, total: names.length };
    const conversation = ctx.channel ?? conversationOfFile(file);
    let known = knownByConversation.get(conversation);
    if (!known) knownByConversation.set(conversation, (known = new Map()));
    yield* importFile(f, ctx, files, file, conversation, known);
  }
}

async function* importFile(f: EventFactory, ctx: ImporterContext, files: ExportFiles, file: string, conversation: string, known: Map<string, string>): AsyncGenerator<ImportItem> {
  const fileDate = dateFromFileName(file);
  const st: FileState = { conversation, ...(fileDate ? { fileDate } : {}), dayOffset: 0, lastTod: -1, repeats: new Map() };
  // Lines before the first time stamp wait for it; the last line read waits for its continuation lines.
  const waiting: Held[] = [];
  let held: Held | undefined;
  let last: Held | undefined;
  let blanks = 0;
  const emit = (h: Held, timeMs: number): ImportItem[] =>
    mapRecord({ file, at: `#${h.n}` }, () => eventsOf(f, st, known, h.p.line, timeMs).map((event) => ({ kind: 'event' as const, event, file, at: `#${h.n}` })));
  for await (const { line, n } of readLines(files, file)) {
    if (line.trim() === '') {
      blanks++;
      continue;
    }
    yield { kind: 'record' };
    const p = parseChatLine(line);
    if (!p) {
      if (!STAMPED.test(line) && continues(last, line, blanks)) {
        blanks = 0;
        continue;
      }
      blanks = 0;
      last = undefined;
      yield { kind: 'problem', file, at: `#${n}`, reason: 'unrecognized_line', detail: `not a chat-log line: ${JSON.stringify(line.slice(0, 120))}` };
      continue;
    }
    blanks = 0;
    if (held) yield* emit(held, held.timeMs!);
    held = undefined;
    if (!p.stamp && st.lastMs === undefined) {
      waiting.push((last = { p, n }));
      continue;
    }
    const timeMs = p.stamp ? timeOf(st, p, ctx.timezone) : st.lastMs;
    if (timeMs === undefined) {
      last = undefined;
      yield { kind: 'problem', file, at: `#${n}`, reason: 'no_date', detail: 'the line has a time only and the file name has no YYYY-MM-DD date' };
      continue;
    }
    if (st.lastMs === undefined) for (const w of waiting.splice(0)) yield* emit(w, timeMs);
    st.lastMs = timeMs;
    held = last = { p, n, timeMs };
  }
  if (held) yield* emit(held, held.timeMs!);
  for (const w of waiting) yield { kind: 'problem', file, at: `#${w.n}`, reason: 'no_time', detail: 'no line of the file has a time stamp' };
}
