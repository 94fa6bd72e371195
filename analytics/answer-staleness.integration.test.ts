/**
 * Bounded staleness of analytics answers (analytics/answer-cache.ts) on the real store
 * and API (API tokens, Casbin, audit): while only events are appended, an answer may
 * be used for the window after the data it was computed from, and says so (`as_of`);
 * a retention cut, an erasure and a directory change are in the very next answer,
 * inside the window too. The cache's clock is the test's, so the window is crossed
 * without waiting. Departments A and B of 6 people each; every expected figure is
 * computed here from the generated events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsRoutes } from '../api/routes/analytics.js';
import { APPENDED_TABLES, EXACT_INSERT_TABLES, createAnswerCache, type AnswerCache } from './answer-cache.js';
import { startTestApi, type TestApi } from '../test/helpers/api.js';
import { cloudEvent, type CloudEvent } from '../test/helpers/events.js';
import { writeEvents } from '../test/helpers/store-events.js';

const TENANT = 'stale';
const DAY = '2026-05-04';
const WINDOW_MS = 60_000;
const START = Date.parse('2026-06-01T12:00:00Z');

let api: TestApi;
let admin: string;
let clock = START;
let cache: AnswerCache;
let events: CloudEvent[] = [];
let n = 0;

const ev = (type: string, data: Record<string, unknown>, time: string) => cloudEvent(type, data, { tenant: TENANT, time, id: `e${n++}` });
const people = (d: string) => Array.from({ length: 6 }, (_, i) => `${d}${i}`);
const message = (author: string, minute: number) => ev('message.created', { message_id: `m${n}`, conversation_id: `C-${author[0]}`, conversation_type: 'channel', author_id: author, text: 'hello' }, `${DAY}T10:${String(minute).padStart(2, '0')}:00Z`);

/** The department of each person as the directory says now (moves included). */
const departmentOf = new Map<string, string>();

function setup(): CloudEvent[] {
  const out: CloudEvent[] = [];
  for (const d of ['A', 'B']) {
    for (const p of people(d)) {
      departmentOf.set(p, d);
      out.push(ev('user.created', { user_id: p, email: `${p.toLowerCase()}@stale.test`, display_name: p, department: d }, '2026-05-01T08:00:00Z'));
      out.push(message(p, 10), message(p, 11));
    }
  }
  return out;
}

/** Messages per department, from the events stored up to `upTo` (an index in `events`), less those a test removed. */
function expected(upTo: number, keep: (author: string) => boolean = () => true): Record<string, number> {
  const out: Record<string, number> = { A: 0, B: 0 };
  for (const e of events.slice(0, upTo)) {
    const author = (e.data as { author_id?: string }).author_id;
    if (e.type === 'message.created' && author && keep(author)) out[departmentOf.get(author)!]! += 1;
  }
  return out;
}

async function byDepartment(): Promise<{ values: Record<string, number | null>; asOf: number }> {
  const res = await fetch(`${api.baseUrl}/v1/tenants/${TENANT}/analytics/engagement?metric=messages&period=day&group_by=department&from=${DAY}&to=${DAY}`, { headers: { authorization: `Bearer ${admin}` } });
  const body = await res.json() as { series: Array<{ group: string; values: (number | null)[] }>; as_of: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.as_of).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  return { values: Object.fromEntries(body.series.map((s) => [s.group, s.values[0]!])), asOf: Date.parse(body.as_of) };
}

async function append(e: CloudEvent): Promise<void> {
  events.push(e);
  await writeEvents(api.store, [e]);
}

beforeAll(async () => {
  api = await startTestApi('answer-staleness', {
    routes: (store) => analyticsRoutes(store, 5, (cache = createAnswerCache(store, { maxStalenessMs: WINDOW_MS, now: () => clock }))),
  });
  admin = await api.createToken(TENANT, 'admin');
  events = setup();
  await writeEvents(api.store, events);
}, 120_000);

afterAll(async () => api?.close());

describe('analytics answers with a bounded staleness', () => {
  it('may leave a new event out inside the window, saying how old the answer is, and counts it after the window', async () => {
    const first = await byDepartment();
    expect(first.values).toEqual(expected(events.length));
    expect(first.asOf).toBe(clock);
    const stored = events.length;
    await append(message('A0', 20));
    clock += WINDOW_MS / 2;
    const inside = await byDepartment();
    expect(inside.values, 'the new event is left out inside the window').toEqual(expected(stored));
    expect(inside.asOf, 'the answer says when its data is from').toBe(START);
    clock = START + WINDOW_MS + 1;
    const after = await byDepartment();
    expect(after.values).toEqual(expected(events.length));
    expect(after.values.A).toBe(expected(stored).A! + 1);
    expect(after.asOf).toBe(clock);
  });

  it('reflects an erasure at once, inside the window', async () => {
    await byDepartment();
    await append(message('B1', 21));
    clock += 1000;
    const before = await byDepartment();
    expect(before.values, 'only an event was appended: served from the cache').toEqual(expected(events.length - 1));
    // What erasure issues for the person-day rows (reports/erasure/erase-tables.ts): a mutation, waited for.
    await api.store.command('test: erase', 'ALTER TABLE analytics_person_days DELETE WHERE tenant = {tenant:String} AND user_id = {user:String}', { tenant: TENANT, user: 'B2' }, { mutations_sync: '2' });
    clock += 1000;
    const erased = await byDepartment();
    expect(erased.values).toEqual(expected(events.length, (a) => a !== 'B2'));
    expect(erased.asOf).toBe(clock);
  });

  it('reflects a retention cut at once, inside the window', async () => {
    await byDepartment();
    await append(message('A1', 22));
    clock += 1000;
    expect((await byDepartment()).values.A).toBe(expected(events.length - 1, (a) => a !== 'B2').A);
    // The row path of a retention run over an aggregate table (reports/retention/remove.ts): everything of that day goes.
    await api.store.command('test: retention cut', 'ALTER TABLE analytics_person_days DELETE WHERE tenant = {tenant:String} AND day <= {cut:Date}', { tenant: TENANT, cut: DAY }, { mutations_sync: '2' });
    clock += 1000;
    const cut = await byDepartment();
    // Nothing left to count: no group has rows on the day.
    expect(cut.values).toEqual({});
    expect(cut.asOf).toBe(clock);
  });

  it('reflects a directory change at once, inside the window', async () => {
    // Rebuild the day's rows as ingest would: new messages from everyone, then a move of one person from A to B (A keeps 5, k).
    for (const p of [...people('A'), ...people('B')]) await append(message(p, 30));
    clock += WINDOW_MS + 1;
    const base = await byDepartment();
    expect(base.values).toEqual({ A: 6, B: 6 });
    for (const p of ['A5']) {
      departmentOf.set(p, 'B');
      await append(ev('user.updated', { user_id: p, email: `${p.toLowerCase()}@stale.test`, display_name: p, department: 'B' }, '2026-05-01T09:00:00Z'));
    }
    clock += 1000;
    const moved = await byDepartment();
    expect(moved.values).toEqual({ A: 5, B: 7 });
  });

  it('keeps apart the writes that may be served late from those that may not', async () => {
    const v0 = await cache.version();
    await writeEvents(api.store, [ev('message.created', { message_id: 'late', conversation_id: 'C-A', conversation_type: 'channel', author_id: 'A0', text: 'x' }, `${DAY}T11:00:00Z`)]);
    const v1 = await cache.version();
    expect(v1.full).not.toBe(v0.full);
    expect(v1.exact, 'events appended through ingest move only the full version').toBe(v0.exact);
    await api.store.insert('test: restriction', 'restricted_records', [{ tenant: TENANT, conversation_id: 'C-A', record_id: 'x', family: 'messages', hold_id: 'h', request_id: 'r' }]);
    expect((await cache.version()).exact, 'a restriction is never served stale').not.toBe(v1.exact);
    // Every table a materialized view reads is classified: appended events, or a change seen at once.
    const sources = await api.store.query<{ name: string }>('test: view sources', `
      SELECT name FROM system.tables WHERE database = currentDatabase() AND length(dependencies_table) > 0 AND engine != 'MaterializedView'`);
    expect(sources.length).toBeGreaterThan(3);
    for (const { name } of sources) expect(APPENDED_TABLES.has(name) || EXACT_INSERT_TABLES.has(name), name).toBe(true);
  });
});
