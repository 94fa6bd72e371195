/**
 * Slack workspace export (folder or ZIP): users.json, channels.json, groups.json,
 * dms.json, mpims.json, integration_logs.json, then <conversation>/<YYYY-MM-DD>.json
 * day files, each a JSON array of messages. See docs/importers.md for the mapping.
 *
 * Day files are parsed whole (one conversation-day is bounded); the export as a
 * whole is streamed file by file.
 */
import { EventFactory } from './event-ids.js';
import { readText, type ExportFiles } from './export-files.js';
import { mapSlackMessage, type SlackConversation } from './slack-messages.js';
import type { ImportItem, ImporterContext, RawEvent } from './types.js';
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

async function readJsonArray(files: ExportFiles, name: string): Promise<{ items: Json[] } | { error: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readText(files, name));
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message.slice(0, 200)}` };
  }
  if (!Array.isArray(parsed)) return { error: 'is not a JSON array' };
  return { items: parsed as Json[] };
}

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
  const dayFiles = names.filter((n) => n.startsWith(root) && /^[^/]+\/\d{4}-\d{2}-\d{2}\.json$/.test(rel(n)));
  const metaFiles = ['users.json', ...CONVERSATION_FILES.map((c) => c.file), 'integration_logs.json'].filter(has);
  const total = metaFiles.length + dayFiles.length;
  let index = 0;

  // Conversations first: the workspace's team id (source) comes from users.json, the
  // folder -> conversation map and the users' stand-in time from the conversation lists.
  const byFolder = new Map<string, SlackConversation>();
  const conversations: Array<{ file: string; i: number; c: Json; type: SlackConversation['type'] }> = [];
  for (const { file, type } of CONVERSATION_FILES) {
    if (!has(file)) continue;
    const r = await readJsonArray(files, root + file);
    if ('error' in r) {
      yield { kind: 'problem', file, at: '', reason: 'not_json', detail: r.error };
      continue;
    }
    r.items.forEach((c, i) => {
      conversations.push({ file, i, c, type });
      const conv = { id: str(c.id), type };
      if (str(c.name)) byFolder.set(str(c.name), conv);
      byFolder.set(str(c.id), conv);
    });
  }
  const created = conversations.map((x) => slackTsToMs(x.c.created)).filter((t) => Number.isFinite(t) && t > 0);
  const firstDay = dayFiles.map((n) => Date.parse(rel(n).slice(-15, -5) + 'T00:00:00Z')).filter(Number.isFinite);
  // A workspace's first conversation creation is the same in every export of it: a stable stand-in time.
  const anchorMs = created.length ? Math.min(...created) : Math.min(...firstDay);

  if (has('users.json')) {
    yield { kind: 'file', name: 'users.json', index: ++index, total };
    const r = await readJsonArray(files, root + 'users.json');
    if ('error' in r) {
      yield { kind: 'problem', file: 'users.json', at: '', reason: 'not_json', detail: r.error };
    } else {
      const team = r.items.map((u) => str(u.team_id)).find(Boolean);
      if (team) f.source = `slack://${team}`;
      else ctx.assume('users.json names no team_id: events carry the source slack://export');
      if (r.items.some((u) => typeof u.updated !== 'number')) {
        ctx.assume(`users.json has no time for some users: their user.created is stamped ${Number.isFinite(anchorMs) ? new Date(anchorMs).toISOString() : '(none)'}, the earliest conversation creation in the export (or its first day)`);
      }
      for (const [i, u] of r.items.entries()) {
        yield { kind: 'record' };
        for (const event of userEvents(f, u, anchorMs)) yield { kind: 'event', event, file: 'users.json', at: `#[${i}]` };
      }
    }
  } else {
    ctx.assume('the export has no users.json: users are known only by the ids in messages; source is slack://export');
  }

  for (const { file } of CONVERSATION_FILES.filter((c) => has(c.file))) {
    yield { kind: 'file', name: file, index: ++index, total };
    for (const x of conversations.filter((y) => y.file === file)) {
      yield { kind: 'record' };
      for (const event of conversationEvents(f, x.c, x.type)) yield { kind: 'event', event, file, at: `#[${x.i}]` };
    }
  }

  if (has('integration_logs.json')) {
    yield { kind: 'file', name: 'integration_logs.json', index: ++index, total };
    const r = await readJsonArray(files, root + 'integration_logs.json');
    if ('error' in r) yield { kind: 'problem', file: 'integration_logs.json', at: '', reason: 'not_json', detail: r.error };
    else {
      for (const [i, e] of r.items.entries()) {
        yield { kind: 'record' };
        const ev = integrationEvent(f, e, i);
        if (typeof ev === 'string') yield { kind: 'problem', file: 'integration_logs.json', at: `#[${i}]`, reason: 'unmappable_integration', detail: ev };
        else yield { kind: 'event', event: ev, file: 'integration_logs.json', at: `#[${i}]` };
      }
    }
  }

  const unknownFolders = new Set<string>();
  for (const name of dayFiles) {
    const file = rel(name);
    yield { kind: 'file', name: file, index: ++index, total };
    const folder = file.slice(0, file.indexOf('/'));
    let conv = byFolder.get(folder);
    if (!conv) {
      conv = { id: folder, type: 'channel' };
      byFolder.set(folder, conv);
      unknownFolders.add(folder);
      ctx.assume(`folder "${folder}" is in no conversation list: imported as channel id "${folder}"`);
    }
    const r = await readJsonArray(files, name);
    if ('error' in r) {
      yield { kind: 'problem', file, at: '', reason: 'not_json', detail: r.error };
      continue;
    }
    for (const [i, m] of r.items.entries()) {
      yield { kind: 'record' };
      for (const out of mapSlackMessage(f, conv, m, `#[${i}]`)) yield { ...out, file };
    }
  }
}
