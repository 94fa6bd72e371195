/**
 * The Slack importer on a real workspace export (../shared/data/slack-houstondatavis)
 * and on the ZIP fixture, into a real chDB store. Expected counts are computed here
 * from the export files themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { getArchiveStats } from '../../common/queries/archive-stats.js';
import { createEventWriter } from '../event-writer.js';
import { collectingReport } from './report.js';
import { runImport, type ImportOptions } from './run-import.js';
import { createStoreSink } from './sinks.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const exportDir = resolve(repoRoot, '..', 'shared', 'data', 'slack-houstondatavis');
const fixtureDir = join(repoRoot, 'test', 'fixtures', 'slack-zip');

type Msg = Record<string, any>;
const ADMIN_SUBTYPES = new Set(['channel_join', 'channel_leave', 'channel_archive', 'channel_name', 'bot_add', 'group_join', 'group_leave', 'group_archive', 'group_name']);

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('importers-slack');
});
afterAll(async () => ts?.close());

async function importInto(o: Omit<ImportOptions, 'format'>, batch = 500) {
  const report = collectingReport();
  const summary = await runImport({ format: 'slack', ...o }, { sink: createStoreSink(createEventWriter(ts.store), batch), report });
  return { summary, report };
}

const rows = <T>(sql: string, params: Record<string, unknown>) => ts.store.query<T>('test', sql, params);
const asMap = (list: Array<{ k: string; n: string }>) => Object.fromEntries(list.map((r) => [r.k, Number(r.n)]));

/** What the export holds, read straight from its files. */
function expectedFromExport() {
  const channels = JSON.parse(readFileSync(join(exportDir, 'channels.json'), 'utf8')) as Msg[];
  const idOf = new Map(channels.map((c) => [c.name as string, c.id as string]));
  const perConversation: Record<string, number> = {};
  const perUser: Record<string, number> = {};
  const perSubtype: Record<string, number> = {};
  let total = 0, messages = 0, edits = 0, reactions = 0, allReactions = 0, fileShares = 0, mentionMessages = 0;
  const all: Array<{ conv: string; m: Msg }> = [];
  for (const folder of readdirSync(exportDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    for (const day of readdirSync(join(exportDir, folder)).filter((f) => f.endsWith('.json'))) {
      for (const m of JSON.parse(readFileSync(join(exportDir, folder, day), 'utf8')) as Msg[]) {
        total++;
        const conv = idOf.get(folder)!;
        all.push({ conv, m });
        perSubtype[m.subtype ?? ''] = (perSubtype[m.subtype ?? ''] ?? 0) + 1;
        for (const r of m.reactions ?? []) allReactions += r.users.length;
        // A membership (or rename, ...) message is an admin event; with reactions it is kept as a message too.
        if (ADMIN_SUBTYPES.has(m.subtype) && !(m.reactions?.length > 0)) continue;
        messages++;
        perConversation[conv] = (perConversation[conv] ?? 0) + 1;
        const author = m.user ?? m.comment?.user ?? m.bot_id;
        perUser[author] = (perUser[author] ?? 0) + 1;
        if (m.edited) edits++;
        for (const r of m.reactions ?? []) reactions += r.users.length;
        if (m.file) fileShares++;
        if (/<@U[A-Z0-9]+/.test(m.text)) mentionMessages++;
      }
    }
  }
  return { channels, perConversation, perUser, perSubtype, total, messages, edits, reactions, allReactions, fileShares, mentionMessages, all };
}

describe('slack importer on the real houstondatavis export', () => {
  const exp = expectedFromExport();

  it('the export is the one described in its SOURCE.txt', () => {
    expect(exp.total).toBe(1382);
    expect(exp.channels).toHaveLength(16);
    // One of them is on a channel_join message.
    expect(exp.allReactions).toBe(199);
    expect(exp.reactions).toBe(exp.allReactions);
  });

  it('stores every message, user, conversation, edit, reaction, file share and membership change', async () => {
    const { summary, report } = await importInto({ path: exportDir, tenant: 'hdv' });
    expect(report.problems).toEqual([]);
    expect(report.assumptions).toContain('skipped 3 file(s) that are not part of the Slack export layout: .LICENSE, README.md, SOURCE.txt');
    expect(summary.duplicates).toBe(0);
    expect(summary.written).toBe(summary.events);

    const perConv = asMap(await rows<{ k: string; n: string }>(
      `SELECT conversation_id AS k, uniqExact(message_id) AS n FROM message_versions WHERE tenant = {t:String} AND kind = 'created' GROUP BY k`, { t: 'hdv' }));
    expect(perConv).toEqual(exp.perConversation);
    const perUser = asMap(await rows<{ k: string; n: string }>(
      `SELECT author_id AS k, count() AS n FROM message_versions WHERE tenant = {t:String} AND kind = 'created' GROUP BY k`, { t: 'hdv' }));
    expect(perUser).toEqual(exp.perUser);

    const types = asMap(await rows<{ k: string; n: string }>(`SELECT type AS k, count() AS n FROM admin_events WHERE tenant = {t:String} GROUP BY k`, { t: 'hdv' }));
    const integrations = (JSON.parse(readFileSync(join(exportDir, 'integration_logs.json'), 'utf8')) as Msg[]).length;
    const users = JSON.parse(readFileSync(join(exportDir, 'users.json'), 'utf8')) as Msg[];
    expect(types).toEqual({
      'member.joined': exp.perSubtype.channel_join,
      'member.left': exp.perSubtype.channel_leave,
      'conversation.archived': exp.perSubtype.channel_archive,
      'conversation.renamed': exp.perSubtype.channel_name,
      'conversation.created': exp.channels.length,
      'app.installed': integrations + exp.perSubtype.bot_add!,
      'user.created': users.length,
      'user.deactivated': users.filter((u) => u.deleted).length,
    });

    const stats = await getArchiveStats(ts.store, 'hdv');
    expect(stats.messages).toBe(exp.messages);
    expect(stats.edited_messages).toBe(exp.edits);
    expect(stats.message_versions).toBe(stats.messages + exp.edits);
    expect(stats.reactions).toBe(exp.allReactions);
    expect(stats.users).toBe(users.length);
    expect(stats.conversations).toBe(exp.channels.length);
    expect(stats.sources).toEqual({ 'slack://T061A2UFL': summary.events });
    const [shares] = await rows<{ n: string }>(`SELECT count() AS n FROM message_versions WHERE tenant = {t:String} AND kind = 'created' AND length(attachments) > 0`, { t: 'hdv' });
    expect(Number(shares!.n)).toBe(exp.fileShares);
    const [mentioned] = await rows<{ n: string }>(`SELECT count() AS n FROM message_versions WHERE tenant = {t:String} AND kind = 'created' AND notEmpty(mentions)`, { t: 'hdv' });
    expect(Number(mentioned!.n)).toBe(exp.mentionMessages);
  });

  it('a second import of the same export adds nothing', async () => {
    const before = await getArchiveStats(ts.store, 'hdv');
    const { summary } = await importInto({ path: exportDir, tenant: 'hdv' });
    expect(summary.written).toBe(0);
    expect(summary.duplicates).toBe(summary.events);
    const [raw] = await rows<{ n: string }>(`SELECT (SELECT count() FROM message_versions WHERE tenant = {t:String}) + (SELECT count() FROM admin_events WHERE tenant = {t:String}) + (SELECT count() FROM reactions WHERE tenant = {t:String}) AS n`, { t: 'hdv' });
    expect(Number(raw!.n)).toBe(before.events);
    expect(await getArchiveStats(ts.store, 'hdv')).toEqual(before);
  });

  it('spot check: an edited message with a mention, field by field', async () => {
    const src = exp.all.find((x) => x.m.ts === '1437705127.000003')!;
    expect(src.m.edited).toBeDefined();
    const versions = await rows<Msg>(
      `SELECT kind, toString(time) AS time, author_id, text, mentions, conversation_id, conversation_type, origin FROM message_versions
       WHERE tenant = {t:String} AND message_id = {id:String} ORDER BY time`, { t: 'hdv', id: src.m.ts });
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatchObject({ kind: 'created', time: '2015-07-24 02:32:07.000', author_id: 'U061A1R2R', text: src.m.text, mentions: ['U061A5N1G'], conversation_id: src.conv, conversation_type: 'channel' });
    expect(versions[0]!.origin).toBe(`import:slack:slack-houstondatavis/datajam/2015-07-23.json#[${readJson('datajam/2015-07-23.json').findIndex((m) => m.ts === src.m.ts)}]`);
    expect(versions[1]).toMatchObject({ kind: 'edited', time: '2015-07-24 02:32:18.000', author_id: src.m.edited.user, text: src.m.text });
  });

  it('spot check: reactions and a file share', async () => {
    const reacted = await rows<Msg>(`SELECT user_id, emoji, toString(time) AS time FROM reactions WHERE tenant = {t:String} AND message_id = '1446567461.000002' ORDER BY emoji`, { t: 'hdv' });
    expect(reacted).toEqual([
      { user_id: 'U061A1R2R', emoji: 'clap::skin-tone-3', time: '2015-11-03 16:17:41.000' },
      { user_id: 'U061A5N1G', emoji: 'ok_hand', time: '2015-11-03 16:17:41.000' },
    ]);
    const [share] = await rows<Msg>(`SELECT author_id, attachments, extra FROM message_versions WHERE tenant = {t:String} AND message_id = '1433562832.000005'`, { t: 'hdv' });
    expect(share!.author_id).toBe('U061A3E0G');
    expect(share!.attachments).toEqual([{ name: 'Fritz.jpg', mime: 'image/jpeg', size: '427504', sha256: '' }]);
    expect(JSON.parse(share!.extra).data.subtype).toBe('file_share');
  });

  it('spot check: the reaction on a channel_join message is kept, on the join kept as a message', async () => {
    const [reaction] = await rows<Msg>(`SELECT user_id, emoji, conversation_id FROM reactions WHERE tenant = {t:String} AND message_id = '1468289356.000024'`, { t: 'hdv' });
    expect(reaction).toEqual({ user_id: 'U064SRKPD', emoji: '+1', conversation_id: exp.all.find((x) => x.m.ts === '1468289356.000024')!.conv });
    const [join] = await rows<Msg>(`SELECT author_id, extra FROM message_versions WHERE tenant = {t:String} AND message_id = '1468289356.000024'`, { t: 'hdv' });
    expect(join!.author_id).toBe('U1QPREQUC');
    expect(JSON.parse(join!.extra).data.subtype).toBe('channel_join');
    const [member] = await rows<Msg>(`SELECT count() AS n FROM admin_events WHERE tenant = {t:String} AND type = 'member.joined' AND user_id = 'U1QPREQUC'`, { t: 'hdv' });
    expect(Number(member!.n)).toBeGreaterThan(0);
  });
});

function readJson(rel: string): Msg[] {
  return JSON.parse(readFileSync(join(exportDir, rel), 'utf8')) as Msg[];
}

describe('slack importer on the ZIP fixture (private groups, DMs, threads, unknown subtypes)', () => {
  it('reads the ZIP as it reads the folder, and reports what it cannot map', async () => {
    const zip = await importInto({ path: join(fixtureDir, 'workspace.zip'), tenant: 'zip' });
    const folder = await importInto({ path: join(fixtureDir, 'source'), tenant: 'zip' });
    expect(zip.summary.written).toBe(zip.summary.events);
    expect(folder.summary.written).toBe(0);
    expect(folder.summary.duplicates).toBe(zip.summary.events);
    expect(zip.report.problems.map((p) => [p.file, p.at, p.reason])).toEqual([
      ['integration_logs.json', '#[2]', 'unmappable_integration'],
      ['general/2024-03-01.json', '#[1].reactions[1]', 'reaction_users_truncated'],
      ['general/2024-03-01.json', '#[8]', 'no_timestamp'],
    ]);
  });

  it('maps threads, edits, non-ASCII text, files, bots and unknown subtypes', async () => {
    const msgs = await rows<Msg>(
      `SELECT message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, extra FROM message_versions
       WHERE tenant = 'zip' AND kind = 'created' ORDER BY time`, {});
    const by = (id: string) => msgs.find((m) => m.message_id === id)!;
    expect(by('1709287260.000200')).toMatchObject({ conversation_id: 'C0GENERAL', thread_id: '', author_id: 'U0ANA0001', mentions: ['U0CY00003', 'U0BO00002'] });
    expect(by('1709287260.000200').text).toBe('Grüße an alle 👋 — <@U0CY00003|cy> und <@U0BO00002>: bitte lesen &amp; bestätigen');
    expect(by('1709287320.000300')).toMatchObject({ thread_id: '1709287260.000200', text: 'gelesen ✅ 日本語も大丈夫' });
    expect(by('1709287380.000400').attachments).toEqual([
      { name: 'Q1 report (final).pdf', mime: 'application/pdf', size: '48213', sha256: '' },
      { name: 'F0FILE002', mime: '', size: '0', sha256: '' },
    ]);
    expect(by('1709287440.000500')).toMatchObject({ author_id: 'B0DEPLOY1' });
    expect(JSON.parse(by('1709287500.000600').extra).data.subtype).toBe('huddle_thread');
    expect(JSON.parse(by('1709287620.000800').extra).data.subtype).toBe('channel_topic');
    expect(by('1709290800.000100')).toMatchObject({ conversation_id: 'G0SECRET1', conversation_type: 'private' });
    expect(by('1709370000.000100')).toMatchObject({ conversation_id: 'D0DM00001', conversation_type: 'dm', mentions: ['U0ANA0001'] });
    expect(by('1709373600.000100')).toMatchObject({ conversation_id: 'G0MPIM001', conversation_type: 'group_dm' });
    expect(by('1709287860.001200')).toMatchObject({ thread_id: '1709287800.001100', text: 'reply to a deleted message' });
    const deleted = await rows<Msg>(`SELECT message_id, conversation_id FROM message_deletions WHERE tenant = 'zip'`, {});
    expect(deleted).toEqual([{ message_id: '1709287800.001100', conversation_id: 'C0GENERAL' }]);
    const admin = await rows<Msg>(`SELECT type, user_id, conversation_id, actor_id FROM admin_events WHERE tenant = 'zip' ORDER BY time, type, user_id`, {});
    const types = admin.map((a) => a.type);
    expect(types.filter((t) => t === 'user.created')).toHaveLength(4);
    expect(admin.find((a) => a.type === 'user.deactivated')).toMatchObject({ user_id: 'U0BO00002' });
    expect(admin.filter((a) => a.type === 'member.joined' && a.conversation_id === 'D0DM00001').map((a) => a.user_id)).toEqual(['U0ANA0001', 'U0CY00003']);
    expect(admin.find((a) => a.type === 'member.joined' && a.conversation_id === 'C0GENERAL')).toMatchObject({ user_id: 'U0CY00003', actor_id: 'U0ANA0001' });
    expect(admin.find((a) => a.type === 'conversation.archived')).toMatchObject({ conversation_id: 'G0SECRET1' });
    expect(types.filter((t) => t === 'app.installed' || t === 'app.removed')).toEqual(['app.installed', 'app.removed']);
    const [user] = await rows<Msg>(`SELECT display_name, title FROM users_current WHERE tenant = 'zip' AND user_id = 'U0ANA0001'`, {});
    expect(user).toEqual({ display_name: 'ana', title: 'Compliance' });
  });
});
