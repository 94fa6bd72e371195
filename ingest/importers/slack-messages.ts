/**
 * One Slack message object to events. Membership, archive, rename and
 * integration subtypes become admin events (and, when they carry reactions, stay
 * a message of their subtype too, so the reactions have their message); every
 * other message, including
 * subtypes this code does not know, becomes message.created with the subtype
 * kept in `data.subtype` (stored in `extra`), plus message.edited for the
 * `edited` marker and reaction.added per user and reaction.
 */
import type { EventFactory } from './event-ids.js';
import { slackMentions, slackTsToMs } from './slack-time.js';
import type { EventItem, ProblemItem } from './types.js';

export interface SlackConversation {
  id: string;
  type: 'channel' | 'private' | 'dm' | 'group_dm';
}

type Json = Record<string, unknown>;
type Out = Omit<EventItem, 'file'> | Omit<ProblemItem, 'file'>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const JOIN = new Set(['channel_join', 'group_join']);
const LEAVE = new Set(['channel_leave', 'group_leave']);
const ARCHIVE = new Set(['channel_archive', 'group_archive']);
const UNARCHIVE = new Set(['channel_unarchive', 'group_unarchive']);
const RENAME = new Set(['channel_name', 'group_name']);

/** Attachment metadata of shared files (`file` in old exports, `files` in newer ones); never the content. */
function fileAttachments(m: Json): Array<{ name: string; mime?: string; size?: number }> {
  const list = [...(m.file ? [m.file] : []), ...(Array.isArray(m.files) ? m.files : [])] as Json[];
  return list.map((file) => ({
    name: str(file.name) || str(file.title) || str(file.id) || 'file',
    ...(str(file.mimetype) ? { mime: str(file.mimetype) } : {}),
    ...(typeof file.size === 'number' && Number.isInteger(file.size) && file.size >= 0 ? { size: file.size } : {}),
  }));
}

/** Who wrote it: the user; for file comments the commenter; for bots the bot id. */
function authorOf(m: Json): string {
  return str(m.user) || str((m.comment as Json | undefined)?.user) || str(m.bot_id) || str(m.username);
}

function adminEvent(f: EventFactory, conv: SlackConversation, m: Json, sub: string, time: number): ReturnType<EventFactory['make']> | undefined {
  const user = str(m.user);
  const ts = str(m.ts);
  const keep = { subtype: sub, text: str(m.text) };
  if (JOIN.has(sub)) return f.make('member.joined', time, [conv.id, ts, user], { conversation_id: conv.id, user_id: user, by: str(m.inviter) || user, ...keep });
  if (LEAVE.has(sub)) return f.make('member.left', time, [conv.id, ts, user], { conversation_id: conv.id, user_id: user, by: user, ...keep });
  if (ARCHIVE.has(sub)) return f.make('conversation.archived', time, [conv.id, ts], { conversation_id: conv.id, by: user, ...keep });
  if (UNARCHIVE.has(sub)) return f.make('conversation.unarchived', time, [conv.id, ts], { conversation_id: conv.id, by: user, ...keep });
  if (RENAME.has(sub)) return f.make('conversation.renamed', time, [conv.id, ts], { conversation_id: conv.id, name: str(m.name), by: user, old_name: str(m.old_name), ...keep });
  if (sub === 'bot_add' || sub === 'bot_remove') {
    return f.make(sub === 'bot_add' ? 'app.installed' : 'app.removed', time, [conv.id, ts], { app_id: str(m.bot_id), by: user, conversation_id: conv.id, ...keep });
  }
  return undefined;
}

type Ev = (event: ReturnType<EventFactory['make']>, path?: string) => Out;

export function mapSlackMessage(f: EventFactory, conv: SlackConversation, m: Json, at: string): Out[] {
  const ev: Ev = (event, path = '') => ({ kind: 'event', event, at: at + path });
  const ts = str(m.ts);
  const time = slackTsToMs(m.ts);
  if (!Number.isFinite(time)) return [{ kind: 'problem', at, reason: 'no_timestamp', detail: `ts: ${JSON.stringify(m.ts ?? null).slice(0, 40)} is not a Slack time stamp` }];
  const sub = str(m.subtype);
  const reacted = Array.isArray(m.reactions) && m.reactions.length > 0;

  const admin = adminEvent(f, conv, m, sub, time);
  // A join (or leave, rename, ...) can carry reactions; they need a message to belong to,
  // so such a message is also kept as a message of its subtype, as the export holds it.
  if (admin) return reacted ? [ev(admin), ...messageEvents(f, conv, m, at, ev)] : [ev(admin)];

  if (sub === 'message_deleted' || sub === 'message_changed') {
    const out = [sub === 'message_deleted' ? deletion(f, conv, m, ts, time, ev) : edit(f, conv, m, ts, time, sub, ev)];
    if (reacted) out.push({ kind: 'problem', at: `${at}.reactions`, reason: 'reaction_without_message', detail: `a ${sub} record carries reactions; they belong to no message of the export` });
    return out;
  }
  return messageEvents(f, conv, m, at, ev);
}

function deletion(f: EventFactory, conv: SlackConversation, m: Json, ts: string, time: number, ev: Ev): Out {
  const target = str(m.deleted_ts);
  return ev(f.make('message.deleted', time, [conv.id, target, ts], { message_id: target, conversation_id: conv.id, deleted_by: str(m.user) || 'unknown' }));
}

function edit(f: EventFactory, conv: SlackConversation, m: Json, ts: string, time: number, sub: string, ev: Ev): Out {
  const inner = (m.message ?? {}) as Json;
  const editor = str((inner.edited as Json | undefined)?.user) || str(inner.user);
  return ev(f.make('message.edited', time, [conv.id, str(inner.ts), ts], { message_id: str(inner.ts), conversation_id: conv.id, editor_id: editor, text: str(inner.text), subtype: sub }));
}

/** message.created of a message with its tombstone, edit and reactions. */
function messageEvents(f: EventFactory, conv: SlackConversation, m: Json, at: string, ev: Ev): Out[] {
  const ts = str(m.ts);
  const time = slackTsToMs(m.ts);
  const sub = str(m.subtype);
  const author = authorOf(m);
  if (!author) return [{ kind: 'problem', at, reason: 'no_author', detail: 'message has no user, bot_id, comment.user or username' }];
  const text = str(m.text);
  const mentions = slackMentions(text);
  const attachments = fileAttachments(m);
  const thread = str(m.thread_ts);
  const data: Json = {
    message_id: ts,
    conversation_id: conv.id,
    conversation_type: conv.type,
    ...(thread && thread !== ts ? { thread_id: thread } : {}),
    author_id: author,
    text,
    ...(mentions.length ? { mentions } : {}),
    ...(attachments.length ? { attachments } : {}),
    ...(sub ? { subtype: sub } : {}),
    ...(str(m.bot_id) ? { bot_id: str(m.bot_id) } : {}),
    ...(sub === 'bot_message' && str(m.username) ? { bot_name: str(m.username) } : {}),
    ...(m.comment ? { file_comment_id: str((m.comment as Json).id) } : {}),
  };
  const out: Out[] = [ev(f.make('message.created', time, [conv.id, ts], data))];

  // A thread root deleted after it had replies stays in the export as a tombstone: keep it, marked deleted.
  if (sub === 'tombstone') {
    out.push(ev(f.make('message.deleted', time, [conv.id, ts, 'tombstone'], { message_id: ts, conversation_id: conv.id, deleted_by: 'unknown' })));
  }

  const edited = m.edited as Json | undefined;
  if (edited) {
    // The export holds only the current text: record who edited it and when, with that text.
    const eTime = slackTsToMs(edited.ts);
    out.push(ev(f.make('message.edited', eTime, [conv.id, ts, str(edited.ts)], {
      message_id: ts, conversation_id: conv.id, editor_id: str(edited.user) || author, text,
    }), '.edited'));
  }

  const reactions = Array.isArray(m.reactions) ? (m.reactions as Json[]) : [];
  reactions.forEach((r, ri) => {
    const users = Array.isArray(r.users) ? (r.users as string[]) : [];
    users.forEach((u, ui) => {
      // Slack exports carry no reaction times: the message's own time stands in.
      out.push(ev(f.make('reaction.added', time, [conv.id, ts, str(r.name), u], {
        message_id: ts, conversation_id: conv.id, user_id: u, emoji: str(r.name),
      }), `.reactions[${ri}].users[${ui}]`));
    });
    if (typeof r.count === 'number' && r.count > users.length) {
      out.push({ kind: 'problem', at: `${at}.reactions[${ri}]`, reason: 'reaction_users_truncated', detail: `"${str(r.name)}" has count ${r.count} but the export names ${users.length} users` });
    }
  });
  return out;
}
