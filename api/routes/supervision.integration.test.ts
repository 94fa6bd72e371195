/**
 * Supervision end to end on the real broker, store and API: a compliance officer
 * creates and enables a policy from a template (each change a version, audited); a
 * generated archive is ingested and flagged; the backtest of the same version over
 * that archive counts exactly what was flagged, by conversation type and by week,
 * and flags nothing itself. The review queue: exact totals and filters, authors
 * pseudonymized until an item is opened (audited), reviews with their history and
 * audit entries, and what an auditor and a manager may do.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import type { Stoppable } from '../../common/lifecycle.js';
import { createMetrics } from '../../common/metrics.js';
import { createReviewQueue } from '../../common/supervision/review-queue.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import { createWriteCoalescer } from '../../ingest/write-coalescer.js';
import { superviseDepsFromStore } from '../../ingest/supervision/supervise-deps.js';
import { createKafkaIngest } from '../../ingest/kafka/consumer.js';
import type { JobRunner } from '../../reports/jobs/job-runner.js';
import { weekOf } from '../../reports/supervision/backtest-job.js';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { startSupervisedIngest } from '../../test/helpers/ingest.js';
import { cloudEvent, waitFor } from '../../test/helpers/events.js';
import { createTopics, groupLag, produceJson, testKafka, uniqueTopics } from '../../test/helpers/kafka.js';

const T = 'acme';
const topics = uniqueTopics('supervision-api');
let api: TestApi;
let kafka: Kafka;
let producer: Producer;
let supervisor: Stoppable | undefined;
const token = new Map<string, string>();

const call = async (role: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${api.baseUrl}/v1/tenants/${T}${path}`, {
    method, headers: { authorization: `Bearer ${token.get(role)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

/**
 * The archive: 240 messages over 6 weeks in four conversation types. Every 4th
 * promises returns (a red flag), every 9th of the others says so in French; every
 * 10th clean message is later edited to add a red flag, and every red-flag message
 * that is a multiple of 8 is edited to remove it (the flag stays: only the creation
 * matched). Expectations below are computed from this generator.
 */
const TYPES = ['channel', 'private', 'dm', 'group_dm'] as const;
const BASE = Date.parse('2026-09-07T09:00:00Z'); // a Monday
interface Gen { id: string; type: string; time: string; text: string; flagged: boolean; editTo?: { text: string; flagged: boolean; time: string } }
const archive: Gen[] = Array.from({ length: 240 }, (_, i) => {
  const type = TYPES[i % 4]!;
  const time = new Date(BASE + i * 4 * 3600_000 + (i % 3) * 60_000).toISOString();
  const en = i % 4 === 0;
  const frFlag = !en && i % 9 === 0;
  const text = en ? `Trust me, we guarantee ${10 + (i % 5)}% returns on msg ${i}` : frFlag ? `Rendement garanti, message ${i}` : `Status update ${i}: all good`;
  const flagged = en || frFlag;
  const editTime = new Date(Date.parse(time) + 600_000).toISOString();
  const editTo = !flagged && i % 10 === 0 ? { text: `Update ${i}: guaranteed profit for you`, flagged: true, time: editTime }
    : flagged && i % 8 === 0 ? { text: `message ${i} (removed)`, flagged: false, time: editTime } : undefined;
  return { id: `m${i}`, type, time, text, flagged, ...(editTo ? { editTo } : {}) };
});

/** Flagged versions per conversation type and per week, from the generator. */
function expectedCounts(): { total: number; byType: Record<string, number>; byWeek: Record<string, number> } {
  const byType: Record<string, number> = {};
  const byWeek: Record<string, number> = {};
  let total = 0;
  const count = (type: string, time: string) => {
    total += 1;
    byType[type] = (byType[type] ?? 0) + 1;
    const w = weekOf(time.replace('T', ' ').replace('Z', ''));
    byWeek[w] = (byWeek[w] ?? 0) + 1;
  };
  for (const m of archive) {
    if (m.flagged) count(m.type, m.time);
    if (m.editTo?.flagged) count(m.type, m.editTo.time);
  }
  return { total, byType, byWeek };
}

let policyId = '';

beforeAll(async () => {
  api = await startTestApi('supervision-api', { env: { CUSTOS_RATE_LIMIT_PER_MIN: '100000' } });
  for (const role of ['compliance_officer', 'auditor', 'manager', 'admin']) token.set(role, await api.createToken(T, role, `sup ${role}`));
  kafka = testKafka(inject('kafkaBrokers'));
  await createTopics(kafka, topics);
  producer = kafka.producer();
  await producer.connect();
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const ingest = createKafkaIngest(
    { brokers: inject('kafkaBrokers').split(','), clientId: 'custos-test', groupId: topics.groupId, topics, maxEventBytes: 512 * 1024, retryMaxMs: 500 },
    {
      writer: createWriteCoalescer(createEventWriter(api.store)), metrics: createMetrics().ingest, log,
      supervision: superviseDepsFromStore(api.store, log, 200),
    },
  );
  supervisor = await startSupervisedIngest(ingest);
});

afterAll(async () => {
  await supervisor?.stop();
  await producer?.disconnect();
  await api?.close();
});

describe('supervision over the API', () => {
  it('creates a policy from a template and versions every change, audited', async () => {
    const created = await call('compliance_officer', 'POST', '/supervision/policies', { template: 'guaranteed_returns' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, enabled: false, severity: 'high', sampling: { percent: 100 } });
    policyId = created.body.id;
    const enabled = await call('compliance_officer', 'PATCH', `/supervision/policies/${policyId}`, { enabled: true });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ id: policyId, version: 2, enabled: true });
    expect(enabled.body.sampling.seed).toBe(created.body.sampling.seed);
    const shown = await call('auditor', 'GET', `/supervision/policies/${policyId}`);
    expect(shown.body.versions.map((v: { version: number; enabled: boolean }) => [v.version, v.enabled])).toEqual([[1, false], [2, true]]);
    const bad = await call('compliance_officer', 'PATCH', `/supervision/policies/${policyId}`, { lexicon: { patterns: [{ name: 'x', regex: '(a+)+' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('lexicon.patterns.0.regex');
    expect((await call('compliance_officer', 'POST', '/supervision/policies', { template: 'nope' })).body.field).toBe('template');
    expect((await call('manager', 'GET', '/supervision/policies')).status).toBe(403);
    expect((await call('auditor', 'POST', '/supervision/policies', { template: 'credentials' })).status).toBe(403);
    const audit = await api.store.query<{ action: string; params: string }>('test: audit', "SELECT action, params FROM audit_log WHERE tenant = {t:String} AND action LIKE 'supervision.policies.%' AND status < 300 ORDER BY seq", { t: T });
    expect(audit.map((a) => [a.action, JSON.parse(a.params).answer?.version])).toEqual([['supervision.policies.create', 1], ['supervision.policies.update', 2], ['supervision.policies.get', undefined]]);
  });

  it('flags the generated archive at ingest, and the backtest of that version counts the same without flagging', async () => {
    // Wait until ingest runs the enabled version before producing.
    await new Promise((r) => setTimeout(r, 800));
    const events = archive.map((m) => cloudEvent('message.created', { message_id: m.id, conversation_id: `conv-${m.type}`, conversation_type: m.type, author_id: `user-${Number(m.id.slice(1)) % 7}`, text: m.text }, { tenant: T, time: m.time }));
    await produceJson(producer, topics.messages, events.map((e) => ({ key: String(e.data.conversation_id), value: e })));
    const edits = archive.filter((m) => m.editTo).map((m) => cloudEvent('message.edited', { message_id: m.id, conversation_id: `conv-${m.type}`, editor_id: 'user-0', text: m.editTo!.text }, { tenant: T, time: m.editTo!.time }));
    await produceJson(producer, topics.messages, edits.map((e) => ({ key: String(e.data.conversation_id), value: e })));
    await waitFor('ingest to commit the archive', async () => (await groupLag(kafka, topics.groupId, [topics.messages])) === 0, 60_000);
    const expected = expectedCounts();
    const queue = await call('compliance_officer', 'GET', `/supervision/items?policy=${policyId}&limit=1`);
    expect(queue.body.total).toBe(expected.total);

    const queued = await call('compliance_officer', 'POST', `/supervision/policies/${policyId}/backtests`, { sample: 5, page: 100 });
    expect(queued.status).toBe(202);
    const runner = api.jobs.service as JobRunner;
    const done = await runner.run(await runner.get(T, queued.body.job_id));
    expect(done.state).toBe('done');
    const r = done.result as { policy_version: number; scanned: number; matched: number; flagged: number; byConversationType: Record<string, { matched: number; flagged: number }>; byWeek: Record<string, { matched: number; flagged: number }> };
    expect(r.policy_version).toBe(2);
    expect(r.scanned).toBe(archive.length + archive.filter((m) => m.editTo).length);
    expect(r.matched).toBe(expected.total);
    expect(r.flagged).toBe(expected.total);
    expect(Object.fromEntries(Object.entries(r.byConversationType).map(([k, v]) => [k, v.flagged]))).toEqual(expected.byType);
    expect(Object.fromEntries(Object.entries(r.byWeek).map(([k, v]) => [k, v.flagged]))).toEqual(expected.byWeek);
    // What ingest put in the queue, counted the same ways, from the store.
    const inQueue = await api.store.query<{ conversation_type: string; week: string; n: string }>('test: queue counts',
      "SELECT conversation_type, toString(toMonday(message_time)) AS week, count() AS n FROM supervision_items FINAL WHERE tenant = {t:String} AND policy_id = {p:String} GROUP BY conversation_type, week", { t: T, p: policyId });
    const sum = (key: 'conversation_type' | 'week') => inQueue.reduce<Record<string, number>>((acc, row) => ({ ...acc, [row[key]]: (acc[row[key]] ?? 0) + Number(row.n) }), {});
    expect(sum('conversation_type')).toEqual(expected.byType);
    expect(sum('week')).toEqual(expected.byWeek);
    expect(done.files.map((f) => f.name)).toEqual(['backtest.json']);
    expect((await call('compliance_officer', 'GET', `/supervision/items?policy=${policyId}&limit=1`)).body.total).toBe(expected.total);
    // An edit that removed the text kept its message's flag.
    const removed = archive.find((m) => m.flagged && m.editTo && !m.editTo.flagged)!;
    const all = await createReviewQueue(api.store).list(T, { policyId }, { limit: 1000 });
    expect(all.items.filter((i) => i.messageId === removed.id).map((i) => i.versionKind)).toEqual(['created']);
  });

  it('lists with exact totals and filters, authors pseudonymized; an auditor reads, a manager does not', async () => {
    const expected = expectedCounts();
    const page = await call('auditor', 'GET', '/supervision/items?limit=10&severity=high&state=pending');
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(expected.total);
    expect(page.body.items).toHaveLength(10);
    for (const item of page.body.items) {
      expect(item.author).toMatch(/^author_[A-Za-z0-9_-]{16}$/);
      expect(JSON.stringify(item)).not.toMatch(/user-\d/);
    }
    const second = await call('auditor', 'GET', `/supervision/items?limit=10&severity=high&state=pending&cursor=${page.body.next_cursor}`);
    expect(second.body.items.map((i: { id: string }) => i.id)).not.toContain(page.body.items[0].id);
    const weekOne = await call('auditor', 'GET', '/supervision/items?from=2026-09-07T00:00:00Z&to=2026-09-14T00:00:00Z');
    expect(weekOne.body.total).toBe(expected.byWeek['2026-09-07']);
    expect((await call('auditor', 'GET', '/supervision/items?severity=low')).body.total).toBe(0);
    expect((await call('auditor', 'GET', '/supervision/items?state=bogus')).body.field).toBe('state');
    expect((await call('manager', 'GET', '/supervision/items')).status).toBe(403);
    expect((await call('admin', 'GET', '/supervision/items')).status).toBe(403);
    expect((await call('auditor', 'GET', `/supervision/items/${page.body.items[0].id}`)).status).toBe(403);
  });

  it('works the queue oldest first when asked: every item once, in message-time order; a cursor pages only its own order', async () => {
    const walk = async (order: string, limit: number) => {
      const ids: string[] = [];
      const times: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await call('auditor', 'GET', `/supervision/items?state=pending&order=${order}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        ids.push(...r.body.items.map((i: { id: string }) => i.id));
        times.push(...r.body.items.map((i: { message_time: string }) => i.message_time));
        cursor = r.body.next_cursor;
      } while (cursor);
      return { ids, times };
    };
    const oldest = await walk('oldest', 7);
    const newest = await walk('newest', 200);
    expect(oldest.ids.length).toBeGreaterThan(7);
    expect(new Set(oldest.ids).size).toBe(oldest.ids.length);
    expect(oldest.ids).toEqual([...newest.ids].reverse());
    expect(oldest.times).toEqual([...oldest.times].sort());
    const first = await call('auditor', 'GET', '/supervision/items?state=pending&limit=2');
    const crossed = await call('auditor', 'GET', `/supervision/items?state=pending&order=oldest&limit=2&cursor=${first.body.next_cursor}`);
    expect(crossed.status).toBe(400);
    expect(crossed.body.field).toBe('cursor');
  });

  it('opens an item (author revealed, audited), reviews it, and keeps who did what and when', async () => {
    const [first] = (await call('compliance_officer', 'GET', '/supervision/items?limit=1')).body.items;
    const opened = await call('compliance_officer', 'GET', `/supervision/items/${first.id}?context=2`);
    expect(opened.status).toBe(200);
    const gen = archive.find((m) => m.id === first.message_id)!;
    expect(opened.body.author_id).toBe(`user-${Number(gen.id.slice(1)) % 7}`);
    expect(opened.body.author).toBe(first.author);
    expect(opened.body.message.versions[0].text).toBe(gen.text);
    expect(opened.body.context.before.length).toBeLessThanOrEqual(2);
    expect(opened.body.context.before.length + opened.body.context.after.length).toBeGreaterThan(0);
    const hit = opened.body.matches[0];
    const versionText = opened.body.message.versions.find((v: { event_id: string }) => v.event_id === first.event_id).text as string;
    expect(versionText.slice(hit.start, hit.end).toLowerCase()).toMatch(/guarant|garanti/);

    const bad = await call('compliance_officer', 'POST', `/supervision/items/${first.id}/review`, { state: 'resolved', escalation_case: 'CASE-1' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('escalation_case');
    const reviewed = await call('compliance_officer', 'POST', `/supervision/items/${first.id}/review`, { state: 'resolved', tag: 'compliant', comment: 'context shows a quote from a prospectus' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.item).toMatchObject({ state: 'resolved', tag: 'compliant', comment: 'context shows a quote from a prospectus' });
    const escalatedId = (await call('compliance_officer', 'GET', '/supervision/items?limit=2')).body.items[1].id;
    await call('compliance_officer', 'POST', `/supervision/items/${escalatedId}/review`, { state: 'escalated', tag: 'non_compliant', escalation_case: 'HOLD-2026-7' });
    const expected = expectedCounts();
    expect((await call('auditor', 'GET', '/supervision/items?state=resolved')).body.total).toBe(1);
    expect((await call('auditor', 'GET', '/supervision/items?state=escalated')).body.items[0]).toMatchObject({ id: escalatedId, escalation_case: 'HOLD-2026-7', tag: 'non_compliant' });
    expect((await call('auditor', 'GET', '/supervision/items?state=pending')).body.total).toBe(expected.total - 2);

    const history = await call('auditor', 'GET', `/supervision/items/${first.id}/history`);
    expect(history.body.items.map((a: { action: string; state: string | null; tag: string | null }) => [a.action, a.state, a.tag])).toEqual([['opened', null, null], ['resolved', 'resolved', 'compliant']]);
    const actor = history.body.items[0].actor as string;
    expect(actor).toMatch(/^sr_/);
    expect(history.body.items[1].actor).toBe(actor);

    const audit = await api.store.query<{ action: string; params: string; subject_ref: string }>('test: audit',
      "SELECT action, params, subject_ref FROM audit_log WHERE tenant = {t:String} AND action IN ('supervision.items.open', 'supervision.items.review') AND status = 200 ORDER BY seq", { t: T });
    expect(audit.map((a) => [a.action, JSON.parse(a.params).answer.item_id])).toEqual([['supervision.items.open', first.id], ['supervision.items.review', first.id], ['supervision.items.review', escalatedId]]);
    expect(JSON.parse(audit[0]!.params).answer.author_revealed).toBe(true);
    expect(audit[0]!.subject_ref).toBe(actor);
  });
});

describe('escalation to a legal hold', () => {
  it('accepts a hold of the tenant that covers the message, and refuses one that is unknown, released or elsewhere, naming escalation_case', async () => {
    const holds = new HoldStore(api.store);
    const [item] = (await createReviewQueue(api.store).list(T, { state: 'pending' }, { limit: 1 })).items;
    const scope = (conversations: string[]) => ({ custodians: [], conversations, from: null, to: null, q: '' });
    const covering = await holds.create(T, { caseName: 'Desk review', reason: 'escalated flags', scope: scope([item!.conversationId]), createdBy: 'sr_test' });
    const elsewhere = await holds.create(T, { caseName: 'Other desk', reason: 'other', scope: scope(['no-such-conversation']), createdBy: 'sr_test' });
    const released = await holds.create(T, { caseName: 'Old case', reason: 'closed', scope: scope([item!.conversationId]), createdBy: 'sr_test' });
    await holds.release(T, released.id, { by: 'sr_test', reason: 'case closed' });
    const escalate = (escalation_case: string) => call('compliance_officer', 'POST', `/supervision/items/${item!.itemId}/review`, { state: 'escalated', escalation_case });
    for (const [id, why] of [['hold_unknown00000', /no legal hold/], [elsewhere.id, /does not cover this message/], [released.id, /released/]] as const) {
      const r = await escalate(id);
      expect(r.status, id).toBe(400);
      expect(r.body.field).toBe('escalation_case');
      expect(r.body.detail).toMatch(why);
    }
    expect((await createReviewQueue(api.store).get(T, item!.itemId)).state).toBe('pending');
    const ok = await escalate(covering.id);
    expect(ok.status).toBe(200);
    expect(ok.body.item).toMatchObject({ state: 'escalated', escalation_case: covering.id });
  });
});
