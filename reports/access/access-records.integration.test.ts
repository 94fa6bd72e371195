/**
 * The person's messages and mentions in an access package, read by key and time
 * (access-records.ts: keys from message_author_keys and a scan of mentions, versions
 * by their times through message_versions' primary key, edits' times from
 * message_edit_keys, deletions and reactions from their by-message views), on the
 * real store against what this test computes from the events it stores: every
 * version up to the as-of time and none after it, the first deletion, the reactions,
 * no other person's message that shares a time or a message id with theirs, and the
 * context's latest text as of that time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { storeEvents } from '../erasure/testing/harness.js';
import { readSubjectRecords, type SubjectRecords } from './access-records.js';

const TENANT = 'rec';
const ME = 'U-ME';
const T0 = Date.parse('2026-02-02T10:00:00Z');
let ts: TestStore;
let n = 0;

type Ev = Record<string, unknown> & { type: string; time: string; data: Record<string, unknown> };
const ev = (type: string, ms: number, data: Record<string, unknown>): Ev => ({ specversion: '1.0', id: `ev-rec-${(n += 1)}`, source: 'test://records', type, time: new Date(ms).toISOString(), tenant: TENANT, data });
const created = (c: string, id: string, author: string, ms: number, text: string, mentions: string[] = []) =>
  ev('message.created', ms, { message_id: id, conversation_id: c, conversation_type: 'channel', author_id: author, text, mentions });
const edited = (c: string, id: string, editor: string, ms: number, text: string) => ev('message.edited', ms, { message_id: id, conversation_id: c, editor_id: editor, text });

// Stored before the as-of time.
const before: Ev[] = [
  created('C1', 'm1', ME, T0, 'first words'),
  created('C1', 'o-same-time', 'U-2', T0, 'another person, same millisecond'),
  created('C2', 'm1', 'U-3', T0 + 1000, 'same message id, other conversation, other author'),
  edited('C1', 'm1', ME, T0 + 60_000, 'first words, corrected'),
  created('C1', 'o1', 'U-2', T0 + 120_000, 'a reply to U-ME', [ME]),
  edited('C1', 'o1', 'U-2', T0 + 180_000, 'a reply to U-ME, edited'),
  created('C1', 'm2', ME, T0 + 240_000, 'second message'),
  ev('message.deleted', T0 + 300_000, { message_id: 'm2', conversation_id: 'C1', deleted_by: 'U-9' }),
  ev('message.deleted', T0 + 360_000, { message_id: 'm2', conversation_id: 'C1', deleted_by: ME }),
  ev('reaction.added', T0 + 70_000, { message_id: 'm1', conversation_id: 'C1', user_id: 'U-2', emoji: 'tada' }),
  ev('reaction.removed', T0 + 80_000, { message_id: 'm1', conversation_id: 'C1', user_id: 'U-2', emoji: 'tada' }),
  ev('reaction.added', T0 + 90_000, { message_id: 'm1', conversation_id: 'C2', user_id: 'U-4', emoji: 'eyes' }),
  created('C3', 'm3', ME, T0 + 400_000, 'in another conversation'),
];
// Stored after it: a new message of theirs, an edit of their first and of the mention, a deletion.
const after: Ev[] = [
  created('C1', 'm4', ME, T0 + 500_000, 'too late'),
  edited('C1', 'm1', ME, T0 + 600_000, 'first words, corrected again'),
  edited('C1', 'o1', 'U-2', T0 + 610_000, 'a reply, edited after the as-of time'),
  ev('message.deleted', T0 + 620_000, { message_id: 'm3', conversation_id: 'C3', deleted_by: ME }),
];

let records: SubjectRecords;

beforeAll(async () => {
  ts = await openTestStore('access-records');
  await storeEvents(ts.store, before);
  // ingested_at has millisecond precision: the as-of time falls strictly between the two inserts.
  await new Promise((r) => setTimeout(r, 20));
  const asOf = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 20));
  await storeEvents(ts.store, after);
  records = await readSubjectRecords(ts.store, TENANT, { userIds: [ME], emails: [], displayNames: [] }, { asOf, contextWindow: 1 });
}, 120_000);

afterAll(async () => {
  await ts?.close();
});

const key = (e: Ev) => `${String(e.data.conversation_id)}/${String(e.data.message_id)}`;
const iso = (e: Ev) => new Date(Date.parse(e.time)).toISOString();

describe('the person\'s records in an access package, read by key and time', () => {
  it('are their messages with every version stored before the as-of time, and no other', () => {
    const mine = new Set(before.filter((e) => e.type === 'message.created' && e.data.author_id === ME).map(key));
    const expected = before.filter((e) => e.type.startsWith('message.') && e.type !== 'message.deleted' && mine.has(key(e))).map((e) => [key(e), iso(e), String(e.data.text)]).sort();
    const got = records.messages.flatMap((m) => m.versions.map((v) => [`${m.conversation_id}/${m.message_id}`, v.time, v.text])).sort();
    expect(got).toEqual(expected);
    expect(records.messages.map((m) => m.author_id)).toEqual(records.messages.map(() => ME));
  });

  it('carry the first deletion stored before the as-of time and the reactions on each', () => {
    const m2 = records.messages.find((m) => m.conversation_id === 'C1' && m.message_id === 'm2')!;
    const firstDeletion = before.filter((e) => e.type === 'message.deleted' && key(e) === 'C1/m2').sort((a, b) => Date.parse(a.time) - Date.parse(b.time))[0]!;
    expect(m2.deleted).toEqual({ time: iso(firstDeletion), by: firstDeletion.data.deleted_by });
    expect(records.messages.find((m) => m.message_id === 'm3')!.deleted).toBeNull();
    const m1 = records.messages.find((m) => m.conversation_id === 'C1' && m.message_id === 'm1')!;
    const reactions = before.filter((e) => e.type.startsWith('reaction.') && key(e) === 'C1/m1');
    expect(m1.reactions.map((r) => [r.time, r.action, r.user_id, r.emoji])).toEqual(reactions.map((e) => [iso(e), e.type === 'reaction.added' ? 'added' : 'removed', e.data.user_id, e.data.emoji]));
  });

  it('hold the messages mentioning them, with their versions as of that time', () => {
    const mentioning = new Set(before.filter((e) => e.type === 'message.created' && (e.data.mentions as string[]).includes(ME)).map(key));
    const expected = before.filter((e) => e.type.startsWith('message.') && mentioning.has(key(e))).map((e) => [key(e), String(e.data.text)]).sort();
    expect(records.mentions.flatMap((m) => m.versions.map((v) => [`${m.conversation_id}/${m.message_id}`, v.text])).sort()).toEqual(expected);
  });

  it('show the context with its latest text as of that time', () => {
    // Window 1 in C1 (time, then message id): m1 | o-same-time, o1, m2: both others' messages are next to one of theirs.
    const latest = (k: string) => before.filter((e) => e.type.startsWith('message.') && e.type !== 'message.deleted' && key(e) === k).sort((a, b) => Date.parse(a.time) - Date.parse(b.time)).at(-1)!.data.text;
    expect(records.context.map((r) => [`${r.conversation_id}/${r.message_id}`, r.author_id, r.text])).toEqual(['C1/o-same-time', 'C1/o1'].map((k) => [k, 'U-2', latest(k)]));
  });
});
