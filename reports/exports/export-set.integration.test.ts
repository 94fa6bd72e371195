/**
 * Export sets on the real store, from a known archive: every expectation is
 * computed from the generator (test/helpers/known-archive.ts), never copied from
 * the output. The context window is checked against a plain reference
 * implementation (any message within N positions or a duration of a hit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent } from '../../common/events/validate.js';
import { toRow } from '../../common/events/rows.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { cloudEvent } from '../../test/helpers/events.js';
import { exportOrder, knownArchive, type KnownArchive, type KnownMessage } from '../../test/helpers/known-archive.js';
import { tokenize } from '../../common/queries/tokens.js';
import { exportParams } from './export-params.js';
import { batchConversations, createExportSetReader } from './export-set.js';
import type { ExportMessage } from './export-record.js';
import { conversationDays, createPeopleCache, lookupConversations } from './conversation-days.js';

let ts: TestStore;
let archive: KnownArchive;
let asOf: string;

async function store(events: ReturnType<typeof cloudEvent>[]): Promise<void> {
  const rows = events.map((e) => {
    const v = validateEvent(e);
    if (!v.ok) throw new Error(`${v.reason}: ${v.detail}`);
    return toRow(v, 'test');
  });
  await createEventWriter(ts.store).write(rows);
}

/**
 * Batches small enough that the set is read across several, each spanning two
 * conversations (40 messages each); or, with `pageSize`, one conversation a batch
 * read in pages of that size (the path of a conversation too big for one batch).
 */
async function exportSet(raw: Record<string, unknown>, at = asOf, o: { pageSize?: number } = {}): Promise<ExportMessage[]> {
  const limit = o.pageSize ? 1 : 100;
  const reader = createExportSetReader(ts.store, archive.tenant, exportParams.parse(raw), at, { ...o, batchMessages: limit });
  const batches = batchConversations(await reader.conversations(), limit);
  const out: ExportMessage[] = [];
  for (const b of batches) for await (const m of reader.messages(b)) out.push(m);
  return out;
}

const keys = (ms: ReadonlyArray<{ conversation_id: string; message_id: string }>) => ms.map((m) => `${m.conversation_id}/${m.message_id}`);

/** Reference: positions within n, or times within ms, of any hit, in one conversation. */
function withContext(all: KnownMessage[], hit: (m: KnownMessage) => boolean, n: number, ms: number): KnownMessage[] {
  const out: KnownMessage[] = [];
  for (const c of new Set(all.map((m) => m.conversation_id))) {
    const list = all.filter((m) => m.conversation_id === c);
    const hits = list.map((m, i) => (hit(m) ? i : -1)).filter((i) => i >= 0);
    list.forEach((m, j) => {
      if (hits.some((i) => Math.abs(i - j) <= n || (ms > 0 && Math.abs(list[i]!.timeMs - m.timeMs) <= ms))) out.push(m);
    });
  }
  return out;
}

beforeAll(async () => {
  ts = await openTestStore('export-set');
  archive = knownArchive('exp');
  await store(archive.events);
  asOf = new Date(Date.now() + 1).toISOString();
  await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => ts?.close());

describe('export sets', () => {
  it.each([['batches of two conversations', {}], ['one conversation read in pages of 7', { pageSize: 7 }]])('holds every message once, in order, with every version, the deletion, reactions and thread position (%s)', async (_label, o) => {
    const set = await exportSet({}, asOf, o);
    const expected = exportOrder(archive.messages);
    expect(keys(set)).toEqual(keys(expected));
    for (const [i, m] of set.entries()) {
      const k = expected[i]!;
      expect(m.versions.map((v) => v.text), m.message_id).toEqual(k.texts);
      expect(m.versions.map((v) => v.by)).toEqual(k.editors);
      expect(m.versions.map((v) => v.current)).toEqual(k.texts.map((_, j) => j === k.texts.length - 1));
      expect(m.deletion?.deleted_by).toBe(k.deleted_by);
      const now = new Map<string, { emoji: string; user_id: string }>();
      for (const r of k.reactions) r.action === 'added' ? now.set(r.emoji + r.user_id, r) : now.delete(r.emoji + r.user_id);
      expect(m.reactions.current).toEqual([...now.values()].map(({ emoji, user_id }) => ({ emoji, user_id })).sort((a, b) => (a.emoji < b.emoji ? -1 : 1)));
      expect(m.reactions.history.map((r) => r.action)).toEqual(k.reactions.map((r) => r.action));
      const replies = archive.messages.filter((x) => x.thread_id === k.thread_id && k.thread_id !== '').sort((a, b) => a.timeMs - b.timeMs || (a.message_id < b.message_id ? -1 : 1));
      expect(m.thread_position).toBe(k.thread_id ? replies.indexOf(k) + 1 : 0);
      const isRoot = archive.messages.some((x) => x.thread_id === k.message_id);
      expect(m.thread_id).toBe(k.thread_id || (isRoot ? k.message_id : ''));
      expect(m.time).toBe(new Date(k.timeMs).toISOString());
      expect(m.context).toBe(false);
    }
    // Same-millisecond messages are all there.
    expect(expected.some((m, i) => i > 0 && m.timeMs === expected[i - 1]!.timeMs && m.conversation_id === expected[i - 1]!.conversation_id)).toBe(true);
  });

  it('batches consecutive conversations up to a number of messages, a big one alone', () => {
    const c = (id: string, messages: number) => ({ conversation_id: id, conversation_type: 'channel', messages });
    expect(batchConversations([c('a', 10), c('b', 30), c('c', 15), c('d', 100), c('e', 1)], 50).map((b) => b.map((x) => x.conversation_id))).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
  });

  it('selects custodians as authors, or their whole conversations', async () => {
    const own = await exportSet({ custodians: ['U2'] });
    expect(keys(own)).toEqual(keys(exportOrder(archive.messages.filter((m) => m.author_id === 'U2'))));
    const whole = await exportSet({ custodians: ['U2'], whole_conversations: true });
    const convs = new Set(archive.messages.filter((m) => m.author_id === 'U2').map((m) => m.conversation_id));
    expect(keys(whole)).toEqual(keys(exportOrder(archive.messages.filter((m) => convs.has(m.conversation_id)))));
  });

  it('finds words in any version (an edit that added the word included), conversation and type filters, a time range', async () => {
    const words = await exportSet({ q: 'Budget' });
    expect(keys(words)).toEqual(keys(exportOrder(archive.messages.filter((m) => m.texts.some((t) => tokenize(t).includes('budget'))))));
    expect(words.some((m) => !tokenize(m.versions[0]!.text).includes('budget'))).toBe(true);
    const accents = await exportSet({ q: 'réunion' });
    expect(keys(accents)).toEqual(keys(exportOrder(archive.messages.filter((m) => m.texts.some((t) => tokenize(t).includes('réunion'))))));
    expect(keys(await exportSet({ conversation_types: ['dm'] }))).toEqual(keys(exportOrder(archive.messages.filter((m) => m.conversation_id === 'D-12'))));
    const from = archive.messages[10]!.timeMs;
    const to = archive.messages[25]!.timeMs;
    const ranged = await exportSet({ conversations: ['C-general'], from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    expect(keys(ranged)).toEqual(keys(exportOrder(archive.messages.filter((m) => m.conversation_id === 'C-general' && m.timeMs >= from && m.timeMs < to))));
  });

  it('adds N messages or a duration of context around hits, marked as context', async () => {
    const hit = (m: KnownMessage) => m.author_id === 'U3';
    const n = await exportSet({ custodians: ['U3'], context: { messages: 2 } });
    expect(keys(await exportSet({ custodians: ['U3'], context: { messages: 2 } }, asOf, { pageSize: 7 }))).toEqual(keys(n));
    const expectedN = exportOrder(withContext(exportOrder(archive.messages), hit, 2, 0));
    expect(keys(n)).toEqual(keys(expectedN));
    expect(n.filter((m) => !m.context).map((m) => m.author_id).every((a) => a === 'U3')).toBe(true);
    expect(n.filter((m) => m.context).length).toBeGreaterThan(0);
    const d = await exportSet({ custodians: ['U3'], context: { duration: 'PT3M' } });
    expect(keys(d)).toEqual(keys(exportOrder(withContext(exportOrder(archive.messages), hit, 0, 180_000))));
    // Context reaches outside the time range, but hits do not.
    const from = archive.messages[12]!.timeMs;
    const ranged = await exportSet({ conversations: ['C-general'], from: new Date(from).toISOString(), context: { messages: 3 } });
    const inConv = exportOrder(archive.messages.filter((m) => m.conversation_id === 'C-general'));
    const first = inConv.findIndex((m) => m.timeMs >= from);
    expect(keys(ranged)).toEqual(keys(inConv.slice(Math.max(0, first - 3))));
    expect(ranged.slice(0, Math.min(3, first)).every((m) => m.context)).toBe(true);
  });

  it('leaves deleted messages or edit history out when asked', async () => {
    const kept = await exportSet({ include_deleted: false });
    expect(keys(kept)).toEqual(keys(exportOrder(archive.messages.filter((m) => !m.deleted_by))));
    const current = await exportSet({ include_edits: false });
    const expected = exportOrder(archive.messages);
    current.forEach((m, i) => expect(m.versions.map((v) => v.text)).toEqual([expected[i]!.texts.at(-1)]));
  });

  it('groups a conversation by UTC day with its name, the people in it and the day\'s joins and leaves', async () => {
    const reader = createExportSetReader(ts.store, archive.tenant, exportParams.parse({ conversations: ['C-general'] }), asOf);
    const named = await lookupConversations(ts.store, archive.tenant, [{ conversation_id: 'C-general', conversation_type: 'channel' }, { conversation_id: 'C-unnamed', conversation_type: 'dm' }]);
    expect(named.get('C-general')).toEqual({ conversation_id: 'C-general', name: 'général', conversation_type: 'channel' });
    expect(named.get('C-unnamed')).toEqual({ conversation_id: 'C-unnamed', name: 'C-unnamed', conversation_type: 'dm' });
    const days = [];
    for await (const d of conversationDays({ store: ts.store, tenant: archive.tenant, asOf, people: await createPeopleCache(ts.store, archive.tenant) }, named, reader.messages((await reader.conversations()).filter((c) => c.conversation_id === 'C-general')))) days.push(d);
    const mine = exportOrder(archive.messages.filter((m) => m.conversation_id === 'C-general'));
    expect(days.map((d) => d.day)).toEqual([...new Set(mine.map((m) => new Date(m.timeMs).toISOString().slice(0, 10)))]);
    expect(days.flatMap((d) => keys(d.messages))).toEqual(keys(mine));
    expect(days[0]!.membership).toMatchObject([{ type: 'joined', user_id: 'U6', by: 'U1' }]);
    expect(days[1]!.membership).toMatchObject([{ type: 'left', user_id: 'U6' }]);
    expect(days[0]!.people.get('U6')).toEqual({ user_id: 'U6', display_name: 'User 6', email: '' });
    expect(days[0]!.people.get('U1')).toEqual({ user_id: 'U1', display_name: 'User 1', email: 'user1@example.org' });
    for (const d of days) for (const m of d.messages) expect(d.people.has(m.author_id)).toBe(true);
  });

  it('is as of a time: records ingested later are not in the set', async () => {
    await store([cloudEvent('message.created', { message_id: 'late', conversation_id: 'C-general', conversation_type: 'channel', author_id: 'U1', text: 'budget late' }, { id: 'exp-late', tenant: 'exp', time: new Date(archive.messages[0]!.timeMs + 1).toISOString() })]);
    const first = exportOrder(archive.messages)[0]!;
    await store([cloudEvent('reaction.added', { message_id: first.message_id, conversation_id: first.conversation_id, user_id: 'U5', emoji: 'late' }, { id: 'exp-late-reaction', tenant: 'exp', time: new Date(first.timeMs + 5).toISOString() })]);
    const before = await exportSet({});
    expect(keys(before).includes('C-general/late')).toBe(false);
    expect(before.find((m) => m.message_id === first.message_id)!.reactions.history.map((r) => r.emoji)).not.toContain('late');
    const after = await exportSet({}, new Date(Date.now() + 1000).toISOString());
    expect(after.find((m) => m.message_id === first.message_id)!.reactions.history.map((r) => r.emoji)).toContain('late');
    expect(keys(await exportSet({}, new Date(Date.now() + 1000).toISOString())).includes('C-general/late')).toBe(true);
  });
});
