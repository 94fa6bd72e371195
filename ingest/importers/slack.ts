/**
 * Slack workspace export (folder or ZIP): users.json, channels.json, groups.json,
 * dms.json, mpims.json, integration_logs.json, then <conversation>/<YYYY-MM-DD>.json
 * day files, each a JSON array of messages. See docs/importers.md for the mapping.
 *
 * Every JSON array (users.json, day files, ...) is streamed element by element,
 * and the export file by file, so memory does not grow with the export.
 */
import { EventFactory } from './event-ids.js';
import { pickFiles, type ExportFiles } from './export-files.js';
import { jsonArrayElements, NotAJsonArrayError } from './json-array-stream.js';
import { mapRecord } from './record-guard.js';
import { mapSlackMessage, type SlackConversation } from './slack-messages.js';
import { inFile, type ImportItem, type ImporterContext, type RawEvent } from './types.js';
import { slackTsToMs } from './slack-time.js';

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const CONVERSATION_FILES: Array<{ file: string; type: SlackConversation['type'] }> = [
  { file: 'channels.json', type: 'channel' },
  { file: 'groups.json', type: 'private' },
  { file: 'dms.json', type: 'dm' },
  { file: 'mpims.json', type: 'group_dm' },
];

/** The folder that holds users.json / channels.json (exports are sometimes zipped inside a top folder). */
function exportRoot(names: readonly string[]): string {
  const marker = names.find((n) => /(^|\/)(channels|users)\.json$/.test(n));
  return marker ? marker.slice(0, marker.lastIndexOf('/') + 1) : '';
}

type Element = { i: number; item: Json } | { i: number; error: string };

/** The objects of a JSON-array file, streamed; a broken element or file comes back as an error. */
async function* arrayItems(files: ExportFiles, name: string): AsyncGenerator<Element> {
  try {
    for await (const el of jsonArrayElements(await files.open(name))) {
      if ('error' in el) yield { i: el.index, error: el.error };
      else if (el.value === null || typeof el.value !== 'object' || Array.isArray(el.value)) yield { i: el.index, error: 'is not a JSON object' };
      else yield { i: el.index, item: el.value as Json };
    }
  } catch (err) {
    if (!(err instanceof NotAJsonArrayError)) throw err;
    yield { i: -1, error: err.message };
  }
}

const problemOf = (file: string, el: { i: number; error: string }): ImportItem =>
  ({ kind: 'problem', file, at: el.i < 0 ? '' : `#[${el.i}]`, reason: 'not_json', detail: el.error });

function userEvents(f: EventFactory, u: Json, anchorMs: number): RawEvent[] {
  const profile = (u.profile ?? {}) as Json;
  const id = str(u.id);
  const data: Json = {
    user_id: id,
    email: str(profile.email),
    display_name: str(profile.display_name) || str(profile.real_name) || str(u.real_name) || str(u.name),
    name: str(u.name),
    ...(str(profile.title) ? { title: str(profile.title) } : {}),
    ...(u.is_bot ? { is_bot: true } : {}),
    ...(u.is_admin ? { is_admin: true } : {}),
    ...(str(u.tz) ? { tz: str(u.tz) } : {}),
  };
  const time = typeof u.updated === 'number' ? u.updated * 1000 : anchorMs;
  const out = [f.make('user.created', time, [id], data)];
  if (u.deleted === true) out.push(f.make('user.deactivated', time, [id], { user_id: id, by: 'unknown' }));
  return out;
}

function conversationEvents(f: EventFactory, c: Json, type: SlackConversation['type']): RawEvent[] {
  const id = str(c.id);
  const time = slackTsToMs(c.created);
  const members = Array.isArray(c.members) ? (c.members as string[]) : [];
  const name = str(c.name) || (type === 'dm' ? members.join(',') : id);
  const created_by = str(c.creator) || str(c.user) || members[0] || 'unknown';
  const topic = str((c.topic as Json | undefined)?.value);
  const purpose = str((c.purpose as Json | undefined)?.value);
  const out = [f.make('conversation.created', time, [id], {
    conversation_id: id, name, conversation_type: type, created_by,
    ...(topic ? { topic } : {}), ...(purpose ? { purpose } : {}),
  })];
  // Direct messages have no join messages: their members are members from the start.
  if (type === 'dm' || type === 'group_dm') {
    for (const m of members) out.push(f.make('member.joined', time, [id, m], { conversation_id: id, user_id: m, by: created_by }));
  }
  return out;
}

const INSTALLED = new Set(['added', 'enabled', 'expanded', 'updated']);
const REMOVED = new Set(['removed', 'disabled']);

function integrationEvent(f: EventFactory, e: Json, i: number): RawEvent | string {
  const change = str(e.change_type);
  const type = INSTALLED.has(change) ? 'app.installed' : REMOVED.has(change) ? 'app.removed' : undefined;
  if (!type) return `change_type "${change.slice(0, 50)}" has no event in the contract`;
  const appId = str(e.app_id) || str(e.service_id) || (str(e.service_type) ? `service:${str(e.service_type)}` : '');
  const data: Json = {
    app_id: appId, by: str(e.user_id),
    change_type: change,
    ...(str(e.app_type) || str(e.service_type) ? { app_name: str(e.app_type) || str(e.service_type) } : {}),
    ...(str(e.scope) ? { scope: str(e.scope) } : {}),
    ...(str(e.channel) ? { channel: str(e.channel) } : {}),
    ...(str(e.reason) ? { reason: str(e.reason) } : {}),
  };
  return f.make(type, slackTsToMs(e.date), [appId, change, str(e.date), i], data);
}

export async function* importSlack(files: ExportFiles, ctx: ImporterContext): AsyncGenerator<ImportItem> {
  const names = files.names();
  const root = exportRoot(names);
  const rel = (n: string) => n.slice(root.length);
  const has = (n: string) => names.includes(root + n);
  const f = new EventFactory('slack', ctx.tenant, 'slack://export');
  const isDayFile = (n: string) => n.startsWith(root) && /^[^/]+\/\d{4}-\d{2}-\d{2}\.json$/.test(rel(n));
  const metaFiles = ['users.json', ...CONVERSATION_FILES.map((c) => c.file), 'integration_logs.json'].filter(has);
  const dayFiles = pickFiles(files, (n) => isDayFile(n) || metaFiles.some((m) => n === root + m), 'part of the Slack export layout', ctx.assume).filter(isDayFile);
  const total = metaFiles.length + dayFiles.length;
  let index = 0;

  // Conversations first: the workspace's team id (source) comes from users.json, the
  // folder -> conversation map and the users' stand-in time from the conversation lists.
  const byFolder = new Map<string, SlackConversation>();
  const conversations: Array<{ file: string; i: number; c: Json; type: SlackConversation['type'] }> = [];
  const conversationProblems: ImportItem[] = [];
  for (const { file, type } of CONVERSATION_FILES) {
    if (!has(file)) continue;
    for await (const el of arrayItems(files, root + file)) {
      if ('error' in el) {
        conversationProblems.push(problemOf(file, el));
        continue;
      }
      const c = el.item;
      conversations.push({ file, i: el.i, c, type });
      const conv = { id: str(c.id), type };
      if (str(c.name)) byFolder.set(str(c.name), conv);
      byFolder.set(str(c.id), conv);
    }
  }
  // A workspace's first conversation creation is the same in every export of it: a stable stand-in time.
  const earliest = (times: number[]) => times.reduce((a, t) => (Number.isFinite(t) && t > 0 && t < a ? t : a), Infinity);
  const created = earliest(conversations.map((x) => slackTsToMs(x.c.created)));
  const anchorMs = Number.isFinite(created) ? created : earliest(dayFiles.map((n) => Date.parse(rel(n).slice(-15, -5) + 'T00:00:00Z')));

  if (has('users.json')) {
    yield { kind: 'file', name: 'users.json', index: ++index, total };
    let first = true;
    for await (const el of arrayItems(files, root + 'users.json')) {
      if ('error' in el) {
        yield problemOf('users.json', el);
        continue;
      }
      const u = el.item;
      // The first user names the workspace; the source must not change once events carry it.
      if (first) {
        first = false;
        if (str(u.team_id)) f.source = `slack://${str(u.team_id)}`;
        else ctx.assume('users.json names no team_id: events carry the source slack://export');
      }
      if (typeof u.updated !== 'number') {
        ctx.assume(`users.json has no time for some users: their user.created is stamped ${Number.isFinite(anchorMs) ? new Date(anchorMs).toISOString() : '(none)'}, the earliest conversation creation in the export (or its first day)`);
      }
      yield { kind: 'record' };
      const at = `#[${el.i}]`;
      yield* mapRecord({ file: 'users.json', at }, () => userEvents(f, u, anchorMs).map((event) => ({ kind: 'event' as const, event, file: 'users.json', at })));
    }
  } else {
    ctx.assume('the export has no users.json: users are known only by the ids in messages; source is slack://export');
  }

  yield* conversationProblems;
  for (const { file } of CONVERSATION_FILES.filter((c) => has(c.file))) {
    yield { kind: 'file', name: file, index: ++index, total };
    for (const x of conversations.filter((y) => y.file === file)) {
      yield { kind: 'record' };
      const at = `#[${x.i}]`;
      yield* mapRecord({ file, at }, () => conversationEvents(f, x.c, x.type).map((event) => ({ kind: 'event' as const, event, file, at })));
    }
  }

  if (has('integration_logs.json')) {
    yield { kind: 'file', name: 'integration_logs.json', index: ++index, total };
    for await (const el of arrayItems(files, root + 'integration_logs.json')) {
      if ('error' in el) {
        yield problemOf('integration_logs.json', el);
        continue;
      }
      yield { kind: 'record' };
      const where = { file: 'integration_logs.json', at: `#[${el.i}]` };
      yield* mapRecord(where, () => {
        const ev = integrationEvent(f, el.item, el.i);
        return [typeof ev === 'string' ? { kind: 'problem' as const, ...where, reason: 'unmappable_integration', detail: ev } : { kind: 'event' as const, event: ev, ...where }];
      });
    }
  }

  for (const name of dayFiles) {
    const file = rel(name);
    yield { kind: 'file', name: file, index: ++index, total };
    const folder = file.slice(0, file.indexOf('/'));
    let conv = byFolder.get(folder);
    if (!conv) {
      conv = { id: folder, type: 'channel' };
      byFolder.set(folder, conv);
      ctx.assume(`folder "${folder}" is in no conversation list: imported as channel id "${folder}"`);
    }
    for await (const el of arrayItems(files, name)) {
      if ('error' in el) {
        yield problemOf(file, el);
        continue;
      }
      yield { kind: 'record' };
      const at = `#[${el.i}]`;
      yield* mapRecord({ file, at }, () => inFile(mapSlackMessage(f, conv, el.item, at), file));
    }
  }
}
