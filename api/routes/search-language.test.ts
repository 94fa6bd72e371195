/**
 * The query language of `q` through the real HTTP API (auth, Casbin, audit) over a
 * real embedded store filled through ingest. Every expectation is computed here
 * from the fixture events by a plain reference model (below), never copied from an
 * answer; each operator and modifier is checked on data where it changes the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { openTestStore, testConfig, type TestStore } from '../../test/helpers/store.js';
import { createLogger } from '../../common/logger.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import { buildSecurity, createApp } from '../app.js';
import { apiRoutes } from './index.js';
import { FIXTURE_EVENTS, FIXTURE_TENANT, fixtureRows } from '../../test/helpers/search-fixture.js';
import { messageSearchResponse } from '../schemas/messages.js';

type Ev = (typeof FIXTURE_EVENTS)[number];
const T = (day: number, h = 10, m = 0) => new Date(Date.UTC(2026, 9, day, h, m)).toISOString();

/** Messages that make accents, elisions, prefixes, DMs, edits and time zones matter. */
const EXTRA: Ev[] = [
  { id: 'x1', type: 'message.created', time: T(11), data: { message_id: 'x1', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U2', text: 'Le résumé de la RÉUNION est prêt' } },
  { id: 'x2', type: 'message.created', time: T(12), data: { message_id: 'x2', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U1', text: 'L’équipe budgétaire valide le budget', mentions: ['U2'] } },
  { id: 'x3', type: 'message.created', time: T(13), data: { message_id: 'x3', conversation_id: 'D1', conversation_type: 'dm', author_id: 'U1', text: 'Resume of the budget review' } },
  { id: 'x4', type: 'message.created', time: T(14), data: { message_id: 'x4', conversation_id: 'C2', conversation_type: 'private', author_id: 'U3', text: 'budgets and budgeting' } },
  { id: 'x4e', type: 'message.edited', time: T(14, 11), data: { message_id: 'x4', conversation_id: 'C2', editor_id: 'U3', text: 'nothing left here' } },
  // 23:30 UTC on the 15th is 01:30 on the 16th in Paris (UTC+2 until October 25).
  { id: 'x5', type: 'message.created', time: T(15, 23, 30), data: { message_id: 'x5', conversation_id: 'C3', conversation_type: 'group_dm', author_id: 'U4', text: 'late night note about the reunion' } },
  // A deleted draft with "budget" and no reaction: is:deleted and has:reaction change budget and draft searches.
  { id: 'x7', type: 'message.created', time: T(17, 8), data: { message_id: 'x7', conversation_id: 'C2', conversation_type: 'private', author_id: 'U2', text: 'old budget draft note' } },
  { id: 'x7d', type: 'message.deleted', time: T(17, 9), data: { message_id: 'x7', conversation_id: 'C2', deleted_by: 'U2' } },
  // A reaction on a message without "draft": has:reaction and draft change NOT (draft OR has:reaction) each.
  { id: 'x2r', type: 'reaction.added', time: T(12, 11), data: { message_id: 'x2', conversation_id: 'C1', user_id: 'U3', emoji: 'tada' } },
  { id: 'x6', type: 'message.created', time: T(16, 9), data: { message_id: 'x6', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U1', text: "l'equipe sans accent, résumé court" } },
];
const EVENTS = [...FIXTURE_EVENTS, ...EXTRA];

/** The reference model: one entry per message of the tenant, from the events alone. */
interface Msg {
  key: string; time: string; author: string; conversation: string; type: string; thread: string; mentions: string[]; attachments: number;
  texts: string[]; edited: boolean; deleted: boolean; reacted: boolean; hasReplies: boolean;
}
function model(): Msg[] {
  const mine = EVENTS.filter((e) => (e.tenant ?? FIXTURE_TENANT) === FIXTURE_TENANT);
  const msgs = new Map<string, Msg>();
  const key = (d: Record<string, unknown>) => `${d.conversation_id}/${d.message_id}`;
  for (const e of mine.filter((x) => x.type === 'message.created')) {
    const d = e.data as Record<string, any>;
    msgs.set(key(d), { key: key(d), time: e.time, author: d.author_id, conversation: d.conversation_id, type: d.conversation_type, thread: d.thread_id ?? '', mentions: d.mentions ?? [], attachments: (d.attachments ?? []).length, texts: [d.text], edited: false, deleted: false, reacted: false, hasReplies: false });
  }
  for (const e of mine) {
    const m = msgs.get(key(e.data));
    if (e.type === 'message.edited' && m) { m.texts.push(String(e.data.text)); m.edited = true; }
    if (e.type === 'message.deleted' && m) m.deleted = true;
  }
  for (const m of msgs.values()) if (m.thread) for (const r of msgs.values()) if (r.conversation === m.conversation && r.key.endsWith(`/${m.thread}`)) r.hasReplies = true;
  // Reactions now: the last event per (message, user, emoji) wins.
  const last = new Map<string, string>();
  for (const e of mine.filter((x) => x.type.startsWith('reaction.'))) last.set(`${key(e.data)}|${e.data.user_id}|${e.data.emoji}`, e.type);
  for (const [k, t] of last) if (t === 'reaction.added') msgs.get(k.split('|')[0]!)!.reacted = true;
  return [...msgs.values()];
}
const MSGS = model();
/** Folded words, written independently of the code under test. */
const words = (t: string) => t.normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
const exactWords = (t: string) => t.toLowerCase().normalize('NFC').split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
const has = (w: string) => (t: string) => words(t).includes(w);
const phrase = (...ws: string[]) => (t: string) => ` ${words(t).join(' ')} `.includes(` ${ws.join(' ')} `);
const starts = (p: string) => (t: string) => words(t).some((w) => w.startsWith(p));
const anyVersion = (f: (t: string) => boolean) => (m: Msg) => m.texts.some(f);
const expected = (f: (m: Msg) => boolean) => MSGS.filter(f).sort((a, b) => (a.time === b.time ? (a.key < b.key ? 1 : -1) : a.time < b.time ? 1 : -1)).map((m) => m.key);

let ts: TestStore;
let server: Server;
let base: string;
let officer: string;

beforeAll(async () => {
  ts = await openTestStore('search-language');
  await createEventWriter(ts.store).write(fixtureRows(EVENTS));
  const config = testConfig(ts.dataDir, { CUSTOS_RATE_LIMIT_PER_MIN: '100000' });
  const security = await buildSecurity({ config, store: ts.store, publicUrl: 'http://127.0.0.1' });
  officer = (await security.tokens.create({ tenant: FIXTURE_TENANT, role: 'compliance_officer', name: 'language test', createdBy: 'test' })).secret;
  const app = createApp({ store: ts.store, registry: new Registry(), log: createLogger('silent'), security, routes: apiRoutes({ store: ts.store, cursorSecret: 'k' }) });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/tenants/${FIXTURE_TENANT}/messages`;
});
afterAll(async () => {
  if (server) await new Promise((r) => server.close(r));
  await ts?.close();
});

async function get(qs: string): Promise<{ status: number; type: string; body: any }> {
  const res = await fetch(`${base}?${qs}`, { headers: { authorization: `Bearer ${officer}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.json() };
}
const search = async (q: string, extra = '') => {
  const r = await get(`q=${encodeURIComponent(q)}${extra}`);
  expect(r.status, `${q} ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
  return r.body as { items: any[]; total: number; next_cursor: string | null };
};
const keysOf = (b: { items: any[] }) => b.items.map((i) => `${i.conversation_id}/${i.message_id}`);

/** Every page of a query with a small limit: the keys in order, and the total each page gave. */
async function allPages(q: string, extra = ''): Promise<{ keys: string[]; totals: number[] }> {
  const keys: string[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  do {
    const b = await search(q, `${extra}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    keys.push(...keysOf(b));
    totals.push(b.total);
    cursor = b.next_cursor;
  } while (cursor);
  return { keys, totals };
}

/** [query, reference predicate]: each changes the answer against the query without it (checked below). */
const CASES: Array<[string, (m: Msg) => boolean, string?]> = [
  ['budget', anyVersion(has('budget'))],
  ['budget review', anyVersion((t) => has('budget')(t) && has('review')(t))],
  ['budget OR planning', anyVersion((t) => has('budget')(t) || has('planning')(t))],
  ['budget -review', anyVersion((t) => has('budget')(t) && !has('review')(t))],
  ['budget NOT review', anyVersion((t) => has('budget')(t) && !has('review')(t))],
  ['(budget OR planning) release', anyVersion((t) => (has('budget')(t) || has('planning')(t)) && has('release')(t))],
  ['"release plan"', anyVersion(phrase('release', 'plan'))],
  ['budg*', anyVersion(starts('budg'))],
  ['reunion', anyVersion(has('reunion'))],
  ['RÉSUMÉ', anyVersion(has('resume'))],
  ['équipe', anyVersion(has('equipe'))],
  ["l'équipe", anyVersion(phrase('l', 'equipe'))],
  ['résumé', anyVersion((t) => exactWords(t).includes('résumé')), '&accents=exact'],
  ['reunion', anyVersion((t) => exactWords(t).includes('reunion')), '&accents=exact'],
  ['budget from:U1', (m) => anyVersion(has('budget'))(m) && m.author === 'U1'],
  ['budget from:ada@example.org', (m) => anyVersion(has('budget'))(m) && m.author === 'U1'],
  ['budget from:"Ada Lovelace"', (m) => anyVersion(has('budget'))(m) && m.author === 'U1'],
  ['budget -from:@bob', (m) => anyVersion(has('budget'))(m) && m.author !== 'U2'],
  ['from:U1 OR from:U3', (m) => m.author === 'U1' || m.author === 'U3'],
  ['in:general-fr', (m) => m.conversation === 'C1'],
  ['in:#projet budget', (m) => m.conversation === 'C2' && anyVersion(has('budget'))(m)],
  ['in:C3', (m) => m.conversation === 'C3'],
  ['with:U3', (m) => m.type === 'dm' && ['D1'].includes(m.conversation)],
  ['to:U3', (m) => m.type === 'dm' && m.conversation === 'D1' && m.author !== 'U3'],
  ['mentions:U2', (m) => m.mentions.includes('U2')],
  ['mentions:bob@example.org -has:attachment', (m) => m.mentions.includes('U2') && m.attachments === 0],
  ['has:attachment', (m) => m.attachments > 0],
  ['has:mention', (m) => m.mentions.length > 0],
  ['has:reaction', (m) => m.reacted],
  ['is:thread', (m) => m.thread !== '' || m.hasReplies],
  ['is:edited', (m) => m.edited],
  ['is:deleted', (m) => m.deleted],
  ['-is:deleted budget', (m) => !m.deleted && anyVersion(has('budget'))(m)],
  ['on:2026-10-15', (m) => m.time.startsWith('2026-10-15')],
  ['on:2026-10-16', (m) => m.time >= '2026-10-15T22:00:00.000Z' && m.time < '2026-10-16T22:00:00.000Z', '&tz=Europe/Paris'],
  ['during:2026-10 before:2026-10-03', (m) => m.time < '2026-10-03'],
  ['after:2026-10-13', (m) => m.time >= '2026-10-14'],
  ['budgets', anyVersion(has('budgets'))],
];

/**
 * Modifiers under OR and NOT, alone and mixed with words: [query, reference, variants].
 * A word group inside a mix must hold in one version of the message; the mix holds
 * for the message. Each variant is the same query with one operator changed or one
 * operand dropped: the answer must differ from every variant, so each form matters.
 */
const budget = anyVersion(has('budget'));
const MIXED: Array<[string, (m: Msg) => boolean, Array<(m: Msg) => boolean>, string?]> = [
  ['from:U1 OR from:U2', (m) => m.author === 'U1' || m.author === 'U2', [(m) => m.author === 'U1', (m) => m.author === 'U2']],
  ['-in:general-fr budget', (m) => m.conversation !== 'C1' && budget(m), [budget, (m) => m.conversation === 'C1' && budget(m)]],
  ['NOT has:attachment', (m) => m.attachments === 0, [(m) => m.attachments > 0, () => true]],
  ['(from:U1 budget) OR mentions:U3', (m) => (m.author === 'U1' && budget(m)) || m.mentions.includes('U3'),
    [(m) => m.author === 'U1' && budget(m), (m) => m.mentions.includes('U3'), (m) => m.author === 'U1' && budget(m) && m.mentions.includes('U3'), (m) => budget(m) || m.mentions.includes('U3')]],
  ['budget -is:deleted', (m) => budget(m) && !m.deleted, [budget, (m) => budget(m) && m.deleted]],
  ['budget OR from:U3', (m) => budget(m) || m.author === 'U3', [budget, (m) => m.author === 'U3', (m) => budget(m) && m.author === 'U3']],
  ['-(budget from:U1)', (m) => !(budget(m) && m.author === 'U1'), [(m) => budget(m) && m.author === 'U1', (m) => !budget(m), (m) => m.author !== 'U1']],
  ['NOT (draft OR has:reaction)', (m) => !(anyVersion(has('draft'))(m) || m.reacted), [(m) => !m.reacted, (m) => !anyVersion(has('draft'))(m)]],
  ['(budget review) OR is:edited', (m) => anyVersion((t) => has('budget')(t) && has('review')(t))(m) || m.edited,
    [(m) => m.edited, anyVersion((t) => has('budget')(t) && has('review')(t)), (m) => budget(m) || m.edited]],
  ['budget (draft OR from:U2)', (m) => budget(m) && (anyVersion(has('draft'))(m) || m.author === 'U2'),
    [budget, anyVersion((t) => has('budget')(t) && has('draft')(t)), (m) => budget(m) && m.author === 'U2']],
  ['"release plan" OR mentions:U2', (m) => anyVersion(phrase('release', 'plan'))(m) || m.mentions.includes('U2'),
    [anyVersion(phrase('release', 'plan')), (m) => m.mentions.includes('U2'), (m) => anyVersion((t) => has('release')(t) && has('plan')(t))(m) || m.mentions.includes('U2')]],
  ['budg* OR in:C3', (m) => anyVersion(starts('budg'))(m) || m.conversation === 'C3', [anyVersion(starts('budg')), (m) => m.conversation === 'C3']],
  ['on:2026-10-15 OR (from:U3 -is:deleted)', (m) => m.time.startsWith('2026-10-15') || (m.author === 'U3' && !m.deleted),
    [(m) => m.time.startsWith('2026-10-15'), (m) => m.author === 'U3' && !m.deleted, (m) => m.time.startsWith('2026-10-15') || m.author === 'U3']],
  ['before:2026-10-03 OR reunion', (m) => m.time < '2026-10-03' || anyVersion(has('reunion'))(m), [(m) => m.time < '2026-10-03', anyVersion(has('reunion'))]],
  ['réunion OR with:U3', (m) => anyVersion((t) => exactWords(t).includes('réunion'))(m) || m.conversation === 'D1',
    [(m) => anyVersion(has('reunion'))(m) || m.conversation === 'D1', (m) => m.conversation === 'D1'], '&accents=exact'],
  ['review OR (has:mention -in:C2)', (m) => anyVersion(has('review'))(m) || (m.mentions.length > 0 && m.conversation !== 'C2'),
    [anyVersion(has('review')), (m) => anyVersion(has('review'))(m) || m.mentions.length > 0]],
];
CASES.push(...MIXED.map(([q, f, , extra]): [string, (m: Msg) => boolean, string?] => [q, f, extra]));

describe('the query language through HTTP', () => {
  it('every operator and modifier: the answer, its exact total, newest first, against the reference model', async () => {
    for (const [q, f, extra] of CASES) {
      const want = expected(f);
      const b = await search(q, `${extra ?? ''}&limit=200`);
      expect({ q, keys: keysOf(b), total: b.total }).toEqual({ q, keys: want, total: want.length });
      expect(messageSearchResponse.parse(b)).toBeTruthy();
    }
  });

  it('each case makes a difference: its answer differs from the whole archive and from its words alone', async () => {
    const all = expected(() => true);
    for (const [q, f] of CASES) expect(expected(f), q).not.toEqual(all);
    // Words that an edit removed still find the message; NOT and exact accents change answers.
    expect(expected(anyVersion(has('budgets')))).toEqual(['C2/x4']);
    expect(expected(anyVersion(has('budget')))).not.toEqual(expected(anyVersion((t) => has('budget')(t) && !has('review')(t))));
    expect(expected(anyVersion(has('reunion')))).not.toEqual(expected(anyVersion((t) => exactWords(t).includes('reunion'))));
  });

  it('modifiers under OR and NOT: each form changes the answer against each of its variants', () => {
    for (const [q, f, variants] of MIXED) {
      const want = expected(f);
      expect(want.length, q).toBeGreaterThan(0);
      for (const v of variants) expect(expected(v), q).not.toEqual(want);
    }
  });

  it('paging and exact totals stay right for every form', async () => {
    for (const [q, f, extra] of CASES) {
      const want = expected(f);
      const pages = await allPages(q, extra ?? '');
      expect({ q, keys: pages.keys, totals: [...new Set(pages.totals)] }).toEqual({ q, keys: want, totals: [want.length] });
    }
  });

  it('combines with the existing parameters', async () => {
    const b = await search('budget', '&author=U1&include_deleted=false');
    expect(keysOf(b)).toEqual(expected((m) => anyVersion(has('budget'))(m) && m.author === 'U1' && !m.deleted));
    const any = await search('budget planning', '&match=any');
    expect(keysOf(any)).toEqual(expected(anyVersion((t) => has('budget')(t) || has('planning')(t))));
    const ph = await search('release plan', '&match=phrase');
    expect(keysOf(ph)).toEqual(expected(anyVersion(phrase('release', 'plan'))));
    const both = await search('from:U1', '&author=U2');
    expect(both.total).toBe(0);
  });

  it('highlights: which version matched and where, in UTF-16 offsets of that version', async () => {
    const b = await search('budgets');
    const [hit] = b.items;
    expect(hit.highlights).toHaveLength(1);
    expect(hit.highlights[0]).toMatchObject({ kind: 'created', current: false, text: 'budgets and budgeting' });
    expect(hit.highlights[0].ranges).toEqual([{ start: 0, end: 7 }]);
    const r = await search('équipe budg*');
    const x2 = r.items.find((i) => i.message_id === 'x2');
    const h = x2.highlights[0];
    expect(h.ranges.map((x: any) => h.text.slice(x.start, x.end))).toEqual(['équipe', 'budgétaire', 'budget']);
    expect((await search('from:U1')).items.every((i) => i.highlights.length === 0)).toBe(true);
    // Words mixed with modifiers: a version matching the top-level words also marks the mixed group's words.
    const mixed = await search('budget (draft OR from:U2)');
    const m1 = mixed.items.find((i) => i.conversation_id === 'C1' && i.message_id === 'm1');
    expect(m1.highlights.map((x: any) => [x.kind, x.ranges.map((r: any) => x.text.slice(r.start, r.end))])).toEqual([['created', ['draft', 'budget']], ['edited', ['budget']]]);
    // Without top-level words, the versions that match a group are highlighted; a message found by its modifier alone has none.
    const alt = await search('(from:U1 budget) OR mentions:U3');
    const byKey = new Map(alt.items.map((i) => [`${i.conversation_id}/${i.message_id}`, i.highlights]));
    expect(byKey.get('C2/m4')).toEqual([]);
    expect(byKey.get('C1/x2')![0].ranges.map((r: any) => byKey.get('C1/x2')![0].text.slice(r.start, r.end))).toEqual(['budget']);
    expect((await search('-(budget from:U1)')).items.every((i) => i.highlights.length === 0)).toBe(true);
  });

  it('random queries from the grammar\'s pieces: a 200 or a 400 naming q with a position, never a 5xx', async () => {
    const pieces = ['budget', 'réunion', 'OR', 'AND', 'NOT', '-', '(', ')', '"', 'budg*', 'b*', '*', 'from:', 'from:U1', 'in:"general-fr"', 'has:reaction', 'is:x', 'on:2026-10-02', 'before:2026-13',
      "l'équipe", ':', 'x:y', '\\', "'", '{tenant:String}', '😀', 'é\u0301', 'ﬁn', 'AND(', '-"release plan"', 'with:@U3', 'to:', 'mentions:bob@example.org'];
    let seed = 14;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const statuses = new Set<number>();
    for (let i = 0; i < 150; i++) {
      const q = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pieces[Math.floor(rnd() * pieces.length)]).join(rnd() < 0.8 ? ' ' : '');
      const r = await get(`q=${encodeURIComponent(q)}`);
      statuses.add(r.status);
      expect([200, 400], q).toContain(r.status);
      if (r.status === 400) {
        expect(r.body.field, q).toBe('q');
        if (r.body.type.endsWith('invalid-query')) expect(r.body.position, q).toBeGreaterThanOrEqual(0);
      }
    }
    expect([...statuses].sort()).toEqual([200, 400]);
  });

  it('a malformed query is a 400 problem+json that says where and what', async () => {
    const bad: Array<[string, number]> = [
      ['budget "release plan', 7], ['(budget', 0], ['budget)', 6], ['budget OR', 7], ['form:ada', 0], ['has:link', 0],
      ['is:pinned', 0], ['on:2026-13-01', 0], ['b*', 0], ['from:', 0],
      // Malformed combinations of modifiers and words under OR / NOT: where the fault is.
      ['(from:alice budget OR', 19], ['budget OR -', 10], ['from:ada OR has:link', 12], ['-(in:general budget', 1], ['budget OR from:', 10], ['NOT (from:ada OR is:pinned)', 17],
    ];
    for (const [q, position] of bad) {
      const r = await get(`q=${encodeURIComponent(q)}`);
      expect({ q, status: r.status, field: r.body.field, position: r.body.position }).toEqual({ q, status: 400, field: 'q', position });
      expect(r.type).toContain('application/problem+json');
      expect(r.body.type).toBe('https://custos.dev/problems/invalid-query');
      expect(r.body.detail).toMatch(/^query parameter "q" at position \d+: /);
    }
    const tz = await get('q=on%3A2026-10-01&tz=Mars%2FOlympus');
    expect([tz.status, tz.body.field]).toEqual([400, 'tz']);
    const acc = await get('q=x&accents=some');
    expect([acc.status, acc.body.field]).toEqual([400, 'accents']);
  });
});
