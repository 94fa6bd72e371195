/**
 * Search totals kept while the archive is unchanged (common/queries/totals-cache.ts),
 * through the real API (token, Casbin, audit) on a real embedded store: a repeated or
 * paged search is answered without counting again, and any write changes the next
 * total at once: a new event through ingest's writer, an erasure's restriction under
 * a hold (the INSERT reports/erasure/restriction.ts issues), a retention cut (the
 * ALTER ... DELETE waited for that reports/retention/remove.ts issues). Two callers
 * whose restriction context differs (a hold's case or not) never share a total.
 * Expected totals are computed here from the generated events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../common/store/store.js';
import { apiRoutes } from './index.js';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { writeEvents } from '../../test/helpers/store-events.js';
import { cloudEvent, type CloudEvent } from '../../test/helpers/events.js';

const TENANT = 'totals';
const HOLD = 'hold_totals0001';

let api: TestApi;
let token: string;
/** Store queries that count a total, by operation name (the cache's misses). */
let counts = 0;
/** Every store query of the search route, by operation name. */
const ops = new Map<string, number>();
let events: CloudEvent[] = [];
let n = 0;

const message = (text: string, time: string, author = 'U1'): CloudEvent =>
  cloudEvent('message.created', { message_id: `m${n}`, conversation_id: `C${n % 3}`, conversation_type: 'channel', author_id: author, text }, { tenant: TENANT, time, id: `e${n++}` });

/** 40 messages in September and 40 in October 2026; every other one says "budget". */
function generated(): CloudEvent[] {
  const out: CloudEvent[] = [];
  for (const month of ['09', '10']) {
    for (let i = 0; i < 40; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      out.push(message(i % 2 === 0 ? `budget review ${i}` : `status note ${i}`, `2026-${month}-${day}T10:${String(i).padStart(2, '0')}:00Z`, i % 4 === 0 ? 'U2' : 'U1'));
    }
  }
  return out;
}

const live = (keep: (e: CloudEvent) => boolean) => events.filter((e) => e.type === 'message.created' && keep(e));
/** A message added after the first fill (kept in `events`, so the expectations see it). */
function late(text: string): CloudEvent {
  const e = message(text, '2026-10-29T12:00:00Z');
  events.push(e);
  return e;
}
const says = (w: string) => (e: CloudEvent) => String((e.data as { text: string }).text).split(' ').includes(w);

/** Counts the queries that compute a total, so a test can tell a cached total from a counted one. */
function counting(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (operation: string, ...rest: unknown[]) => {
          if (/ total$/.test(operation)) counts++;
          ops.set(operation, (ops.get(operation) ?? 0) + 1);
          return (target.query as (...a: unknown[]) => Promise<unknown[]>)(operation, ...rest);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

async function total(q: string, extra = ''): Promise<{ total: number; counted: number; next: string | null }> {
  const before = counts;
  const res = await fetch(`${api.baseUrl}/v1/tenants/${TENANT}/messages?q=${encodeURIComponent(q)}&limit=5${extra}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.json() as { total: number; next_cursor: string | null };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return { total: body.total, counted: counts - before, next: body.next_cursor };
}

beforeAll(async () => {
  api = await startTestApi('search-totals-cache', { routes: (store) => apiRoutes({ store: counting(store), cursorSecret: 'k' }) });
  token = await api.createToken(TENANT, 'compliance_officer');
  events = generated();
  await writeEvents(api.store, events);
}, 120_000);

afterAll(async () => api?.close());

describe('search totals cached while the archive is unchanged', () => {
  it('counts a total once for a repeated search and its next pages, exactly', async () => {
    const want = live(says('budget')).length;
    const first = await total('budget');
    expect(first).toMatchObject({ total: want, counted: 1 });
    expect(await total('budget')).toMatchObject({ total: want, counted: 0 });
    const page2 = await total('budget', `&cursor=${encodeURIComponent(first.next!)}`);
    expect(page2).toMatchObject({ total: want, counted: 0 });
    // A filter-only search (modifiers under OR) is cached the same way.
    const wantMix = live((e) => says('budget')(e) || (e.data as { author_id: string }).author_id === 'U2').length;
    expect(await total('budget OR from:U2')).toMatchObject({ total: wantMix, counted: 1 });
    expect(await total('budget OR from:U2')).toMatchObject({ total: wantMix, counted: 0 });
  });

  it('keeps the look-ups before a count too (matching edits and restricted keys, prefix words, names), and repeats them after a write', async () => {
    const looked = ['messages: matching edits and restricted keys', 'search: expand prefix', 'search: resolve people'];
    const snapshot = () => looked.map((o) => ops.get(o) ?? 0);
    const q = 'review budg* (revi* OR from:U2)';
    const first = await total(q);
    const s1 = snapshot();
    const again = await total(q);
    expect(again).toMatchObject({ total: first.total, counted: 0 });
    expect(snapshot()).toEqual(s1);
    await writeEvents(api.store, [late('budgeting review late')]);
    const after = await total(q);
    expect(after).toMatchObject({ total: first.total + 1, counted: 1 });
    expect(snapshot().every((x, i) => x > s1[i]!)).toBe(true);
  });

  it('a new event changes the next total at once', async () => {
    await total('budget');
    const late = message('late budget item', '2026-10-30T12:00:00Z');
    events.push(late);
    await writeEvents(api.store, [late]);
    expect(await total('budget')).toMatchObject({ total: live(says('budget')).length, counted: 1 });
  });

  it('an erasure restriction changes the next total at once, and the hold\'s case keeps its own total', async () => {
    const restricted = live(says('budget')).slice(0, 3).map((e) => e.data as { conversation_id: string; message_id: string });
    await total('budget');
    await total('budget', `&hold=${HOLD}`);
    await api.store.command('test: restrict held records',
      `INSERT INTO restricted_records (tenant, conversation_id, record_id, family, hold_id, request_id)
       SELECT {tenant:String}, k.1, k.2, 'messages', {hold:String}, 'req_totals' FROM (SELECT arrayJoin(arrayZip({cs:Array(String)}, {ms:Array(String)})) AS k)`,
      { tenant: TENANT, hold: HOLD, cs: restricted.map((r) => r.conversation_id), ms: restricted.map((r) => r.message_id) });
    const all = live(says('budget')).length;
    expect(await total('budget')).toMatchObject({ total: all - restricted.length, counted: 1 });
    expect(await total('budget', `&hold=${HOLD}`)).toMatchObject({ total: all, counted: 1 });
    // Both are cached now, apart: the same query in two restriction contexts.
    expect(await total('budget')).toMatchObject({ total: all - restricted.length, counted: 0 });
    expect(await total('budget', `&hold=${HOLD}`)).toMatchObject({ total: all, counted: 0 });
    await api.store.command('test: release the restriction', 'DELETE FROM restricted_records WHERE tenant = {tenant:String}', { tenant: TENANT });
    expect(await total('budget')).toMatchObject({ total: all, counted: 1 });
  });

  it('a retention cut changes the next total at once', async () => {
    const cut = '2026-10-01 00:00:00.000';
    const kept = live((e) => says('budget')(e) && e.time >= '2026-10-01');
    expect(kept.length).toBeLessThan(live(says('budget')).length);
    await total('budget');
    expect((await total('budget')).counted).toBe(0);
    for (const table of ['message_versions', 'message_author_keys']) {
      await api.store.command('test: retention delete rows', `ALTER TABLE ${table} DELETE WHERE tenant = {tenant:String} AND time < {cut:DateTime64(3, 'UTC')}`, { tenant: TENANT, cut }, { mutations_sync: '2' });
    }
    events = events.filter((e) => e.type !== 'message.created' || e.time >= '2026-10-01');
    expect(await total('budget')).toMatchObject({ total: kept.length, counted: 1 });
  });
});
