/**
 * Microsoft Teams messages as Microsoft Graph returns them: chatMessage resources
 * in `value` arrays (a saved page of /chats/{id}/messages or /teams/{id}/channels/
 * {id}/messages, replies expanded or not) or one per line (JSON Lines).
 * Ids are Graph's own (chat or channel id + message id).
 */
import { EventFactory } from './event-ids.js';
import { pickFiles, readLines, readText, type ExportFiles } from './export-files.js';
import { htmlToText } from './html-text.js';
import type { EventItem, ImportItem, ImporterContext, ProblemItem, RawEvent } from './types.js';

type Json = Record<string, unknown>;
type ConvType = 'channel' | 'private' | 'dm' | 'group_dm';
type Out = Omit<EventItem, 'file'> | Omit<ProblemItem, 'file'>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const time = (v: unknown): number => (typeof v === 'string' && v ? Date.parse(v) : NaN);

/** The conversation of a message: a channel (team/channel) or a chat. */
function conversationOf(m: Json): { id: string; type: ConvType } | undefined {
  const ch = obj(m.channelIdentity);
  if (str(ch.channelId)) return { id: str(ch.channelId), type: 'channel' };
  const chat = str(m.chatId);
  // One-on-one chat ids are "19:<user guid>_<user guid>@unq.gbl.spaces"; other chats are group chats or meetings.
  if (chat) return { id: chat, type: /@unq\.gbl\.spaces$/.test(chat) ? 'dm' : 'group_dm' };
  return undefined;
}

/** A user, an application (bot) or nobody. */
function identityOf(from: unknown): { id: string; app: boolean } | undefined {
  const f = obj(from);
  const user = obj(f.user);
  if (str(user.id)) return { id: str(user.id), app: false };
  const app = obj(f.application);
  if (str(app.id)) return { id: str(app.id), app: true };
  return undefined;
}

/** ISO 8601 duration such as PT1H2M3.5S to whole seconds. */
export function durationSeconds(d: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d);
  if (!m) return undefined;
  return Math.round(Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0));
}

const CALL_KIND: Record<string, 'audio' | 'video' | 'screen_share'> = { call: 'audio', meeting: 'video', screenShare: 'screen_share' };

function systemEvents(f: EventFactory, conv: { id: string; type: ConvType }, m: Json, at: string): Out[] {
  const detail = obj(m.eventDetail);
  const kind = str(detail['@odata.type']).replace('#microsoft.graph.', '');
  const t = time(m.createdDateTime);
  const id = str(m.id);
  const by = identityOf(detail.initiator)?.id ?? 'unknown';
  const ev = (e: RawEvent, sub = ''): Out => ({ kind: 'event', event: e, at: at + sub });
  const members = Array.isArray(detail.members) ? (detail.members as Json[]) : [];
  switch (kind) {
    case 'membersAddedEventDetail':
    case 'membersJoinedEventDetail':
      return members.map((mem, i) => ev(f.make('member.joined', t, [conv.id, id, str(mem.id)], { conversation_id: conv.id, user_id: str(mem.id), by: kind === 'membersJoinedEventDetail' ? str(mem.id) : by, event_detail: kind }), `.eventDetail.members[${i}]`));
    case 'membersDeletedEventDetail':
    case 'membersLeftEventDetail':
      return members.map((mem, i) => ev(f.make('member.left', t, [conv.id, id, str(mem.id)], { conversation_id: conv.id, user_id: str(mem.id), by: kind === 'membersLeftEventDetail' ? str(mem.id) : by, event_detail: kind }), `.eventDetail.members[${i}]`));
    case 'chatRenamedEventDetail':
    case 'channelRenamedEventDetail':
      return [ev(f.make('conversation.renamed', t, [conv.id, id], { conversation_id: conv.id, name: str(detail.chatDisplayName) || str(detail.channelDisplayName), by }))];
    case 'channelAddedEventDetail':
      return [ev(f.make('conversation.created', t, [conv.id, id], { conversation_id: conv.id, name: str(detail.channelDisplayName), conversation_type: conv.type, created_by: by }))];
    case 'callStartedEventDetail':
      return [ev(f.make('call.started', t, [conv.id, id], { call_id: str(detail.callId) || id, conversation_id: conv.id, initiator_id: by, kind: CALL_KIND[str(detail.callEventType)] ?? 'audio' }))];
    case 'callEndedEventDetail': {
      const secs = durationSeconds(str(detail.callDuration));
      if (secs === undefined) return [{ kind: 'problem', at: at + '.eventDetail.callDuration', reason: 'invalid_duration', detail: `callDuration "${str(detail.callDuration).slice(0, 40)}" is not an ISO 8601 duration` }];
      const participants = (Array.isArray(detail.callParticipants) ? (detail.callParticipants as Json[]) : []).map((p) => identityOf(p.participant)?.id).filter((x): x is string => !!x);
      return [ev(f.make('call.ended', t, [conv.id, id], { call_id: str(detail.callId) || id, conversation_id: conv.id, participants, duration_s: secs, call_kind: str(detail.callEventType) }))];
    }
    default:
      // Every other system event (pinned message, tab added, topic updated, ...) stays as a message with its kind.
      return [ev(f.make('message.created', t, [conv.id, id], {
        message_id: id, conversation_id: conv.id, conversation_type: conv.type, author_id: by === 'unknown' ? 'system' : by,
        text: htmlToText(str(obj(m.body).content)), subtype: kind || 'systemEventMessage', event_detail: detail,
      }))];
  }
}

export function mapTeamsMessage(f: EventFactory, m: Json, at: string): Out[] {
  const conv = conversationOf(m);
  if (!conv) return [{ kind: 'problem', at, reason: 'no_conversation', detail: 'message has neither channelIdentity.channelId nor chatId' }];
  const id = str(m.id);
  if (!id) return [{ kind: 'problem', at, reason: 'no_id', detail: 'message has no id' }];
  if (str(m.messageType) === 'systemEventMessage') return systemEvents(f, conv, m, at);
  const ev = (e: RawEvent, sub = ''): Out => ({ kind: 'event', event: e, at: at + sub });
  const author = identityOf(m.from);
  const created = time(m.createdDateTime);
  const body = obj(m.body);
  const text = str(body.contentType) === 'html' ? htmlToText(str(body.content)) : str(body.content);
  const mentions = [...new Set((Array.isArray(m.mentions) ? (m.mentions as Json[]) : []).map((x) => identityOf(x.mentioned)?.id).filter((x): x is string => !!x))];
  const attachments = (Array.isArray(m.attachments) ? (m.attachments as Json[]) : [])
    .filter((a) => str(a.contentType) === 'reference' || str(a.name))
    .map((a) => ({ name: str(a.name) || str(a.contentUrl) || str(a.id), ...(str(a.contentType) && str(a.contentType) !== 'reference' ? { mime: str(a.contentType) } : {}) }));
  // Adaptive cards and other inline attachments are content, not files: kept as they are in `cards`.
  const cards = (Array.isArray(m.attachments) ? (m.attachments as Json[]) : []).filter((a) => str(a.contentType) !== 'reference' && !str(a.name))
    .map((a) => ({ contentType: str(a.contentType), content: a.content ?? null }));
  const authorId = author?.id ?? 'unknown';
  const out: Out[] = [ev(f.make('message.created', created, [conv.id, id], {
    message_id: id,
    conversation_id: conv.id,
    conversation_type: conv.type,
    ...(str(m.replyToId) ? { thread_id: str(m.replyToId) } : {}),
    author_id: authorId,
    text,
    ...(mentions.length ? { mentions } : {}),
    ...(attachments.length ? { attachments } : {}),
    ...(cards.length ? { cards } : {}),
    ...(author?.app ? { subtype: 'app' } : {}),
    ...(str(m.subject) ? { subject: str(m.subject) } : {}),
    ...(str(m.importance) && str(m.importance) !== 'normal' ? { importance: str(m.importance) } : {}),
  }))];
  // Graph records when, not who: only the sender can edit a message, so the editor is the author.
  if (str(m.lastEditedDateTime)) {
    out.push(ev(f.make('message.edited', time(m.lastEditedDateTime), [conv.id, id, str(m.lastEditedDateTime)], { message_id: id, conversation_id: conv.id, editor_id: authorId, text }), '.lastEditedDateTime'));
  }
  // Graph does not say who deleted a message; the sender is recorded and the assumption reported.
  if (str(m.deletedDateTime)) {
    out.push(ev(f.make('message.deleted', time(m.deletedDateTime), [conv.id, id], { message_id: id, conversation_id: conv.id, deleted_by: authorId, deleted_by_assumed: true }), '.deletedDateTime'));
  }
  (Array.isArray(m.reactions) ? (m.reactions as Json[]) : []).forEach((r, i) => {
    const user = identityOf(obj(r.user))?.id ?? 'unknown';
    const emoji = str(r.reactionType) || str(r.displayName);
    out.push(ev(f.make('reaction.added', time(r.createdDateTime), [conv.id, id, emoji, user], {
      message_id: id, conversation_id: conv.id, user_id: user, emoji, ...(str(r.displayName) ? { emoji_name: str(r.displayName) } : {}),
    }), `.reactions[${i}]`));
  });
  return out;
}

function* messagesOf(value: unknown, path: string): Generator<{ m: Json; at: string }> {
  const m = obj(value);
  yield { m, at: path };
  // `$expand=replies` nests replies in the root message.
  if (Array.isArray(m.replies)) for (const [i, r] of (m.replies as unknown[]).entries()) yield { m: obj(r), at: `${path}.replies[${i}]` };
}

export async function* importTeams(files: ExportFiles, ctx: ImporterContext): AsyncGenerator<ImportItem> {
  const names = pickFiles(files, (n) => !/(^|\/)\./.test(n) && /\.(jsonl|json|ndjson)$/i.test(n), 'Graph pages (*.json) or JSON Lines (*.jsonl, *.ndjson)', ctx.assume);
  const f = new EventFactory('teams', ctx.tenant, 'msteams://graph');
  ctx.assume('Teams: Graph does not say who deleted or edited a message; the sender is recorded as deleted_by and editor_id');
  for (const [fi, file] of names.entries()) {
    yield { kind: 'file', name: file, index: fi + 1, total: names.length };
    const items: Array<{ m: Json; at: string }> = [];
    if (/\.json$/i.test(file)) {
      // A saved Graph page: { "value": [ ... ] } (or a bare array). Pages are bounded (Graph pages hold at most 50).
      let page: unknown;
      try {
        page = JSON.parse(await readText(files, file));
      } catch (err) {
        yield { kind: 'problem', file, at: '', reason: 'not_json', detail: `not valid JSON: ${(err as Error).message.slice(0, 200)}` };
        continue;
      }
      const list = Array.isArray(page) ? page : Array.isArray(obj(page).value) ? (obj(page).value as unknown[]) : undefined;
      if (!list) {
        yield { kind: 'problem', file, at: '', reason: 'not_a_page', detail: 'neither a JSON array nor an object with a "value" array' };
        continue;
      }
      const prefix = Array.isArray(page) ? '#' : '#value';
      list.forEach((v, i) => items.push(...messagesOf(v, `${prefix}[${i}]`)));
      for (const { m, at } of items) {
        yield { kind: 'record' };
        if (!identityOf(m.from) && str(m.messageType) !== 'systemEventMessage') ctx.assume('Teams messages without from.user or from.application are stored with author "unknown"');
        for (const o of mapTeamsMessage(f, m, at)) yield { ...o, file };
      }
      continue;
    }
    for await (const { line, n } of readLines(files, file)) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        yield { kind: 'record' };
        yield { kind: 'problem', file, at: `#${n}`, reason: 'not_json', detail: `not valid JSON: ${(err as Error).message.slice(0, 200)}` };
        continue;
      }
      for (const { m, at } of messagesOf(value, `#${n}`)) {
        yield { kind: 'record' };
        if (!identityOf(m.from) && str(m.messageType) !== 'systemEventMessage') ctx.assume('Teams messages without from.user or from.application are stored with author "unknown"');
        for (const o of mapTeamsMessage(f, m, at)) yield { ...o, file };
      }
    }
  }
}
