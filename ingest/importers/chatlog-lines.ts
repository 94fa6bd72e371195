/**
 * Parsing of one chat-log line (IRC, XMPP/Jabber room loggers, Gitter text
 * archives). Pure: the importer adds dates, zones and ids.
 *
 *   [HH:MM] <nick> text            [HH:MM:SS] <nick> text
 *   [YYYY-MM-DD HH:MM:SS] <nick> text
 *   [HH:MM]  * nick does something                     (action, /me)
 *   === nick [user@host]  has joined #chan              (also -!- and *** prefixes)
 *   === nick [user@host]  has left #chan [reason]       (also "has quit")
 *   === old is now known as new
 *   === mode/#chan [+o nick]  by ChanServ
 *   === nick does something                             (action in old irssi logs)
 *   [HH:MM] -nick:#chan- text    [HH:MM] (nick/#chan) text   (notices to the channel)
 */

export interface Stamp {
  date?: { y: number; mo: number; d: number };
  h: number;
  mi: number;
  s: number;
}

export type LineKind =
  | { kind: 'message'; nick: string; text: string }
  | { kind: 'action'; nick: string; text: string }
  | { kind: 'notice'; nick: string; text: string }
  | { kind: 'join'; nick: string; channel: string }
  | { kind: 'part'; nick: string; channel: string; reason: string }
  | { kind: 'nick'; nick: string; newNick: string }
  | { kind: 'mode'; nick: string; text: string }
  | { kind: 'system'; nick: string; text: string };

export interface ParsedLine {
  stamp?: Stamp;
  line: LineKind;
}

const STAMP = /^\[(?:(\d{4})-(\d{2})-(\d{2})[ T])?(\d{1,2}):(\d{2})(?::(\d{2}))?\]\s*/;
/** A line that starts with a time stamp: never another line's continuation, even when the rest is unknown. */
export const STAMPED = STAMP;
const MESSAGE = /^<\s*[@+%~&]?([^>]+?)\s*>(?: (.*))?$/;
const ACTION = /^\*\s+(\S+)\s?(.*)$/;
const SYSTEM_PREFIX = /^(?:===|-!-|\*\*\*|-->|<--)\s+/;
const JOIN = /^(\S+)(?:\s+[[(][^\])]*[\])])?\s+has joined\s+(\S+)/;
const PART = /^(\S+)(?:\s+[[(][^\])]*[\])])?\s+has (?:left|quit)(?:\s+(#\S+))?\s*(?:\[(.*)\]|\((.*)\))?\s*$/;
const NICK = /^(\S+) is now known as (\S+)$/;
const MODE = /^mode\/(\S+)\s+\[(.*)\]\s+by\s+(\S+)$/;
const NOTICE = /^-([^\s:]+)(?::#\S*)?- ?(.*)$|^\(([^/\s)]+)\/#[^)\s]*\) ?(.*)$/;
const ZNC = /^(Joins|Parts|Quits):\s+(\S+)/;

function stampOf(m: RegExpExecArray): Stamp {
  return {
    ...(m[1] ? { date: { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) } } : {}),
    h: Number(m[4]),
    mi: Number(m[5]),
    s: m[6] ? Number(m[6]) : 0,
  };
}

function systemLine(rest: string, channel: string): LineKind {
  let m: RegExpExecArray | null;
  if ((m = NICK.exec(rest))) return { kind: 'nick', nick: m[1]!, newNick: m[2]! };
  if ((m = JOIN.exec(rest))) return { kind: 'join', nick: m[1]!, channel: m[2]! };
  if ((m = PART.exec(rest))) return { kind: 'part', nick: m[1]!, channel: m[2] ?? channel, reason: m[3] ?? m[4] ?? '' };
  if ((m = MODE.exec(rest))) return { kind: 'mode', nick: m[3]!, text: `mode/${m[1]} [${m[2]}]` };
  if ((m = ZNC.exec(rest))) {
    return m[1] === 'Joins' ? { kind: 'join', nick: m[2]!, channel } : { kind: 'part', nick: m[2]!, channel, reason: m[1]!.toLowerCase() };
  }
  const sp = rest.indexOf(' ');
  // Old irssi logs write /me actions as "=== nick does something".
  if (sp > 0) return { kind: 'action', nick: rest.slice(0, sp), text: rest.slice(sp + 1) };
  return { kind: 'system', nick: rest, text: '' };
}

/** The parsed line, or undefined for a line in none of the known shapes. */
export function parseChatLine(raw: string): ParsedLine | undefined {
  let rest = raw;
  let stamp: Stamp | undefined;
  const sm = STAMP.exec(rest);
  if (sm) {
    stamp = stampOf(sm);
    rest = rest.slice(sm[0].length);
  }
  let m: RegExpExecArray | null;
  if ((m = MESSAGE.exec(rest))) return { ...(stamp ? { stamp } : {}), line: { kind: 'message', nick: m[1]!, text: m[2] ?? '' } };
  if ((m = SYSTEM_PREFIX.exec(rest))) return { ...(stamp ? { stamp } : {}), line: systemLine(rest.slice(m[0].length).trimEnd(), '') };
  if ((m = ACTION.exec(rest))) return { ...(stamp ? { stamp } : {}), line: { kind: 'action', nick: m[1]!, text: m[2] ?? '' } };
  if ((m = NOTICE.exec(rest))) return { ...(stamp ? { stamp } : {}), line: { kind: 'notice', nick: m[1] ?? m[3]!, text: m[2] ?? m[4] ?? '' } };
  return undefined;
}

/** The date in a log file's name (`2004-11-15_03.raw.txt`, `#ubuntu.2009-03-03.log`). */
export function dateFromFileName(name: string): { y: number; mo: number; d: number } | undefined {
  const m = /(\d{4})-(\d{2})-(\d{2})/.exec(name.slice(name.lastIndexOf('/') + 1));
  return m ? { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) } : undefined;
}

/**
 * "nick: text" / "nick, text" addresses a person; it counts as a mention when that
 * nick has been seen in the conversation (case-insensitive, as IRC nicks are).
 */
export function addressedNick(text: string, known: ReadonlyMap<string, string>): string | undefined {
  const m = /^([^\s:,]+)[:,](?:\s|$)/.exec(text);
  return m ? known.get(m[1]!.toLowerCase()) : undefined;
}
