/**
 * Microsoft Teams messages as Microsoft Graph returns them: chatMessage resources
 * in `value` arrays (a saved page of /chats/{id}/messages or /teams/{id}/channels/
 * {id}/messages, replies expanded or not), one resource (a GET of one message), or
 * one per line (JSON Lines). System messages are mapped in teams-system.ts.
 * Ids are Graph's own (chat or channel id + message id).
 */
import { EventFactory } from './event-ids.js';
import { pickFiles, readLines, readText, type ExportFiles } from './export-files.js';
import { htmlToText } from './html-text.js';
import { mapRecord } from './record-guard.js';
import { graphTime as time, identityOf, obj, str, systemEvents, type Conversation, type Out } from './teams-system.js';
import { inFile, type ImportItem, type ImporterContext, type RawEvent } from './types.js';

export { durationSeconds } from './teams-system.js';

type Json = Record<string, unknown>;

/** The conversation of a message: a channel (team/channel) or a chat. */
function conversationOf(m: Json): Conversation | undefined {
  const ch = obj(m.channelIdentity);
  if (str(ch.channelId)) return { id: str(ch.channelId), type: 'channel' };
  const chat = str(m.chatId);
  // One-on-one chat ids are "19:<user guid>_<user guid>@unq.gbl.spaces"; other chats are group chats or meetings.
  if (chat) return { id: chat, type: /@unq\.gbl\.spaces$/.test(chat) ? 'dm' : 'group_dm' };
  return undefined;
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
  const sep = path === '#' ? '' : '.';
  if (Array.isArray(m.replies)) for (const [i, r] of (m.replies as unknown[]).entries()) yield { m: obj(r), at: `${path}${sep}replies[${i}]` };
}

/**
 * The messages of a saved `.json` response: a page (`{"value": [...]}`, or a bare
 * array) of a list request, or one chatMessage of a GET by id (`.../messages/{id}`,
 * `@odata.context` ending in `$entity`), or undefined when it is neither.
 */
function messagesOfResponse(response: unknown): Array<{ m: Json; at: string }> | undefined {
  if (Array.isArray(response)) return response.flatMap((v, i) => [...messagesOf(v, `#[${i}]`)]);
  const body = obj(response);
  if (Array.isArray(body.value)) return (body.value as unknown[]).flatMap((v, i) => [...messagesOf(v, `#value[${i}]`)]);
  if (str(body.id) && (str(body.messageType) || 'body' in body)) return [...messagesOf(body, '#')];
  return undefined;
}

/** One chatMessage (or reply) of the export to items, under the record guard. */
function* messageItems(f: EventFactory, ctx: ImporterContext, file: string, m: Json, at: string): Generator<ImportItem> {
  yield { kind: 'record' };
  yield* mapRecord({ file, at }, () => {
    if (!identityOf(m.from) && str(m.messageType) !== 'systemEventMessage') ctx.assume('Teams messages without from.user or from.application are stored with author "unknown"');
    return inFile(mapTeamsMessage(f, m, at), file);
  });
}

export async function* importTeams(files: ExportFiles, ctx: ImporterContext): AsyncGenerator<ImportItem> {
  const names = pickFiles(files, (n) => !/(^|\/)\./.test(n) && /\.(jsonl|json|ndjson)$/i.test(n), 'Graph responses (*.json) or JSON Lines (*.jsonl, *.ndjson)', ctx.assume);
  const f = new EventFactory('teams', ctx.tenant, 'msteams://graph');
  ctx.assume('Teams: Graph does not say who deleted or edited a message; the sender is recorded as deleted_by and editor_id');
  for (const [fi, file] of names.entries()) {
    yield { kind: 'file', name: file, index: fi + 1, total: names.length };
    if (/\.json$/i.test(file)) {
      // A saved Graph response, parsed whole: Graph pages hold at most 50 messages.
      let response: unknown;
      try {
        response = JSON.parse(await readText(files, file));
      } catch (err) {
        yield { kind: 'problem', file, at: '', reason: 'not_json', detail: `not valid JSON: ${(err as Error).message.slice(0, 200)}` };
        continue;
      }
      const messages = messagesOfResponse(response);
      if (!messages) {
        yield { kind: 'problem', file, at: '', reason: 'not_a_page', detail: 'neither a page (a JSON array or an object with a "value" array) nor one chatMessage (an object with an "id")' };
        continue;
      }
      for (const { m, at } of messages) yield* messageItems(f, ctx, file, m, at);
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
      for (const { m, at } of messagesOf(value, `#${n}`)) yield* messageItems(f, ctx, file, m, at);
    }
  }
}
