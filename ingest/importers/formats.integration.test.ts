/**
 * The mattermost, teams and events importers on fixtures written after each
 * format's public documentation (Mattermost bulk export, Microsoft Graph
 * chatMessage, CloudEvents JSON Lines), into a real chDB store.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { getArchiveStats } from '../../common/queries/archive-stats.js';
import { createEventWriter } from '../event-writer.js';
import { collectingReport } from './report.js';
import { ImportProblemError, runImport, type ImportOptions } from './run-import.js';
import { createStoreSink } from './sinks.js';

const fixtures = join(resolve(import.meta.dirname, '..', '..'), 'test', 'fixtures');
let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('importers-formats');
});
afterAll(async () => ts?.close());

async function importInto(o: ImportOptions) {
  const report = collectingReport();
  const summary = await runImport(o, { sink: createStoreSink(createEventWriter(ts.store), 1000), report });
  return { summary, report };
}
const rows = <T = Record<string, any>>(sql: string, params: Record<string, unknown> = {}) => ts.store.query<T>('test', sql, params);
const where = (r: { file: string; at: string; reason: string }) => [r.file, r.at, r.reason];

describe('mattermost bulk export', () => {
  it('maps posts, replies, reactions, edits, system posts, DMs, users, bots and channels; reports unknown lines', async () => {
    const { summary, report } = await importInto({ format: 'mattermost', path: join(fixtures, 'mattermost'), tenant: 'mm' });
    expect(report.problems.map(where)).toEqual([
      ['export.jsonl', '#21', 'unknown_record_type'],
      ['export.jsonl', '#22', 'not_json'],
      ['export.jsonl', '#23', 'record_error'],
    ]);
    expect(report.problems[2]!.detail).toMatch(/^map: TypeError: /);
    expect(report.assumptions.join(' ')).toMatch(/2024-04-01T08:00:00.000Z/);
    expect(summary.byType).toEqual({
      'message.created': 7, 'message.edited': 1, 'reaction.added': 4, 'member.joined': 4, 'member.left': 1,
      'conversation.created': 3, 'user.created': 4, 'user.deactivated': 1,
    });
    expect(summary).toMatchObject({ records: 23, problems: 3, notArchived: 5, notArchivedByType: { version: 1, role: 1, scheme: 1, emoji: 1, team: 1 } });
    const msgs = await rows(`SELECT kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, toString(time) AS time FROM message_versions WHERE tenant = 'mm' ORDER BY time, kind`);
    const root = msgs.find((m) => m.text.startsWith('Hello @bob'))!;
    expect(root).toMatchObject({ kind: 'created', conversation_id: 'acme/town-square', conversation_type: 'channel', author_id: 'alice', mentions: ['bob', 'carol'], time: '2024-04-01 09:00:00.000', thread_id: '' });
    expect(msgs.find((m) => m.kind === 'edited')).toMatchObject({ message_id: root.message_id, time: '2024-04-01 09:01:00.000', author_id: 'alice' });
    const replies = msgs.filter((m) => m.thread_id === root.message_id);
    expect(replies.map((r) => [r.author_id, r.text])).toEqual([['bob', 'Thanks! Ça marche 👍'], ['carol', 'see attached']]);
    expect(replies[1]!.attachments).toEqual([{ name: 'q1 numbers.xlsx', mime: '', size: '0', sha256: '' }]);
    expect(msgs.find((m) => m.text === 'Privileged & confidential: do not forward')).toMatchObject({ conversation_type: 'private', conversation_id: 'acme/legal' });
    expect(msgs.find((m) => m.text === 'lunch? 🍜')).toMatchObject({ conversation_id: 'dm:alice,bob', conversation_type: 'dm' });
    expect(msgs.find((m) => m.text === 'group DM: 你好')).toMatchObject({ conversation_id: 'dm:alice,bob,carol', conversation_type: 'group_dm' });
    const reactions = await rows(`SELECT user_id, emoji, toString(time) AS time FROM reactions WHERE tenant = 'mm' ORDER BY time`);
    expect(reactions.map((r) => `${r.user_id}:${r.emoji}`)).toEqual(['bob:+1', 'carol:tada', 'alice:heart', 'alice:white_check_mark']);
    const members = await rows(`SELECT conversation_id, user_id, is_member FROM memberships_current WHERE tenant = 'mm' ORDER BY conversation_id, user_id`);
    expect(members).toEqual([
      { conversation_id: 'acme/legal', user_id: 'carol', is_member: 0 },
      { conversation_id: 'acme/town-square', user_id: 'bob', is_member: 1 },
      { conversation_id: 'dm:alice,bob', user_id: 'alice', is_member: 1 },
      { conversation_id: 'dm:alice,bob', user_id: 'bob', is_member: 1 },
    ]);
    const users = await rows(`SELECT user_id, display_name, title, active FROM users_current WHERE tenant = 'mm' ORDER BY user_id`);
    expect(users).toEqual([
      { user_id: 'alice', display_name: 'Alice Åberg', title: 'Counsel', active: 1 },
      { user_id: 'bob', display_name: 'Bob Builder', title: '', active: 1 },
      { user_id: 'carol', display_name: 'caz', title: '', active: 0 },
      { user_id: 'standup-bot', display_name: 'Standup Bot', title: '', active: 1 },
    ]);
    const again = await importInto({ format: 'mattermost', path: join(fixtures, 'mattermost'), tenant: 'mm' });
    expect(again.summary.written).toBe(0);
  });

  it('acknowledges every documented line type that carries no chat record, apart from the problems', async () => {
    const { report } = await importInto({ format: 'mattermost', path: join(fixtures, 'mattermost'), tenant: 'mm-types' });
    expect(report.notArchivedRecords.map((n) => [n.at, n.what])).toEqual([['#1', 'version'], ['#2', 'role'], ['#3', 'scheme'], ['#4', 'emoji'], ['#5', 'team']]);
    expect(report.notArchivedRecords[2]!.detail).toBe('not archived: scheme carries no chat record (a permission scheme)');
    expect(report.problems.find((p) => p.at === '#21')!.detail).toBe('type "playbook_run" is not a Mattermost bulk-export line type');
  });
});

describe('teams (Microsoft Graph chatMessage)', () => {
  it('turns HTML into text, keeps mentions, replies (also to deleted posts), edits, deletions, reactions and system events', async () => {
    const { summary, report } = await importInto({ format: 'teams', path: join(fixtures, 'teams'), tenant: 'ms' });
    expect(report.problems.map(where)).toEqual([
      ['chat-messages.jsonl', '#6', 'bad_time'],
      ['chat-messages.jsonl', '#7', 'no_conversation'],
    ]);
    expect(summary.byType).toEqual({
      'member.joined': 2, 'call.ended': 1, 'app.installed': 1, 'message.created': 6, 'reaction.added': 3, 'message.edited': 1, 'message.deleted': 1, 'conversation.renamed': 1,
    });
    const msgs = await rows(`SELECT kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, toString(time) AS time, extra FROM message_versions WHERE tenant = 'ms' ORDER BY time, kind`);
    const root = msgs.find((m) => m.message_id === '1616965872395' && m.kind === 'created')!;
    expect(root).toMatchObject({
      conversation_id: '19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2', conversation_type: 'channel', author_id: '8ea0e38b-efb3-4757-924a-5f94061cf8c2',
      text: 'Hello @Megan Bowen & @Adele Vance,\nplease review <draft> by Friday — merci beaucoup! 🙂\nSecond paragraph: café 😀',
      mentions: ['5d8d505c-864f-4804-88c7-4583c966cde8', '598efcd4-e549-402a-9602-0b50201faebe'],
      attachments: [{ name: 'plan.docx', mime: '', size: '0', sha256: '' }], time: '2021-03-28 21:11:12.395',
    });
    expect(JSON.parse(root.extra).data).toMatchObject({ subject: 'Q1 planning', importance: 'high' });
    expect(msgs.find((m) => m.message_id === '1616965872395' && m.kind === 'edited')).toMatchObject({ time: '2021-03-28 21:14:30.500', text: root.text });
    expect(msgs.find((m) => m.message_id === '1616965900000')).toMatchObject({ thread_id: '1616965872395', text: 'On it. Zürich team too?' });
    expect(msgs.find((m) => m.message_id === '1616966100000')).toMatchObject({ thread_id: '1616966000000', text: 'Replying to a message that was deleted' });
    const [deleted] = await rows(`SELECT message_id, deleted_by, toString(time) AS time FROM message_deletions WHERE tenant = 'ms'`);
    expect(deleted).toEqual({ message_id: '1616966000000', deleted_by: '598efcd4-e549-402a-9602-0b50201faebe', time: '2021-03-28 22:00:00.000' });
    const bot = msgs.find((m) => m.message_id === '1607036580000')!;
    expect(bot).toMatchObject({ author_id: '28b10d55-3f07-4f2a-8b53-2b1e7c5b5d38', conversation_type: 'dm', text: 'Poll: "Lunch?" <script>alert(1)</script>', time: '2020-12-03 23:03:00.123' });
    expect(JSON.parse(bot.extra).data.subtype).toBe('app');
    expect(msgs.find((m) => m.message_id === '1607036520000')).toBeUndefined();
    const [app] = await rows(`SELECT app_id, actor_id, JSONExtractString(extra, 'data', 'conversation_id') AS conversation_id, JSONExtractString(extra, 'data', 'app_name') AS name FROM admin_events WHERE tenant = 'ms' AND type = 'app.installed'`);
    expect(app).toEqual({ app_id: '0d820ecd-def2-4297-adad-78056cde7c78', actor_id: '8ea0e38b-efb3-4757-924a-5f94061cf8c2', conversation_id: '19:meeting_MjdhNjM4YzUtYzExZi00OTFkLTkzZTAtNTVlNmZmMDhkNGU2@thread.v2', name: 'OneNote' });
    const reactions = await rows(`SELECT emoji FROM reactions WHERE tenant = 'ms' ORDER BY time`);
    expect(reactions.map((r) => r.emoji)).toEqual(['heart', 'like', '💯']);
    const [call] = await rows(`SELECT call_id, participants, duration_s FROM calls WHERE tenant = 'ms'`);
    expect(call).toEqual({ call_id: 'af7f5a0d-6e4a-4a1a-9a8e-1b2c3d4e5f60', participants: ['5d8d505c-864f-4804-88c7-4583c966cde8', '8ea0e38b-efb3-4757-924a-5f94061cf8c2'], duration_s: 3723 });
    const [renamed] = await rows(`SELECT name FROM conversations_current WHERE tenant = 'ms' AND conversation_id = '19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2'`);
    expect(renamed).toEqual({ name: 'Planning 2021' });
  });
});

describe('events (CloudEvents JSON Lines as on Kafka)', () => {
  it('stores valid events once, keeps extensions and unknown fields, reports every bad line', async () => {
    const path = join(fixtures, 'events', 'replay.jsonl');
    const { summary, report } = await importInto({ format: 'events', path, tenant: 'acme' });
    expect(report.problems.map(where)).toEqual([
      ['replay.jsonl', '#9', 'unknown_type'],
      ['replay.jsonl', '#10', 'tenant_mismatch'],
      ['replay.jsonl', '#11', 'invalid_data'],
      ['replay.jsonl', '#12', 'bad_time'],
      ['replay.jsonl', '#13', 'not_json'],
    ]);
    expect(report.problems[2]!.detail).toBe('data.author_id: is required');
    expect(summary).toMatchObject({ records: 12, events: 7, written: 6, duplicates: 1, problems: 5 });
    const [m] = await rows(`SELECT toString(time) AS time, text, attachments, origin FROM message_versions WHERE tenant = 'acme' AND event_id = 'evt-0001'`);
    expect(m).toEqual({ time: '2026-11-24 09:15:00.123', text: 'Grüß Gott 👋 <@U2>', attachments: [{ name: 'a.pdf', mime: 'application/pdf', size: '10', sha256: 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789' }], origin: 'import:events:replay.jsonl#1' });
    const [edit] = await rows(`SELECT extra FROM message_versions WHERE tenant = 'acme' AND event_id = 'evt-0002'`);
    expect(JSON.parse(edit!.extra)).toEqual({ ext: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    const stats = await getArchiveStats(ts.store, 'acme');
    expect(stats).toMatchObject({ messages: 1, message_versions: 2, deleted_messages: 1, reactions: 1, calls: 1, users: 2 });
    const again = await importInto({ format: 'events', path, tenant: 'acme' });
    expect(again.summary).toMatchObject({ written: 0, duplicates: 7 });
  });

  it('--strict stops at the first bad record and names it', async () => {
    await expect(importInto({ format: 'events', path: join(fixtures, 'events', 'replay.jsonl'), tenant: 'acme', strict: true }))
      .rejects.toThrow(new ImportProblemError({ file: 'replay.jsonl', at: '#9', reason: 'unknown_type', detail: 'type: "message.exploded" is not an event type of the contract' }));
  });

  it('refuses a tenant id outside the pattern and an unknown time zone', async () => {
    await expect(importInto({ format: 'events', path: join(fixtures, 'events'), tenant: '../etc' })).rejects.toThrow(/--tenant/);
    await expect(importInto({ format: 'events', path: join(fixtures, 'events'), tenant: 'acme', timezone: 'Mars/Olympus' })).rejects.toThrow(/--timezone/);
  });
});
