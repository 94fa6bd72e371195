/** Message search, detail, directory and admin events against a real embedded store (chDB) filled through ingest. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { isAuthorOnly, searchMessages, matchingSql, searchParams, type MessageSearch } from './message-search.js';
import { fetchMessageItems } from './message-state.js';
import { getMessageDetail } from './message-detail.js';
import { getConversation, getUser, listConversations, listUsers } from './directory.js';
import { searchAdminEvents } from './admin-events.js';
import { parseQuery, phraseQuery } from './search-query/parser.js';
import { compileText, SqlParams } from './search-query/compile.js';
import { FIXTURE_EVENTS, FIXTURE_TENANT, OTHER_TENANT, TIE_TIME, loadEvents, loadFixture } from '../../test/helpers/search-fixture.js';
import { toStoreTime } from '../events/time.js';

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('message-search');
  await loadFixture(ts.store);
  // Another module's query with indexes off must not change search answers (chDB keeps session settings).
  await ts.store.query('test: indexes off', 'SELECT 1', {}, { use_skip_indexes: 0 });
});
afterAll(async () => ts?.close());

const base: MessageSearch = { tenant: FIXTURE_TENANT, includeDeleted: true, limit: 50 };
const keys = async (s: Partial<MessageSearch>) => {
  const page = await searchMessages(ts.store, { ...base, ...s });
  return { keys: page.hits.map((h) => `${h.conversation_id}/${h.message_id}`), total: page.total };
};
/** Words as the route compiles them (no prefixes here, so no dictionary lookup is needed). */
const words = (mode: 'all' | 'any' | 'phrase', q: string) => {
  const tree = mode === 'phrase' ? phraseQuery(q) : parseQuery(q, { implicit: mode === 'any' ? 'or' : 'and' });
  const p = new SqlParams();
  return { text: compileText(tree, p, { exactAccents: false, prefixes: new Map() }), queryParams: p.values };
};

describe('searchMessages filters', () => {
  it('lists every message of the tenant once, newest first, with an exact total', async () => {
    const r = await keys({});
    expect(r.total).toBe(12);
    expect(r.keys).toHaveLength(12);
    expect(new Set(r.keys).size).toBe(12);
    expect(r.keys.slice(-3)).toEqual(['C2/m3', 'C2/m2', 'C1/m1']);
    expect(r.keys[r.keys.length - 1]).toBe('C1/m1');
    expect(r.keys).toContain('C3/m1');
  });

  it('words: all / any / phrase, case-insensitively, French included', async () => {
    expect((await keys(words('all', 'BUDGET ready'))).keys).toEqual(['C1/m1']);
    expect((await keys(words('any', 'réunion secret'))).keys).toEqual(['D1/m5', 'C2/m2']);
    expect((await keys(words('all', 'release plan'))).keys.sort()).toEqual(['C1/m6', 'D1/m5']);
    expect((await keys(words('phrase', 'Release  Plan'))).keys).toEqual(['D1/m5']);
    expect((await keys(words('all', 'prêt planning'))).keys).toEqual(['C2/m3']);
  });

  it('words match any version: a word an edit removed and a word an edit added both find the message', async () => {
    expect((await keys(words('all', 'draft'))).keys).toEqual(['C1/m1']);
    expect((await keys(words('all', 'final'))).keys).toEqual(['C1/m1']);
    expect((await keys(words('all', 'draft final'))).total).toBe(0);
  });

  it('never returns another tenant', async () => {
    expect((await keys({ ...words('all', 'globex') })).total).toBe(0);
    const other = await searchMessages(ts.store, { ...base, tenant: OTHER_TENANT });
    expect(other.total).toBe(1);
  });

  it('author, conversation, conversation type, thread', async () => {
    expect((await keys({ author: 'U1' })).keys).toEqual(['C2/m4', 'C1/m1']);
    expect((await keys({ conversation: 'C3' })).keys.sort()).toEqual(['C3/m1', 'C3/t2a']);
    expect((await keys({ conversationType: 'dm' })).keys).toEqual(['D1/m5']);
    expect((await keys({ thread: 'm2' })).keys).toEqual(['C2/m4', 'C2/m3', 'C2/m2']);
  });

  it('author alone is answered from message_author_keys, with the same answer as the general query', async () => {
    expect(isAuthorOnly({ ...base, author: 'U1' })).toBe(true);
    expect(isAuthorOnly({ ...base, author: 'U1', includeDeleted: false })).toBe(true);
    expect(isAuthorOnly({ ...base, author: 'U1', filters: ['1'] })).toBe(false);
    for (const includeDeleted of [true, false]) {
      for (const author of ['U1', 'U2', 'U3', 'U5']) {
        const fast = await keys({ author, limit: 2, includeDeleted });
        // A filter that always holds sends the same search down the general path (message_versions).
        const general = await keys({ author, limit: 2, includeDeleted, filters: ['1'] });
        expect(fast, `${author}, deleted ${includeDeleted}`).toEqual(general);
      }
      // U3's messages, m5 (deleted) in or out, as the fixture says.
      const deletedKeys = new Set(FIXTURE_EVENTS.filter((e) => e.type === 'message.deleted').map((e) => `${e.data.conversation_id}/${e.data.message_id}`));
      const u3 = FIXTURE_EVENTS.filter((e) => e.type === 'message.created' && !e.tenant && e.data.author_id === 'U3').map((e) => `${e.data.conversation_id}/${e.data.message_id}`);
      expect(u3.some((k) => deletedKeys.has(k))).toBe(true);
      expect((await keys({ author: 'U3', includeDeleted })).total).toBe(includeDeleted ? u3.length : u3.filter((k) => !deletedKeys.has(k)).length);
    }
  });

  it('time range: from inclusive, to exclusive', async () => {
    const from = toStoreTime(Date.UTC(2026, 9, 2, 10));
    const to = toStoreTime(Date.UTC(2026, 9, 3, 10));
    expect((await keys({ fromTime: from, toTime: to })).keys).toEqual(['C2/m4', 'C2/m3', 'C2/m2']);
  });

  it('deleted messages are included by default and can be left out', async () => {
    expect((await keys({ conversationType: 'dm', includeDeleted: false })).total).toBe(0);
    expect((await keys({ includeDeleted: false })).total).toBe(11);
  });

  it('mentions and attachments', async () => {
    expect((await keys({ hasMentions: true })).keys).toEqual(['C2/m4', 'C1/m1']);
    expect((await keys({ mentions: 'U3' })).keys).toEqual(['C2/m4']);
    expect((await keys({ hasMentions: false })).total).toBe(10);
    expect((await keys({ hasAttachments: true })).keys).toEqual(['C1/m1']);
    expect((await keys({ hasAttachments: false })).total).toBe(11);
  });
});

describe('paging', () => {
  it('pages of 2 cover every message exactly once, ties at the same millisecond included', async () => {
    const seen: string[] = [];
    let after: MessageSearch['after'];
    for (let i = 0; i < 20; i++) {
      const page = await searchMessages(ts.store, { ...base, limit: 2, after });
      expect(page.total).toBe(12);
      seen.push(...page.hits.map((h) => `${h.conversation_id}/${h.message_id}`));
      if (!page.more) break;
      const last = page.hits[page.hits.length - 1]!;
      after = { time: last.time, conversationId: last.conversation_id, messageId: last.message_id };
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    const all = (await keys({})).keys;
    expect(seen).toEqual(all);
    const ties = all.filter((k) => k.includes('/t'));
    expect(ties).toEqual(['C3/t2a', 'C2/t1b', 'C2/t1a', 'C1/t0b', 'C1/t0a']);
    expect(TIE_TIME).toBe('2026-10-10T12:00:00.000Z');
  });
});

describe('paging a word search', () => {
  it('keeps the exact total on every page and covers every match once', async () => {
    const w = words('any', 'tie budget planning release');
    const all = await keys(w);
    expect(all.total).toBe(11); // 5 tie messages + m1..m6
    const seen: string[] = [];
    let after: MessageSearch['after'];
    for (let i = 0; i < 20; i++) {
      const page = await searchMessages(ts.store, { ...base, ...w, limit: 3, after });
      expect(page.total).toBe(all.total);
      seen.push(...page.hits.map((h) => `${h.conversation_id}/${h.message_id}`));
      if (!page.more) break;
      const last = page.hits[page.hits.length - 1]!;
      after = { time: last.time, conversationId: last.conversation_id, messageId: last.message_id };
    }
    expect(seen).toEqual(all.keys);
    const past = await searchMessages(ts.store, { ...base, ...w, limit: 3, after: { time: '2000-01-01 00:00:00.000', conversationId: '', messageId: '' } });
    expect([past.hits.length, past.total, past.more]).toEqual([0, 11, false]);
  });
});

describe('the text index', () => {
  it('is used for word searches (EXPLAIN indexes = 1)', async () => {
    const s: MessageSearch = { ...base, ...words('all', 'budget') };
    const rows = await ts.store.query<{ explain: string }>('test: explain', `EXPLAIN indexes = 1 ${matchingSql(s, false)}`, searchParams(s));
    const plan = rows.map((r) => r.explain).join('\n');
    expect(plan).toMatch(/Name: idx_text_norm/);
    expect(plan).toMatch(/tokens: \["budget"\]/);
  });
});

describe('page items', () => {
  it('carry the current text, the edit and the deletion', async () => {
    const items = await fetchMessageItems(ts.store, FIXTURE_TENANT, [
      { conversationId: 'C1', messageId: 'm1' }, { conversationId: 'D1', messageId: 'm5' }, { conversationId: 'C3', messageId: 'm1' },
    ]);
    expect(items.map((i) => [i.conversation_id, i.message_id, i.text, i.edited, i.version_count, i.deleted?.deleted_by ?? null])).toEqual([
      ['C1', 'm1', 'The final budget for Q3 is ready', true, 2, null],
      ['D1', 'm5', 'Here is the release plan, keep it secret', false, 1, 'U3'],
      ['C3', 'm1', 'Other conversation, same message id', false, 1, null],
    ]);
    expect(items[0]!.attachments).toEqual([{ name: 'budget.xlsx', mime: 'application/vnd.ms-excel', size: 2048, sha256: 'b'.repeat(64) }]);
  });
});

describe('getMessageDetail', () => {
  it('returns versions, reactions now and in history, and no thread for a lone message', async () => {
    const d = (await getMessageDetail(ts.store, FIXTURE_TENANT, 'C1', 'm1'))!;
    expect(d.versions.map((v) => [v.kind, v.text])).toEqual([['created', 'The draft budget for Q3 is ready'], ['edited', 'The final budget for Q3 is ready']]);
    expect(d.reactions.history.map((r) => `${r.action}:${r.user_id}:${r.emoji}`)).toEqual(['added:U2:thumbsup', 'removed:U2:thumbsup', 'added:U3:tada']);
    expect(d.reactions.current).toEqual([{ emoji: 'tada', user_id: 'U3', since: '2026-10-01T14:00:00.000Z' }]);
    expect(d.thread).toBeNull();
    expect(d.deletions).toEqual([]);
  });
  it('returns the deletion', async () => {
    const d = (await getMessageDetail(ts.store, FIXTURE_TENANT, 'D1', 'm5'))!;
    expect(d.message.deleted).toEqual({ time: '2026-10-03T13:00:00.000Z', deleted_by: 'U3' });
    expect(d.deletions).toHaveLength(1);
  });
  it('returns the thread (root first) for the root and for a reply', async () => {
    for (const id of ['m2', 'm3']) {
      const d = (await getMessageDetail(ts.store, FIXTURE_TENANT, 'C2', id))!;
      expect(d.thread?.root_message_id).toBe('m2');
      expect(d.thread?.reply_count).toBe(2);
      expect(d.thread?.messages.map((m) => m.message_id)).toEqual(['m2', 'm3', 'm4']);
    }
  });
  it('is undefined for an unknown message or another tenant', async () => {
    expect(await getMessageDetail(ts.store, FIXTURE_TENANT, 'C1', 'nope')).toBeUndefined();
    expect(await getMessageDetail(ts.store, FIXTURE_TENANT, 'C2', 'm1')).toBeUndefined();
    expect((await getMessageDetail(ts.store, OTHER_TENANT, 'C1', 'm1'))!.message.text).toBe('The draft budget of globex');
  });
});

describe('directory', () => {
  it('lists conversations as of now with filters and paging', async () => {
    const all = await listConversations(ts.store, { tenant: FIXTURE_TENANT, limit: 50 });
    expect(all.items.map((c) => [c.conversation_id, c.name, c.archived, c.member_count])).toEqual([['C1', 'general-fr', false, 1], ['C2', 'projet', true, 0]]);
    expect((await listConversations(ts.store, { tenant: FIXTURE_TENANT, archived: true, limit: 50 })).items.map((c) => c.conversation_id)).toEqual(['C2']);
    const p1 = await listConversations(ts.store, { tenant: FIXTURE_TENANT, limit: 1 });
    expect([p1.total, p1.more, p1.items[0]!.conversation_id]).toEqual([2, true, 'C1']);
    const p2 = await listConversations(ts.store, { tenant: FIXTURE_TENANT, limit: 1, afterId: 'C1' });
    expect([p2.more, p2.items[0]!.conversation_id]).toEqual([false, 'C2']);
  });
  it('gives one conversation with members and membership history', async () => {
    const c = (await getConversation(ts.store, FIXTURE_TENANT, 'C1'))!;
    expect(c.members.map((m) => m.user_id)).toEqual(['U1']);
    expect(c.membership_history.map((h) => `${h.action}:${h.user_id}`)).toEqual(['joined:U1', 'joined:U2', 'left:U2']);
    expect(await getConversation(ts.store, FIXTURE_TENANT, 'C404')).toBeUndefined();
  });
  it('lists users as of now and gives one user', async () => {
    const all = await listUsers(ts.store, { tenant: FIXTURE_TENANT, limit: 50 });
    expect(all.items.map((u) => [u.user_id, u.display_name, u.active])).toEqual([['U1', 'Ada Lovelace', true], ['U2', 'Bob', false], ['U3', '', false]]);
    expect((await listUsers(ts.store, { tenant: FIXTURE_TENANT, active: false, limit: 50 })).items.map((u) => u.user_id)).toEqual(['U2', 'U3']);
    expect((await listUsers(ts.store, { tenant: FIXTURE_TENANT, department: 'R&D', limit: 50 })).total).toBe(1);
    const u = (await getUser(ts.store, FIXTURE_TENANT, 'U2'))!;
    expect(u.membership_history.map((h) => `${h.action}:${h.conversation_id}`)).toEqual(['joined:C1', 'left:C1']);
    expect(u.conversations).toEqual([]);
    expect(await getUser(ts.store, OTHER_TENANT, 'U1')).toBeUndefined();
  });
});

describe('admin events', () => {
  it('filters by type (several), user (subject or actor) and time, newest first, exact total, keyset paging', async () => {
    const logins = await searchAdminEvents(ts.store, { tenant: FIXTURE_TENANT, types: ['auth.login', 'auth.failed'], limit: 50 });
    expect(logins.items.map((e) => e.event_id)).toEqual(['a-login2', 'a-login1']);
    expect(logins.items[0]!.data).toMatchObject({ ip: '192.0.2.2', method: 'password' });
    const byU1 = await searchAdminEvents(ts.store, { tenant: FIXTURE_TENANT, user: 'U1', limit: 50 });
    expect(byU1.items.map((e) => e.event_id)).toEqual(['a-u1b', 'a-app', 'a-role', 'a-login1', 'a-j1', 'a-u1']);
    const ranged = await searchAdminEvents(ts.store, { tenant: FIXTURE_TENANT, fromTime: toStoreTime(Date.UTC(2026, 9, 4)), toTime: toStoreTime(Date.UTC(2026, 9, 5)), limit: 50 });
    expect(ranged.items.map((e) => e.event_id)).toEqual(['a-app', 'a-role']);
    const all = await searchAdminEvents(ts.store, { tenant: FIXTURE_TENANT, limit: 50 });
    const seen: string[] = [];
    let after: { time: string; eventId: string } | undefined;
    for (;;) {
      const p = await searchAdminEvents(ts.store, { tenant: FIXTURE_TENANT, limit: 3, after });
      expect(p.total).toBe(all.total);
      seen.push(...p.items.map((e) => e.event_id));
      if (!p.more) break;
      const last = p.items[p.items.length - 1]!;
      after = { time: toStoreTime(Date.parse(last.time)), eventId: last.event_id };
    }
    expect(seen).toEqual(all.items.map((e) => e.event_id));
    expect(all.total).toBe(FIXTURE_EVENTS.filter((e) => e.id.startsWith('a-')).length);
  });
});

describe('word search pages read in time slices', () => {
  // A word with more matches than a page, spread unevenly over two years (a burst in
  // the newest days, a sparse middle, an old cluster), with deleted matches and an
  // edit that adds the word: every page of every size must be the newest matches in
  // order, as sorting all of them says, whatever slices the search reads.
  const tenant = 'slices';
  const day = 86_400_000;
  const newest = Date.UTC(2026, 10, 20, 12);
  const offsets = [
    ...Array.from({ length: 9 }, (_, i) => i * 3_600_000), // burst: the newest 9 hours
    ...Array.from({ length: 6 }, (_, i) => (40 + i * 37) * day), // sparse: every 37 days
    ...Array.from({ length: 8 }, (_, i) => 700 * day + i * 60_000), // old cluster
  ];
  const events = offsets.flatMap((off, i) => {
    const time = new Date(newest - off).toISOString();
    const id = `w${i}`;
    const c = `C${i % 3}`;
    const edited = i % 5 === 4; // created without the word, the edit adds it
    const created = { id: `e-${id}`, type: 'message.created', tenant, time, data: { message_id: id, conversation_id: c, conversation_type: 'channel', author_id: 'U1', text: edited ? 'nothing here yet' : `the zanzibar report ${i}` } };
    const out: Array<{ id: string; type: string; tenant: string; time: string; data: Record<string, unknown> }> = [created];
    if (edited) out.push({ id: `e-${id}-edit`, type: 'message.edited', tenant, time: new Date(newest - off + 1000).toISOString(), data: { message_id: id, conversation_id: c, editor_id: 'U1', text: 'now about zanzibar' } });
    if (i % 7 === 3) out.push({ id: `e-${id}-del`, type: 'message.deleted', tenant, time: new Date(newest - off + 2000).toISOString(), data: { message_id: id, conversation_id: c, deleted_by: 'U1' } });
    return out;
  });
  // Noise without the word, so slices hold other rows too.
  const noise = Array.from({ length: 30 }, (_, i) => ({ id: `e-n${i}`, type: 'message.created', tenant, time: new Date(newest - i * 25 * day).toISOString(), data: { message_id: `n${i}`, conversation_id: 'C9', conversation_type: 'channel', author_id: 'U2', text: 'other words only' } }));

  beforeAll(async () => {
    await loadEvents(ts.store, [...events, ...noise]);
  });

  const expected = (includeDeleted: boolean) => offsets
    .map((off, i) => ({ time: newest - off, key: `C${i % 3}/w${i}`, deleted: i % 7 === 3 }))
    .filter((m) => includeDeleted || !m.deleted)
    .sort((a, b) => b.time - a.time || (b.key < a.key ? -1 : 1))
    .map((m) => m.key);

  it('pages of every size list the newest matches in order, with the exact total', async () => {
    for (const includeDeleted of [true, false]) {
      const want = expected(includeDeleted);
      for (const limit of [1, 2, 4, 7, 10, 50]) {
        const seen: string[] = [];
        let after: MessageSearch['after'];
        for (let guard = 0; guard < 40; guard++) {
          const page = await searchMessages(ts.store, { ...words('all', 'zanzibar'), tenant, includeDeleted, limit, after });
          expect(page.total, `limit ${limit}`).toBe(want.length);
          seen.push(...page.hits.map((h) => `${h.conversation_id}/${h.message_id}`));
          if (!page.more) break;
          const last = page.hits[page.hits.length - 1]!;
          after = { time: last.time, conversationId: last.conversation_id, messageId: last.message_id };
        }
        expect(seen, `limit ${limit}, deleted ${includeDeleted}`).toEqual(want);
      }
    }
  });

  it('a time range bounds the slices', async () => {
    const fromTime = toStoreTime(newest - 300 * day);
    const toTime = toStoreTime(newest - 2 * 3_600_000);
    const want = offsets
      .map((off, i) => ({ time: newest - off, key: `C${i % 3}/w${i}` }))
      .filter((m) => m.time >= newest - 300 * day && m.time < newest - 2 * 3_600_000)
      .sort((a, b) => b.time - a.time)
      .map((m) => m.key);
    const page = await searchMessages(ts.store, { ...words('all', 'zanzibar'), tenant, includeDeleted: true, limit: 3, fromTime, toTime });
    expect(page.total).toBe(want.length);
    expect(page.hits.map((h) => `${h.conversation_id}/${h.message_id}`)).toEqual(want.slice(0, 3));
  });
});
