/**
 * The analytics answer cache (analytics/answer-cache.ts) on the real store and API
 * (API tokens, Casbin, audit): a cached answer is never stale and never crosses
 * scopes. A small generated company: departments A and B of 7 people each, C of 2
 * (under the floor) and D of 5, each with its lead; every expected figure is computed here from
 * the generated events. The data changes the way ingest, retention and erasure change
 * it: an event through ingest's writer, a row-path retention cut of the aggregate
 * rows (ALTER ... DELETE waited for, as reports/retention/remove.ts issues it) and the
 * deletion of a person's rows (as reports/erasure/erase-tables.ts issues it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsRoutes } from '../api/routes/analytics.js';
import { SIDE_EFFECT_TABLES } from '../common/store/store.js';
import { createAnswerCache, type AnswerCache } from './answer-cache.js';
import { startTestApi, type TestApi } from '../test/helpers/api.js';
import { cloudEvent, type CloudEvent } from '../test/helpers/events.js';
import { writeEvents } from '../test/helpers/store-events.js';

const TENANT = 'cachey';
const DAYS = ['2026-05-04', '2026-05-05', '2026-05-06'];
/** C is under k = 5; D, the smallest shown, is hidden beside it so that the total cannot give C away. */
const DEPTS: Record<string, number> = { A: 7, B: 7, C: 2, D: 5 };

let api: TestApi;
let admin: string;
let computed = 0;
let events: CloudEvent[] = [];
let n = 0;

const ev = (type: string, data: Record<string, unknown>, time: string) => cloudEvent(type, data, { tenant: TENANT, time, id: `e${n++}` });
const people = (d: string) => Array.from({ length: DEPTS[d]! }, (_, i) => `${d}${i}`);

function directory(): CloudEvent[] {
  const out: CloudEvent[] = [ev('user.created', { user_id: 'BOSS', email: 'boss@cachey.test', display_name: 'Boss' }, '2026-05-01T08:00:00Z')];
  for (const d of Object.keys(DEPTS)) {
    out.push(ev('user.created', { user_id: `${d}lead`, email: `${d.toLowerCase()}.lead@cachey.test`, display_name: `${d} lead`, department: 'Leads', manager_id: 'BOSS' }, '2026-05-01T08:00:00Z'));
    for (const p of people(d)) out.push(ev('user.created', { user_id: p, email: `${p.toLowerCase()}@cachey.test`, display_name: p, department: d, manager_id: `${d}lead` }, '2026-05-01T08:00:00Z'));
  }
  return out;
}

/** Person i of each department posts i+1 messages a day in its department's channel. */
function activity(): CloudEvent[] {
  const out: CloudEvent[] = [];
  for (const day of DAYS) {
    for (const d of Object.keys(DEPTS)) {
      people(d).forEach((p, i) => {
        for (let m = 0; m <= i; m++) out.push(message(p, d, `${day}T10:${String(10 + m).padStart(2, '0')}:00Z`));
      });
    }
  }
  return out;
}

function message(author: string, dept: string, time: string): CloudEvent {
  return ev('message.created', { message_id: `m${n}`, conversation_id: `C-${dept}`, conversation_type: 'channel', author_id: author, text: 'status update' }, time);
}

/** Messages per department and day, computed from the events stored so far (minus what a test removed). */
function expectedMessages(keep: (e: CloudEvent) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events.filter((x) => x.type === 'message.created' && keep(x))) {
    const d = e.data as { author_id: string };
    const key = `${d.author_id.replace(/\d+$/, '')}|${e.time.slice(0, 10)}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

async function get(path: string, token = admin): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${api.baseUrl}/v1/tenants/${TENANT}/analytics${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

const BY_DEPT = `/engagement?metric=messages&period=day&group_by=department&from=${DAYS[0]}&to=${DAYS[2]}`;

async function byDepartment(token = admin) {
  const r = await get(BY_DEPT, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { as_of: string; periods: string[]; series: Array<{ group: string; values: (number | null)[] }>; suppressed: Array<{ period: string; group: string; reason: string }>; departments: unknown };
}

/** The shown value of A and B per day, as the answer gives them. */
function shown(answer: Awaited<ReturnType<typeof byDepartment>>, dept: string): (number | null)[] | undefined {
  return answer.series.find((s) => s.group === dept)?.values;
}

const expectedValues = (m: Map<string, number>, dept: string) => DAYS.map((day) => m.get(`${dept}|${day}`) ?? 0);

beforeAll(async () => {
  // The app's analytics routes with a cache that counts what it computes, so a test can tell a hit from a miss.
  api = await startTestApi('answer-cache', {
    routes: (store) => {
      const real = createAnswerCache(store);
      const counting: AnswerCache = {
        version: () => real.version(),
        answer: (version, key, compute) => real.answer(version, key, () => {
          if (!String(key[0]).startsWith('scope')) computed++;
          return compute();
        }),
      };
      return analyticsRoutes(store, 5, counting);
    },
  });
  admin = await api.createToken(TENANT, 'admin');
  events = [...directory(), ...activity()];
  await writeEvents(api.store, events);
}, 120_000);

afterAll(async () => api?.close());

describe('analytics answer cache', () => {
  it('answers a repeated request from the cache, exactly as computed, and the floor still hides the small department', async () => {
    const before = computed;
    const first = await byDepartment();
    const second = await byDepartment();
    expect(computed - before, 'the second request is a hit').toBe(1);
    // The same answer; a hit with nothing written since is exact now, and says so.
    const { as_of: firstAsOf, ...firstRest } = first;
    const { as_of: secondAsOf, ...secondRest } = second;
    expect(secondRest).toEqual(firstRest);
    expect(Date.parse(secondAsOf)).toBeGreaterThanOrEqual(Date.parse(firstAsOf));
    const m = expectedMessages();
    for (const d of ['A', 'B']) expect(shown(second, d), d).toEqual(expectedValues(m, d));
    // C (2 people) is under k = 5 on every day: hidden, its values null, in the cached answer too.
    expect(shown(second, 'C')).toEqual([null, null, null]);
    expect(second.suppressed.filter((s) => s.group === 'C').map((s) => s.reason)).toEqual(DAYS.map(() => 'fewer_than_k_people'));
    expect(shown(second, 'D')).toEqual([null, null, null]);
    expect(second.suppressed.filter((s) => s.group === 'D').map((s) => s.reason)).toEqual(DAYS.map(() => 'difference_with_shown_groups'));
    expect(JSON.stringify(second)).not.toMatch(/"[A-D]\d"|@/);
  });

  it('does not count writes to the side-effect tables, which no materialized view reads', async () => {
    const views = await api.store.query<{ name: string; q: string }>('test: views', "SELECT name, create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView'");
    expect(views.length).toBeGreaterThan(5);
    for (const v of views) for (const t of SIDE_EFFECT_TABLES) expect(v.q, v.name).not.toMatch(new RegExp(`\\b(FROM|JOIN)\\s+(\\S+\\.)?\`?${t}\\b`, 'i'));
    const before = api.store.writeGeneration();
    await api.store.insert('test: audit-like', 'audit_subjects', [{ subject_ref: 'x', subject: 'x', name: 'x', kind: 'x' }]);
    expect(api.store.writeGeneration()).toBe(before);
    await writeEvents(api.store, [ev('user.created', { user_id: 'LATE', email: 'late@cachey.test', display_name: 'Late' }, '2026-05-01T09:00:00Z')]);
    expect(api.store.writeGeneration()).toBeGreaterThan(before!);
  });

  it('answers a new event at once: the insert changes the data version', async () => {
    await byDepartment();
    const before = computed;
    const late = message('A3', 'A', `${DAYS[1]}T15:00:00Z`);
    events.push(late);
    await writeEvents(api.store, [late]);
    const answer = await byDepartment();
    expect(computed - before).toBe(1);
    expect(shown(answer, 'A')).toEqual(expectedValues(expectedMessages(), 'A'));
  });

  it('never shares an entry between two callers with different scopes', async () => {
    const a = await api.createToken(TENANT, 'manager', 'a.lead@cachey.test');
    const b = await api.createToken(TENANT, 'manager', 'b.lead@cachey.test');
    const m = expectedMessages();
    for (let round = 0; round < 2; round++) {
      const forA = await byDepartment(a);
      const forB = await byDepartment(b);
      expect(forA.departments).toEqual(['A']);
      expect(forB.departments).toEqual(['B']);
      expect(forA.series.map((s) => s.group)).toEqual(['A']);
      expect(forB.series.map((s) => s.group)).toEqual(['B']);
      expect(shown(forA, 'A')).toEqual(expectedValues(m, 'A'));
      expect(shown(forB, 'B')).toEqual(expectedValues(m, 'B'));
      // The summary too: each manager's total is their own department's.
      const sa = (await get(`/engagement/summary?from=${DAYS[0]}&to=${DAYS[2]}`, a)).body;
      const sb = (await get(`/engagement/summary?from=${DAYS[0]}&to=${DAYS[2]}`, b)).body;
      expect(sa.figures.messages).toBe(expectedValues(m, 'A').reduce((s, v) => s + v, 0));
      expect(sb.figures.messages).toBe(expectedValues(m, 'B').reduce((s, v) => s + v, 0));
    }
    // A manager nobody reports to shares no entry with anyone: an empty scope, no figures.
    const nobody = await byDepartment(await api.createToken(TENANT, 'manager', 'boss2@cachey.test'));
    expect(nobody.departments).toEqual([]);
    expect(nobody.series).toEqual([]);
  });

  it('answers a retention cut at once: the aggregate rows before the cut-off are gone from the next answer', async () => {
    await byDepartment();
    // The row path of a retention run over an aggregate table (reports/retention/remove.ts): a mutation waited for.
    for (const table of ['analytics_person_days', 'analytics_conversation_days']) {
      await api.store.command('test: retention cut', `ALTER TABLE ${table} DELETE WHERE tenant = {tenant:String} AND day < {cut:Date}`, { tenant: TENANT, cut: DAYS[1] }, { mutations_sync: '2' });
    }
    const answer = await byDepartment();
    const m = expectedMessages((e) => e.time.slice(0, 10) >= DAYS[1]!);
    for (const d of ['A', 'B']) expect(shown(answer, d), d).toEqual(expectedValues(m, d));
    expect(shown(answer, 'A')![0]).toBe(0);
  });

  it('answers an erasure at once: the erased person\'s rows are gone from the next answer', async () => {
    await byDepartment();
    // What erasure issues for a delete-rows analytics table (reports/erasure/erase-tables.ts): one mutation, waited for.
    await api.store.command('test: erase', 'ALTER TABLE analytics_person_days DELETE WHERE tenant = {tenant:String} AND user_id = {user:String}', { tenant: TENANT, user: 'B6' }, { mutations_sync: '2' });
    const answer = await byDepartment();
    const m = expectedMessages((e) => e.time.slice(0, 10) >= DAYS[1]! && (e.data as { author_id: string }).author_id !== 'B6');
    expect(shown(answer, 'B')).toEqual(expectedValues(m, 'B'));
    // Six people left in B: still over k, still shown.
    expect(shown(answer, 'B')!.slice(1).every((v) => v !== null && v > 0)).toBe(true);
  });
});
