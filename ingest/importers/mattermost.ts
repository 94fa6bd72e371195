/**
 * Mattermost bulk export (JSON Lines: version, scheme, role, emoji, team, channel,
 * user, bot, post with replies and reactions, direct_channel, direct_post, the
 * line types of Mattermost's bulk-loading format), streamed line by line.
 *
 * The export names things (team/channel, username) and has no ids: conversation
 * ids are `team/channel` or `dm:<sorted members>`, user ids are usernames, and
 * post ids are content hashes of (conversation, user, create_at). Users and
 * channels carry no times: they are emitted after the posts, stamped with the
 * earliest post time of the export (stated in the report).
 */
import { contentId, EventFactory } from './event-ids.js';
import { pickFiles, readLines, type ExportFiles } from './export-files.js';
import { mapRecord } from './record-guard.js';
import type { ImportItem, ImporterContext, RawEvent } from './types.js';

type Json = Record<string, unknown>;
type ConvType = 'channel' | 'private' | 'dm' | 'group_dm';
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

interface Deferred {
  at: string;
  file: string;
  make(anchorMs: number): RawEvent[];
}

const JOIN_TYPES = new Set(['system_join_channel', 'system_join_team']);
const LEAVE_TYPES = new Set(['system_leave_channel', 'system_leave_team']);

function dmId(members: string[]): { id: string; type: ConvType } {
  const sorted = [...members].sort();
  return { id: `dm:${sorted.join(',')}`, type: sorted.length > 2 ? 'group_dm' : 'dm' };
}

function mentionsIn(text: string, users: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/@([a-z0-9][a-z0-9._-]*)/gi)) {
    const name = m[1]!.replace(/[._-]+$/, '').toLowerCase();
    if (users.has(name)) out.add(name);
  }
  return [...out];
}

function basenameOf(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1) || path;
}

interface PostCtx {
  f: EventFactory;
  conv: string;
  convType: ConvType;
  users: ReadonlySet<string>;
}

/** A post or a reply to events; `root` is the thread root's message id for replies. */
function postEvents(c: PostCtx, p: Json, path: string, root?: string): Array<{ event: RawEvent; path: string }> {
  const user = str(p.user);
  const created = num(p.create_at);
  const id = contentId([c.conv, user, created]);
  const type = str(p.type);
  const props = (p.props ?? {}) as Json;
  const out: Array<{ event: RawEvent; path: string }> = [];
  const add = (event: RawEvent, sub = '') => out.push({ event, path: path + sub });
  if (JOIN_TYPES.has(type) || type === 'system_add_to_channel') {
    const who = str(props.addedUsername) || user;
    add(c.f.make('member.joined', created, [c.conv, id], { conversation_id: c.conv, user_id: who, by: user, subtype: type, text: str(p.message) }));
    return out;
  }
  if (LEAVE_TYPES.has(type) || type === 'system_remove_from_channel') {
    const who = str(props.removedUsername) || user;
    add(c.f.make('member.left', created, [c.conv, id], { conversation_id: c.conv, user_id: who, by: user, subtype: type, text: str(p.message) }));
    return out;
  }
  if (type === 'system_channel_deleted' || type === 'system_channel_restored') {
    const t = type === 'system_channel_deleted' ? 'conversation.archived' : 'conversation.unarchived';
    add(c.f.make(t, created, [c.conv, id], { conversation_id: c.conv, by: user, subtype: type }));
    return out;
  }
  if (type === 'system_displayname_change' && str(props.new_displayname)) {
    add(c.f.make('conversation.renamed', created, [c.conv, id], { conversation_id: c.conv, name: str(props.new_displayname), by: user, old_name: str(props.old_displayname) }));
    return out;
  }
  const text = str(p.message);
  const mentions = mentionsIn(text, c.users);
  const attachments = (Array.isArray(p.attachments) ? (p.attachments as Json[]) : []).map((a) => ({ name: basenameOf(str(a.path)) }));
  add(c.f.make('message.created', created, [c.conv, id], {
    message_id: id,
    conversation_id: c.conv,
    conversation_type: c.convType,
    ...(root ? { thread_id: root } : {}),
    author_id: user,
    text,
    ...(mentions.length ? { mentions } : {}),
    ...(attachments.length ? { attachments } : {}),
    ...(type ? { subtype: type } : {}),
    ...(p.is_pinned === true ? { is_pinned: true } : {}),
    ...(Object.keys(props).length ? { props } : {}),
  }));
  const editAt = num(p.edit_at);
  if (editAt > 0) add(c.f.make('message.edited', editAt, [c.conv, id, editAt], { message_id: id, conversation_id: c.conv, editor_id: user, text }), '.edit_at');
  (Array.isArray(p.reactions) ? (p.reactions as Json[]) : []).forEach((r, i) => {
    const at = num(r.create_at);
    add(c.f.make('reaction.added', Number.isFinite(at) ? at : created, [c.conv, id, str(r.user), str(r.emoji_name)], {
      message_id: id, conversation_id: c.conv, user_id: str(r.user), emoji: str(r.emoji_name),
    }), `.reactions[${i}]`);
  });
  if (!root) {
    (Array.isArray(p.replies) ? (p.replies as Json[]) : []).forEach((r, i) => out.push(...postEvents(c, r, `${path}.replies[${i}]`, id)));
  }
  return out;
}

/** Documented line types that hold no chat record: what each one is, for the report. */
const NOT_ARCHIVED: Record<string, string> = {
  version: 'the version of the bulk-import format',
  team: 'a team (its name is the first part of its channels\' ids)',
  scheme: 'a permission scheme',
  role: 'a permission role',
  emoji: 'a custom emoji\'s name and image (reactions name it)',
};

interface ExportState {
  f: EventFactory;
  ctx: ImporterContext;
  channels: Map<string, ConvType>;
  users: Set<string>;
  deferred: Deferred[];
  anchor: number;
}

function userLike(st: ExportState, file: string, at: string, body: Json, bot: boolean): void {
  const name = str(body.username).toLowerCase();
  st.users.add(name);
  const display = (bot ? str(body.display_name) : [str(body.first_name), str(body.last_name)].filter(Boolean).join(' ') || str(body.nickname)) || name;
  const deleteAt = num(body.delete_at);
  st.deferred.push({ file, at, make: (t) => [
    st.f.make('user.created', t, [name], {
      user_id: name, email: str(body.email), display_name: display,
      ...(str(body.position) ? { title: str(body.position) } : {}),
      ...(str(body.nickname) ? { nickname: str(body.nickname) } : {}),
      ...(str(body.roles) ? { roles: str(body.roles) } : {}),
      ...(bot ? { is_bot: true, ...(str(body.owner) ? { owner: str(body.owner).toLowerCase() } : {}), ...(str(body.description) ? { description: str(body.description) } : {}) } : {}),
    }),
    ...(deleteAt > 0 ? [st.f.make('user.deactivated', deleteAt, [name, deleteAt], { user_id: name, by: 'unknown' })] : []),
  ] });
}

function channelLine(st: ExportState, file: string, at: string, body: Json): void {
  const id = `${str(body.team)}/${str(body.name)}`;
  const ct: ConvType = str(body.type) === 'P' ? 'private' : 'channel';
  st.channels.set(id, ct);
  st.deferred.push({ file, at, make: (t) => [st.f.make('conversation.created', t, [id], {
    conversation_id: id, name: str(body.display_name) || str(body.name), conversation_type: ct, created_by: 'unknown',
    ...(str(body.header) ? { header: str(body.header) } : {}), ...(str(body.purpose) ? { purpose: str(body.purpose) } : {}),
  })] });
}

function directChannelLine(st: ExportState, file: string, at: string, body: Json): void {
  const members = (Array.isArray(body.members) ? body.members : []).map((m) => str(m).toLowerCase());
  const { id, type: ct } = dmId(members);
  st.deferred.push({ file, at, make: (t) => [
    st.f.make('conversation.created', t, [id], { conversation_id: id, name: members.join(', '), conversation_type: ct, created_by: members[0] ?? 'unknown' }),
    ...members.map((m) => st.f.make('member.joined', t, [id, m], { conversation_id: id, user_id: m, by: members[0] ?? m })),
  ] });
}

function postLine(st: ExportState, file: string, at: string, type: string, body: Json): ImportItem[] {
  let conv: string;
  let convType: ConvType;
  if (type === 'post') {
    conv = `${str(body.team)}/${str(body.channel)}`;
    const known = st.channels.get(conv);
    if (!known) st.ctx.assume(`post in channel "${conv}" that has no channel line: imported as a public channel`);
    convType = known ?? 'channel';
  } else {
    ({ id: conv, type: convType } = dmId((Array.isArray(body.channel_members) ? body.channel_members : []).map((m) => str(m).toLowerCase())));
  }
  const events = postEvents({ f: st.f, conv, convType, users: st.users }, body, at);
  const times = [num(body.create_at), ...(Array.isArray(body.replies) ? (body.replies as Json[]).map((r) => num(r.create_at)) : [])].filter(Number.isFinite);
  st.anchor = Math.min(st.anchor, ...times);
  return events.map(({ event, path }) => ({ kind: 'event', event, file, at: path }));
}

/** One parsed line of the export: its events now, or later (users, channels), or why it has none. */
function mapLine(st: ExportState, file: string, at: string, rec: Json): ImportItem[] {
  const type = str(rec.type);
  const body = (rec[type] ?? {}) as Json;
  if (type in NOT_ARCHIVED) return [{ kind: 'not_archived', file, at, what: type, detail: `not archived: ${type} carries no chat record (${NOT_ARCHIVED[type]})` }];
  switch (type) {
    case 'channel':
      channelLine(st, file, at, body);
      return [];
    case 'user':
    case 'bot':
      userLike(st, file, at, body, type === 'bot');
      return [];
    case 'direct_channel':
      directChannelLine(st, file, at, body);
      return [];
    case 'post':
    case 'direct_post':
      return postLine(st, file, at, type, body);
    default:
      return [{ kind: 'problem', file, at, reason: 'unknown_record_type', detail: `type "${type.slice(0, 50)}" is not a Mattermost bulk-export line type` }];
  }
}

export async function* importMattermost(files: ExportFiles, ctx: ImporterContext): AsyncGenerator<ImportItem> {
  const names = pickFiles(files, (n) => !/(^|\/)\./.test(n) && /\.(jsonl|json|ndjson)$/i.test(n), 'JSON Lines (*.jsonl, *.ndjson, *.json)', ctx.assume);
  const st: ExportState = { f: new EventFactory('mattermost', ctx.tenant, 'mattermost://export'), ctx, channels: new Map(), users: new Set(), deferred: [], anchor: Infinity };
  for (const [fi, file] of names.entries()) {
    yield { kind: 'file', name: file, index: fi + 1, total: names.length };
    for await (const { line, n } of readLines(files, file)) {
      if (line.trim() === '') continue;
      yield { kind: 'record' };
      const at = `#${n}`;
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch (err) {
        yield { kind: 'problem', file, at, reason: 'not_json', detail: `not valid JSON: ${(err as Error).message.slice(0, 200)}` };
        continue;
      }
      yield* mapRecord({ file, at }, () => mapLine(st, file, at, rec as Json));
    }
  }
  const { deferred, anchor } = st;
  if (deferred.length) {
    ctx.assume(`Mattermost users and channels carry no times: stamped ${Number.isFinite(anchor) ? new Date(anchor).toISOString() : '(no posts: not importable)'}, the earliest post time in the export`);
  }
  for (const d of deferred) yield* mapRecord(d, () => d.make(anchor).map((event) => ({ kind: 'event' as const, event, file: d.file, at: d.at })));
}
