/**
 * Teams system messages as Microsoft documents them (test/fixtures/teams-graph-examples,
 * the published example of every eventMessageDetail type) and a single chatMessage
 * saved from a GET, into a real chDB store: each documented type becomes its admin
 * or call event, or a record of its subtype, never a plain chat message.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { createEventWriter } from '../event-writer.js';
import { collectingReport } from './report.js';
import { runImport } from './run-import.js';
import { createStoreSink } from './sinks.js';
import { SYSTEM_EVENT_MAPPERS } from './teams-system.js';

const dir = join(resolve(import.meta.dirname, '..', '..'), 'test', 'fixtures', 'teams-graph-examples');
const lines = readFileSync(join(dir, 'system-messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
const kindOf = (m: Record<string, any>) => String(m.eventDetail['@odata.type']).replace('#microsoft.graph.', '');

const CHANNEL = '19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2';
const CHAT = '19:2da4c29f6d7041eca70b638b43d45437@thread.v2';
const MEETING = '19:meeting_OTFkNDQzMjMtZWQyYi00ZjI4LTk1ZmUtZmI2NjBmNTFmMzg1@thread.v2';
const PRIMARY_ARCHIVED = '19:318c8c65f0794971a1a9b5e3413d77de@thread.tacv2';
const PRIMARY = '19:d0891bf6638f48e8be186e2e92b4a554@thread.tacv2';
const ADELE = '1fb8890f-423e-4154-8fbf-db6809bc8756';
const OWNER = '9ee3dc1b-6a70-4582-8bc5-5dd35336b6c3';
const MEMBER = '06a5b888-ad96-455e-88ef-c059ec4e4cf0';
const FLIPGRID = 'aa5fe6c5-f91c-45ed-88de-640e235ad21b';
const record = (conversation: string, author: string) => (sub: string) => [{ type: 'record', sub, conversation_id: conversation, who: author }];

/** What each documented type must become: [event type, conversation, user or app, actor]. */
const EXPECTED: Record<string, (sub: string) => Array<Record<string, string>>> = {
  callEndedEventMessageDetail: () => [{ type: 'call.ended', conversation_id: CHANNEL, who: ADELE }],
  callRecordingEventMessageDetail: record(CHANNEL, ADELE),
  callStartedEventMessageDetail: () => [{ type: 'call.started', conversation_id: CHAT, who: ADELE }],
  callTranscriptEventMessageDetail: record(CHAT, 'system'),
  channelAddedEventMessageDetail: () => [{ type: 'conversation.created', conversation_id: '19:e84f079882f44fa8bebb7343b9e8921a@thread.tacv2', who: ADELE }],
  channelDeletedEventMessageDetail: () => [{ type: 'conversation.archived', conversation_id: '19:914b8c83915548c0bff588e510a6cf01@thread.tacv2', who: ADELE }],
  channelDescriptionUpdatedEventMessageDetail: record(CHANNEL, ADELE),
  channelRenamedEventMessageDetail: () => [{ type: 'conversation.renamed', conversation_id: '19:cb9c31f1c4c446fa820a64e07cacacc9@thread.tacv2', who: MEMBER }],
  channelSetAsFavoriteByDefaultEventMessageDetail: record(CHANNEL, ADELE),
  channelSharingUpdatedEventMessageDetail: record(CHANNEL, ADELE),
  channelUnsetAsFavoriteByDefaultEventMessageDetail: record(CHANNEL, ADELE),
  chatRenamedEventMessageDetail: () => [{ type: 'conversation.renamed', conversation_id: CHAT, who: ADELE }],
  conversationMemberRoleUpdatedEventMessageDetail: () => [{ type: 'role.changed', conversation_id: CHANNEL, user_id: MEMBER, who: ADELE }],
  meetingPolicyUpdatedEventMessageDetail: record(MEETING, ADELE),
  membersAddedEventMessageDetail: () => [MEMBER, ADELE].map((u) => ({ type: 'member.joined', conversation_id: CHANNEL, user_id: u, who: OWNER })),
  membersDeletedEventMessageDetail: () => [{ type: 'member.left', conversation_id: CHANNEL, user_id: ADELE, who: OWNER }],
  membersJoinedEventMessageDetail: () => [{ type: 'member.joined', conversation_id: MEETING, user_id: '2c3f5f34-ac9f-42e7-8b35-442ccac166cb', who: '2c3f5f34-ac9f-42e7-8b35-442ccac166cb' }],
  membersLeftEventMessageDetail: () => [{ type: 'member.left', conversation_id: MEETING, user_id: 'ee8af8acd3184068a935a1f207865620', who: 'ee8af8acd3184068a935a1f207865620' }],
  messagePinnedEventMessageDetail: record('19:0ae61fd5f7f44791baddce0988e71bf3@thread.v2', '28c10244-4bad-4fda-993c-f332faef94f0'),
  messageUnpinnedEventMessageDetail: record('19:0ae61fd5f7f44791baddce0988e71bf3@thread.v2', '28c10244-4bad-4fda-993c-f332faef94f0'),
  tabUpdatedEventMessageDetail: record(CHANNEL, OWNER),
  teamArchivedEventMessageDetail: () => [{ type: 'conversation.archived', conversation_id: PRIMARY_ARCHIVED, who: ADELE }],
  teamCreatedEventMessageDetail: () => [{ type: 'conversation.created', conversation_id: PRIMARY_ARCHIVED, who: ADELE }],
  teamDescriptionUpdatedEventMessageDetail: record(PRIMARY, OWNER),
  teamJoiningDisabledEventMessageDetail: record(PRIMARY, OWNER),
  teamJoiningEnabledEventMessageDetail: record(PRIMARY, OWNER),
  teamRenamedEventMessageDetail: record(PRIMARY, OWNER),
  teamsAppInstalledEventMessageDetail: () => [{ type: 'app.installed', conversation_id: PRIMARY, app_id: FLIPGRID, who: MEMBER }],
  teamsAppRemovedEventMessageDetail: () => [{ type: 'app.removed', conversation_id: PRIMARY, app_id: FLIPGRID, who: MEMBER }],
  teamsAppUpgradedEventMessageDetail: () => [{ type: 'app.installed', conversation_id: PRIMARY, app_id: FLIPGRID, who: MEMBER }],
  teamUnarchivedEventMessageDetail: () => [{ type: 'conversation.unarchived', conversation_id: PRIMARY_ARCHIVED, who: ADELE }],
};

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('importers-teams');
});
afterAll(async () => ts?.close());

const rows = <T = Record<string, any>>(sql: string) => ts.store.query<T>('test', sql, {});
const lineOf = (origin: string) => Number(/#(\d+)/.exec(origin)![1]);

describe('teams system messages, as Microsoft Graph documents them', () => {
  it('the fixture holds one published example of every documented eventMessageDetail type, and each has a mapping', () => {
    expect(lines.map(kindOf).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.keys(SYSTEM_EVENT_MAPPERS).filter((k) => k !== 'chatCreatedEventMessageDetail').sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('maps every documented type to its admin or call event, or keeps it as a record of its subtype', async () => {
    const report = collectingReport();
    const summary = await runImport({ format: 'teams', path: join(dir, 'system-messages.jsonl'), tenant: 'gx' }, { sink: createStoreSink(createEventWriter(ts.store)), report });
    expect(report.problems).toEqual([]);
    expect(summary.records).toBe(lines.length);
    const admin = await rows(`SELECT origin, type, if(conversation_id = '', JSONExtractString(extra, 'data', 'conversation_id'), conversation_id) AS conversation_id, user_id, app_id, actor_id AS who FROM admin_events WHERE tenant = 'gx'`);
    const calls = await rows(`SELECT origin, concat('call.', phase) AS type, conversation_id, if(phase = 'started', initiator_id, arrayStringConcat(participants, ',')) AS who FROM calls WHERE tenant = 'gx'`);
    const records = await rows(`SELECT origin, 'record' AS type, JSONExtractString(extra, 'data', 'subtype') AS sub, conversation_id, author_id AS who FROM message_versions WHERE tenant = 'gx'`);
    const got = new Map<number, Array<Record<string, string>>>();
    for (const r of [...admin, ...calls, ...records]) {
      const { origin, ...rest } = r;
      const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== ''));
      got.set(lineOf(origin), [...(got.get(lineOf(origin)) ?? []), clean]);
    }
    lines.forEach((m, i) => {
      const kind = kindOf(m);
      const sort = (l: Array<Record<string, string>>) => [...l].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(sort(got.get(i + 1) ?? []), kind).toEqual(sort(EXPECTED[kind]!(kind)));
    });
    // No system message reads as a plain chat message: every message row carries its subtype.
    expect(records.every((r) => r.sub.endsWith('EventMessageDetail'))).toBe(true);
  });

  it('keeps what the events say: call duration and participants, new names, roles, the app name', async () => {
    const [call] = await rows(`SELECT call_id, participants, duration_s FROM calls WHERE tenant = 'gx' AND phase = 'ended'`);
    expect(call).toEqual({ call_id: '9c848c0e-f906-4dfc-b22e-c68a785a587c', participants: [ADELE], duration_s: 59 });
    const [started] = await rows(`SELECT call_kind FROM calls WHERE tenant = 'gx' AND phase = 'started'`);
    expect(started).toEqual({ call_kind: 'audio' });
    const names = await rows(`SELECT conversation_id, name FROM conversations_current WHERE tenant = 'gx' ORDER BY conversation_id`);
    expect(names).toEqual(expect.arrayContaining([
      { conversation_id: CHAT, name: 'Microsoft Teams Members' },
      { conversation_id: '19:cb9c31f1c4c446fa820a64e07cacacc9@thread.tacv2', name: 'Standard channel rename' },
      { conversation_id: '19:e84f079882f44fa8bebb7343b9e8921a@thread.tacv2', name: 'Standard channel' },
    ]));
    const [role] = await rows(`SELECT JSONExtractString(data, 'role') AS role FROM admin_events WHERE tenant = 'gx' AND type = 'role.changed'`);
    expect(role).toEqual({ role: 'Owner' });
    const [pin] = await rows(`SELECT JSONExtractString(extra, 'data', 'event_detail', 'eventDateTime') AS at FROM message_versions WHERE tenant = 'gx' AND JSONExtractString(extra, 'data', 'subtype') = 'messagePinnedEventMessageDetail'`);
    expect(pin).toEqual({ at: '2022-05-02T20:11:08.335Z' });
  });
});

describe('teams: one chatMessage saved from a GET', () => {
  it('is read as a message, not refused as "not a page"', async () => {
    const report = collectingReport();
    const summary = await runImport({ format: 'teams', path: join(dir, 'get-message.json'), tenant: 'gx-get' }, { sink: createStoreSink(createEventWriter(ts.store)), report });
    expect(report.problems).toEqual([]);
    expect(summary).toMatchObject({ records: 1, written: 1 });
    const [m] = await rows(`SELECT message_id, conversation_id, conversation_type, author_id, text, origin FROM message_versions WHERE tenant = 'gx-get'`);
    expect(m).toEqual({
      message_id: '1612289992105', conversation_id: '19:8ea0e38b-efb3-4757-924a-5f94061cf8c2_97f62344-57dc-409c-88ad-c4af14158ff5@unq.gbl.spaces',
      conversation_type: 'dm', author_id: '8ea0e38b-efb3-4757-924a-5f94061cf8c2', text: 'test', origin: 'import:teams:get-message.json#',
    });
  });
});
