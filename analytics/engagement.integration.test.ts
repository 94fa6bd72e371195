/**
 * Engagement analytics end to end on the real store and API (API tokens, Casbin,
 * audit): a generated company in Europe/Paris across the DST switch
 * (test/helpers/engagement-archive.ts). Every expected figure is computed in this
 * file from the generated events (test/helpers/engagement-expectations.ts) and
 * compared exactly with the API's answers, live (views filled as events are
 * stored) and after `metrics-backfill` rebuilt the tables from the archive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { JobRunner } from '../reports/jobs/job-runner.js';
import { validateEvent } from '../common/events/validate.js';
import { toRow } from '../common/events/rows.js';
import { createEventWriter } from '../ingest/event-writer.js';
import { startTestApi, type TestApi } from '../test/helpers/api.js';
import type { CloudEvent } from '../test/helpers/events.js';
import { engagementArchive, FIRST_DAY, LAST_DAY, PARIS, daysBetween, type EngagementArchive } from '../test/helpers/engagement-archive.js';
import {
  activityFacts, departmentOn, expectSeries, localDate, percentileInc, periodsOf, type Ctx, type ExpectedSeries, type Fact, type PeriodKind, type Row,
} from '../test/helpers/engagement-expectations.js';

const TENANT = 'paris';
const K = 5;
let api: TestApi;
let archive: EngagementArchive;
let admin: string;
const ctx: Ctx = { zone: PARIS, workStart: 9 * 60, workEnd: 18 * 60, weekend: [6, 7], k: K };
const days = daysBetween(FIRST_DAY, LAST_DAY);
let facts: Fact[];
let deptOn: (user: string, day: string) => string;

async function store(events: CloudEvent[], batch = 400): Promise<void> {
  const writer = createEventWriter(api.store);
  for (let i = 0; i < events.length; i += batch) {
    const rows = events.slice(i, i + batch).map((e) => {
      const v = validateEvent(e);
      if (!v.ok) throw new Error(`${v.reason}: ${v.detail}`);
      return toRow(v, 'test');
    });
    await writer.write(rows);
  }
}

async function get(path: string, token = admin): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const url = `${api.baseUrl}/v1/tenants/${TENANT}${path}`;
  const headers = { authorization: `Bearer ${token}` };
  // A kept-alive socket the server closes (5 s idle) just as a request goes out resets it: on a loaded
  // machine a token creation between requests takes that long. A GET is safe to send again.
  const res = await fetch(url, { headers }).catch((err: { cause?: { code?: string } }) => {
    if (err.cause?.code !== 'ECONNRESET') throw err;
    return fetch(url, { headers });
  });
  return { status: res.status, body: await res.json() };
}

async function engagement(q: Record<string, string>, token = admin) {
  const r = await get(`/analytics/engagement?${new URLSearchParams({ from: FIRST_DAY, to: LAST_DAY, ...q })}`, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const sortSuppressed = (s: ExpectedSeries['suppressed']) => [...s].sort((a, b) => `${a.period}${a.reason}${a.group}`.localeCompare(`${b.period}${b.reason}${b.group}`));
function same(answer: any, expected: ExpectedSeries): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(answer.periods).toEqual(expected.periods);
  expect(answer.series).toEqual(expected.series);
  expect(sortSuppressed(answer.suppressed)).toEqual(sortSuppressed(expected.suppressed));
}

const time = (e: CloudEvent) => Date.parse(e.time);
const data = (e: CloudEvent) => e.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Person-day rows of the facts (one per person per day, like the store's), grouped by department or not. */
function personRows(scope?: string[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const f of facts) {
    const key = `${f.day}|${f.user}`;
    const r = byKey.get(key) ?? { day: f.day, user: f.user, group: deptOn(f.user, f.day), covers: true, messages: 0, after: 0, reactions: 0, mentions: 0, replies: 0 };
    if (f.kind === 'message') {
      r.messages = (r.messages as number) + 1;
      r.after = (r.after as number) + (f.afterHours ? 1 : 0);
      r.mentions = (r.mentions as number) + f.mentions!;
      r.replies = (r.replies as number) + (f.reply ? 1 : 0);
    }
    if (f.kind === 'reaction') r.reactions = (r.reactions as number) + 1;
    byKey.set(key, r);
  }
  return [...byKey.values()].filter((r) => !scope || scope.includes(r.group));
}

const sum = (rows: Row[], c: string) => rows.reduce((s, r) => s + (r[c] as number), 0);
const distinct = (rows: Row[]) => new Set(rows.map((r) => r.user)).size;
const covering = (rows: Row[], c: string) => rows.map((r) => ({ ...r, covers: (r[c] as number) > 0 }));

function threadRows(): Row[] {
  const msgs = archive.activity.filter((e) => e.type === 'message.created');
  const roots = new Map<string, CloudEvent>();
  for (const e of msgs) if (!data(e).thread_id) roots.set(`${data(e).conversation_id}|${data(e).message_id}`, e);
  const first = new Map<string, number>();
  for (const e of msgs) {
    const x = data(e);
    const root = x.thread_id ? roots.get(`${x.conversation_id}|${x.thread_id}`) : undefined;
    if (!root || data(root).author_id === x.author_id) continue;
    const key = `${x.conversation_id}|${x.thread_id}`;
    first.set(key, Math.min(first.get(key) ?? Infinity, time(e)));
  }
  return [...first].map(([key, at]) => {
    const root = roots.get(key)!;
    const day = localDate(PARIS, time(root));
    return { day, user: data(root).author_id, group: deptOn(data(root).author_id, day), covers: true, type: data(root).conversation_type, conversation: data(root).conversation_id, ms: at - time(root) };
  });
}

function dmRows(): Row[] {
  const firsts = new Map<string, Map<string, number>>();
  for (const e of archive.activity) {
    const x = data(e);
    if (e.type !== 'message.created' || x.conversation_type !== 'dm') continue;
    const key = `${x.conversation_id}|${localDate(PARIS, time(e))}`;
    const m = firsts.get(key) ?? new Map<string, number>();
    m.set(x.author_id, Math.min(m.get(x.author_id) ?? Infinity, time(e)));
    firsts.set(key, m);
  }
  const rows: Row[] = [];
  for (const [key, m] of firsts) {
    if (m.size < 2) continue;
    const sorted = [...m].sort((a, b) => a[1] - b[1]);
    const day = key.split('|')[1]!;
    rows.push({ day, user: sorted[0]![0], group: deptOn(sorted[0]![0], day), covers: true, ms: sorted[1]![1] - sorted[0]![1] });
  }
  return rows;
}

function callRows(): Row[] {
  const kinds = new Map(archive.activity.filter((e) => e.type === 'call.started').map((e) => [data(e).call_id, data(e).kind]));
  const rows: Row[] = [];
  for (const e of archive.activity.filter((x) => x.type === 'call.ended')) {
    const x = data(e);
    const day = localDate(PARIS, time(e) - x.duration_s * 1000);
    for (const u of x.participants) rows.push({ day, user: u, group: deptOn(u, day), covers: true, call: x.call_id, duration: x.duration_s, kind: kinds.get(x.call_id) });
  }
  return rows;
}

function appRows(): Row[] {
  return facts.filter((f) => f.kind === 'app').map((f) => ({ day: f.day, user: f.user, group: f.app!, covers: true, n: 1 }));
}

const q = (rows: Row[], level: number) => (rows.length ? percentileInc(rows.map((r) => r.ms as number), level) / 1000 : null);
const callSet = (rows: Row[]) => [...new Map(rows.map((r) => [r.call as string, r.duration as number])).values()];

/** What each checked query must answer, computed from the events. */
function expectations(scope?: string[]): Array<{ query: Record<string, string>; expected: ExpectedSeries }> {
  const out: Array<{ query: Record<string, string>; expected: ExpectedSeries }> = [];
  const add = (query: Record<string, string>, rows: Row[], value: (rows: Row[]) => number | null, emptyValue: number | null, unnamed?: (g: string) => boolean) => {
    const period = (query.period ?? 'week') as PeriodKind;
    const grouped = (query.group_by ?? 'none') !== 'none';
    const inScope = scope ? rows.filter((r) => scope.includes(deptOn(r.user, r.day))) : rows;
    out.push({ query, expected: expectSeries(inScope, { days, period, grouped, k: K, emptyValue, value, ...(unnamed ? { unnamed } : {}) }) });
  };
  const persons = personRows();
  for (const period of ['day', 'week', 'month']) {
    add({ metric: 'active_people', period }, persons, distinct, 0);
    add({ metric: 'active_people', period, group_by: 'department' }, persons, distinct, 0);
  }
  add({ metric: 'messages', period: 'day', group_by: 'department' }, covering(persons, 'messages'), (rs) => sum(rs, 'messages'), 0);
  add({ metric: 'messages', period: 'week' }, covering(persons, 'messages'), (rs) => sum(rs, 'messages'), 0);
  add({ metric: 'reactions', period: 'week' }, covering(persons, 'reactions'), (rs) => sum(rs, 'reactions'), 0);
  add({ metric: 'mentions', period: 'day', group_by: 'department' }, covering(persons, 'mentions'), (rs) => sum(rs, 'mentions'), 0);
  add({ metric: 'mentions', period: 'month', group_by: 'department' }, covering(persons, 'mentions'), (rs) => sum(rs, 'mentions'), 0);
  add({ metric: 'thread_replies', period: 'week' }, covering(persons, 'replies'), (rs) => sum(rs, 'replies'), 0);
  add({ metric: 'after_hours_share', period: 'week' }, covering(persons, 'messages'), (rs) => sum(rs, 'after') / sum(rs, 'messages'), null);
  add({ metric: 'after_hours_share', period: 'month', group_by: 'department' }, covering(persons, 'messages'), (rs) => sum(rs, 'after') / sum(rs, 'messages'), null);
  // Per conversation type and per conversation: a person's messages in each.
  const byType = new Map<string, Row>();
  const byConversation = new Map<string, Row>();
  for (const f of facts.filter((x) => x.kind === 'message')) {
    const t = byType.get(`${f.day}|${f.user}|${f.conversationType}`) ?? { day: f.day, user: f.user, group: f.conversationType!, covers: true, messages: 0 };
    t.messages = (t.messages as number) + 1;
    byType.set(`${f.day}|${f.user}|${f.conversationType}`, t);
    const c = byConversation.get(`${f.day}|${f.user}|${f.conversation}`) ?? { day: f.day, user: f.user, group: f.conversation!, covers: true, messages: 0 };
    c.messages = (c.messages as number) + 1;
    byConversation.set(`${f.day}|${f.user}|${f.conversation}`, c);
  }
  add({ metric: 'messages', period: 'week', group_by: 'conversation_type' }, [...byType.values()], (rs) => sum(rs, 'messages'), 0);
  const members = new Map<string, number>();
  for (const e of archive.admin.filter((x) => x.type === 'member.joined')) members.set(data(e).conversation_id, (members.get(data(e).conversation_id) ?? 0) + 1);
  add({ metric: 'messages', period: 'week', group_by: 'conversation' }, [...byConversation.values()], (rs) => sum(rs, 'messages'), 0, (g) => (members.get(g) ?? 0) < K);
  add({ metric: 'active_conversations', period: 'week' }, [...byConversation.values()], (rs) => new Set(rs.map((r) => r.group)).size, 0);
  const threads = threadRows();
  add({ metric: 'thread_reply_p50', period: 'week' }, threads, (rs) => q(rs, 0.5), null);
  add({ metric: 'thread_reply_p90', period: 'month' }, threads, (rs) => q(rs, 0.9), null);
  add({ metric: 'thread_reply_p50', period: 'month', group_by: 'conversation_type' }, threads.map((r) => ({ ...r, group: r.type as string })), (rs) => q(rs, 0.5), null);
  add({ metric: 'thread_reply_p50', period: 'month', group_by: 'department' }, threads, (rs) => q(rs, 0.5), null);
  const dms = dmRows();
  add({ metric: 'dm_reply_p50', period: 'month' }, dms, (rs) => q(rs, 0.5), null);
  add({ metric: 'dm_reply_p90', period: 'month' }, dms, (rs) => q(rs, 0.9), null);
  const calls = callRows();
  add({ metric: 'calls', period: 'week' }, calls, (rs) => new Set(rs.map((r) => r.call)).size, 0);
  add({ metric: 'call_seconds', period: 'week' }, calls, (rs) => callSet(rs).reduce((a, b) => a + b, 0), 0);
  add({ metric: 'call_duration_p50', period: 'week' }, calls, (rs) => percentileInc(callSet(rs), 0.5), null);
  add({ metric: 'call_participants', period: 'week', group_by: 'department' }, calls, distinct, 0);
  add({ metric: 'calls', period: 'month', group_by: 'call_kind' }, calls.map((r) => ({ ...r, group: r.kind as string })), (rs) => new Set(rs.map((r) => r.call)).size, 0);
  const apps = appRows();
  add({ metric: 'app_invocations', period: 'week', group_by: 'app' }, apps, (rs) => rs.length, 0);
  add({ metric: 'app_users', period: 'week', group_by: 'app' }, apps, distinct, 0);
  add({ metric: 'app_invocations', period: 'month', group_by: 'department' }, apps.map((r) => ({ ...r, group: deptOn(r.user, r.day) })), (rs) => rs.length, 0);
  return out;
}

/** The summary's figures over the whole range, from the events, before the floor (people beside each). */
function expectedSummary(): Record<string, number | null> {
  const inRange = (r: Row) => r.day >= FIRST_DAY && r.day <= LAST_DAY;
  const persons = personRows().filter(inRange);
  const threads = threadRows().filter(inRange);
  const dms = dmRows().filter(inRange);
  const calls = callRows().filter(inRange);
  const apps = appRows().filter(inRange);
  const messages = sum(persons, 'messages');
  const conversations = facts.filter((f) => f.kind === 'message' && f.day >= FIRST_DAY && f.day <= LAST_DAY);
  const mau = new Set(persons.map((r) => `${r.day.slice(0, 7)}|${r.user}`)).size / 2;
  const dau = persons.length / days.length;
  const byType = (t: string) => conversations.filter((f) => f.conversationType === t).length / messages;
  return {
    active_people: distinct(persons), messages, thread_replies: sum(persons, 'replies'), reactions: sum(persons, 'reactions'), mentions: sum(persons, 'mentions'),
    after_hours_share: sum(persons, 'after') / messages,
    active_conversations: new Set(conversations.map((f) => f.conversation)).size,
    thread_reply_p50: q(threads, 0.5), thread_reply_p90: q(threads, 0.9), dm_reply_p50: q(dms, 0.5), dm_reply_p90: q(dms, 0.9),
    calls: new Set(calls.map((r) => r.call)).size, call_seconds: callSet(calls).reduce((a, b) => a + b, 0), call_duration_p50: percentileInc(callSet(calls), 0.5),
    call_participants: distinct(calls), app_invocations: apps.length, app_users: distinct(apps),
    dau, wau: new Set(persons.map((r) => `${periodsOf([r.day], 'week')[0]}|${r.user}`)).size / 2, mau, stickiness: dau / mau,
    // group DMs have 3 people: hidden, and so is the smallest other type (private: 6 people), or it would give them away.
    channel_share: byType('channel'), private_share: null, dm_share: byType('dm'), group_dm_share: null,
  };
}

/** Every answer without its as_of (the time it was computed at, which a rebuild moves). */
async function answers(token = admin): Promise<unknown[]> {
  const out: Array<{ as_of: string }> = [];
  for (const { query } of expectations()) out.push(await engagement(query, token));
  out.push((await get(`/analytics/engagement/summary?from=${FIRST_DAY}&to=${LAST_DAY}`, token)).body);
  return out.map(({ as_of: _asOf, ...rest }) => rest);
}

const TABLE_DUMPS: Record<string, string> = {
  analytics_person_days: 'SELECT * FROM analytics_person_days FINAL WHERE tenant = {t:String} ORDER BY ALL',
  analytics_conversation_days: 'SELECT * FROM analytics_conversation_days FINAL WHERE tenant = {t:String} ORDER BY ALL',
  analytics_threads: 'SELECT * FROM analytics_threads FINAL WHERE tenant = {t:String} ORDER BY ALL',
  analytics_calls: 'SELECT * EXCEPT participants, arraySort(participants) AS people FROM analytics_calls FINAL WHERE tenant = {t:String} ORDER BY ALL',
  analytics_app_days: 'SELECT * FROM analytics_app_days FINAL WHERE tenant = {t:String} ORDER BY ALL',
  analytics_departments: 'SELECT * FROM analytics_departments FINAL WHERE tenant = {t:String} ORDER BY ALL',
  analytics_thread_roots: 'SELECT * FROM analytics_thread_roots WHERE startsWith(key, concat({t:String}, \':\')) ORDER BY key',
};

async function dumpTables(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, sql] of Object.entries(TABLE_DUMPS)) out[table] = await api.store.query(`test: dump ${table}`, sql, { t: TENANT });
  return out;
}

async function runJob(kind: string, params: Record<string, unknown>) {
  const runner = api.jobs.service as JobRunner;
  const job = await runner.submit(TENANT, kind, params, { subjectRef: 'system', kind: 'system' });
  return runner.run(job);
}

beforeAll(async () => {
  api = await startTestApi('analytics');
  admin = await api.createToken(TENANT, 'admin');
  archive = engagementArchive(TENANT);
  const put = await fetch(`${api.baseUrl}/v1/tenants/${TENANT}/analytics/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ time_zone: PARIS, work_start: '09:00', work_end: '18:00', weekend: [6, 7] }),
  });
  expect(put.status).toBe(200);
  // Activity first, in batches as ingest stores it; the directory arrives after (another topic, or an import).
  await store(archive.activity);
  await store(archive.admin);
  facts = activityFacts(archive.activity, ctx);
  deptOn = departmentOn(archive.admin, PARIS);
}, 240_000);

afterAll(async () => api?.close());

describe('engagement analytics on a generated company (Europe/Paris, DST switch)', () => {
  it('the generated set has what the test relies on', () => {
    expect(facts.some((f) => f.kind === 'message' && f.day !== localDate('UTC', 0))).toBe(true);
    expect(deptOn('U07', '2026-03-31')).toBe('Engineering');
    expect(deptOn('U07', '2026-04-01')).toBe('Sales');
    expect(periodsOf(days, 'week')).toEqual(['2026-03-23', '2026-03-30']);
    expect(threadRows().length).toBeGreaterThan(50);
    expect(dmRows().length).toBeGreaterThan(20);
  });

  it('answers every figure exactly as computed from the events (live)', async () => {
    for (const { query, expected } of expectations()) {
      const answer = await engagement(query);
      try {
        same(answer, expected);
      } catch (err) {
        throw new Error(`${JSON.stringify(query)}: ${String(err)}\nanswer ${JSON.stringify([answer.series, answer.suppressed])}\nexpected ${JSON.stringify([expected.series, expected.suppressed])}`);
      }
    }
  }, 120_000);

  it('answers the summary exactly as computed from the events, each figure under the floor', async () => {
    const r = await get(`/analytics/engagement/summary?from=${FIRST_DAY}&to=${LAST_DAY}`);
    expect(r.status).toBe(200);
    expect(r.body.figures).toEqual(expectedSummary());
    expect(r.body.suppressed).toEqual(expect.arrayContaining([{ figure: 'group_dm_share', reason: 'fewer_than_k_people' }, { figure: 'private_share', reason: 'difference_with_shown_groups' }]));
    expect(r.body.departments).toBe('all');
  });

  it('never shows a cell of fewer than k people, nor names a conversation of fewer than k members', async () => {
    const byDept = await engagement({ metric: 'active_people', period: 'day', group_by: 'department' });
    for (const small of ['Legal', 'Board']) expect(byDept.series.find((x: { group: string }) => x.group === small).values.every((v: unknown) => v === null)).toBe(true);
    const byConversation = await engagement({ metric: 'messages', period: 'week', group_by: 'conversation' });
    const named = byConversation.series.map((x: { group: string }) => x.group);
    expect(named).toEqual(['C-all', 'C-eng', 'P-sales']);
    expect(JSON.stringify(byConversation)).not.toMatch(/G-legal|D-\d/);
    expect(byConversation.suppressed).toContainEqual({ period: '2026-03-23', group: null, reason: 'conversation_under_k_members', count: 7 });
  });

  it('blocks the difference attack: what the hidden groups hold always covers k people or none', async () => {
    const total = await engagement({ metric: 'messages', period: 'day' });
    const byDept = await engagement({ metric: 'messages', period: 'day', group_by: 'department' });
    const persons = personRows();
    let blocked = 0;
    byDept.periods.forEach((day: string, i: number) => {
      const shown = byDept.series.filter((x: { values: unknown[] }) => x.values[i] !== null).map((x: { group: string }) => x.group);
      // Everyone who posted that day in a group not shown: what total minus the shown groups is about.
      const rest = new Set(persons.filter((r) => r.day === day && (r.messages as number) > 0 && !shown.includes(r.group)).map((r) => r.user));
      expect(rest.size === 0 || rest.size >= K, `${day}: ${rest.size} people behind total minus shown`).toBe(true);
      const shownSum = byDept.series.reduce((s: number, x: { values: (number | null)[] }) => s + (x.values[i] ?? 0), 0);
      if (rest.size > 0) expect(total.series[0].values[i]).toBeGreaterThan(shownSum);
      if (byDept.suppressed.some((x: { period: string; reason: string }) => x.period === day && x.reason === 'difference_with_shown_groups')) blocked += 1;
    });
    expect(blocked, 'days on which a shown department was hidden to protect Legal and Board').toBeGreaterThan(0);
  });

  it('lets a manager see only the departments of the people who report to them, never a person or text', async () => {
    const cases: Array<[string, string[]]> = [
      ['sales.lead@paris.test', ['Sales']],
      ['eng.lead@paris.test', ['Engineering']],
      ['ceo@paris.test', ['Engineering', 'Legal', 'Sales']],
      ['nobody@paris.test', []],
    ];
    for (const [email, departments] of cases) {
      const token = await api.createToken(TENANT, 'manager', email);
      for (const { query, expected } of expectations(departments)) {
        const answer = await engagement(query, token);
        expect(answer.departments, email).toEqual(departments);
        try {
          same(answer, expected);
        } catch (err) {
          throw new Error(`${email} ${JSON.stringify(query)}: ${String(err)}`);
        }
        const text = JSON.stringify(answer);
        expect(text).not.toMatch(/\bU\d\d\b|@|text /);
      }
    }
    for (const role of ['auditor', 'dpo']) {
      expect((await get(`/analytics/engagement?metric=messages&from=${FIRST_DAY}&to=${LAST_DAY}`, await api.createToken(TENANT, role))).status).toBe(403);
    }
  }, 180_000);

  it('names the field of a bad request in a problem+json answer', async () => {
    for (const [query, field] of [
      [`metric=nope&from=${FIRST_DAY}&to=${LAST_DAY}`, 'metric'],
      [`metric=messages&from=2026-02-30&to=${LAST_DAY}`, 'from'],
      [`metric=messages&from=${LAST_DAY}&to=${FIRST_DAY}`, 'to'],
      [`metric=calls&group_by=conversation_type&from=${FIRST_DAY}&to=${LAST_DAY}`, 'group_by'],
    ] as const) {
      const res = await fetch(`${api.baseUrl}/v1/tenants/${TENANT}/analytics/engagement?${query}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await res.json()).field, query).toBe(field);
    }
  });

  it('writes the same figures to a JSON and a CSV report (metrics job)', async () => {
    const json = await runJob('metrics', { from: FIRST_DAY, to: LAST_DAY, format: 'json', period: 'week', group_by: 'department' });
    expect(json.state, json.error).toBe('done');
    const report = JSON.parse(readFileSync(String(json.result!.file), 'utf8'));
    expect(report.summary.figures).toEqual(expectedSummary());
    const messages = report.metrics.find((m: { metric: string }) => m.metric === 'messages');
    expect(messages.series).toEqual((await engagement({ metric: 'messages', period: 'week', group_by: 'department' })).series);
    const csv = await runJob('metrics', { from: FIRST_DAY, to: LAST_DAY, format: 'csv' });
    const lines = readFileSync(String(csv.result!.file), 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('metric,period,group,value,suppressed');
    expect(lines).toContain(`messages,summary,,${expectedSummary().messages},`);
    expect(lines).toContain('active_people,2026-03-23,Legal,,fewer_than_k_people');
  });

  it('rebuilds the tables from the archive with the same rows and the same answers (metrics-backfill)', async () => {
    const liveAnswers = await answers();
    const liveTables = await dumpTables();
    expect(liveTables.analytics_person_days!.length).toBeGreaterThan(100);
    const job = await runJob('metrics-backfill', {});
    expect(job.state, job.error).toBe('done');
    expect(await dumpTables()).toEqual(liveTables);
    expect(await answers()).toEqual(liveAnswers);
    for (const { query, expected } of expectations()) same(await engagement(query), expected);
  }, 180_000);
});
