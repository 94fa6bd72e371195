/**
 * An erasure that meets a legal hold (DESIGN.md rule 1), on the real store: the hold
 * covers one of Ada's messages; the run erases everything else of hers, restricts that
 * message (a compliance officer's search outside the hold's case does not return it,
 * the hold's case does), reports the hold in a signed certificate and leaves the
 * request `waiting-on-holds`; once the hold is released, the schedule queues the
 * erasure again and it completes: nothing of hers is left anywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { AuditWriter } from '../../common/audit/index.js';
import { createLogger } from '../../common/logger.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import type { LegalHold } from '../../common/holds/hold-model.js';
import { searchMessages } from '../../common/queries/message-search.js';
import { getMessageDetail } from '../../common/queries/message-detail.js';
import { batchConversations, createExportSetReader } from '../exports/export-set.js';
import { exportParams } from '../exports/export-params.js';
import { SubjectRequestStore } from '../../common/subjects/subject-request-store.js';
import type { Job } from '../../common/jobs/job-model.js';
import { JobRunner } from '../jobs/job-runner.js';
import { createJobAuditor } from '../jobs/job-audit.js';
import { jobKinds } from '../job-kinds.js';
import { conversation, type Conversation } from './testing/conversation.js';
import { approvedErasure, scanForNeedles, storeEvents } from './testing/harness.js';
import { queueWaitingErasures } from './erasure-schedule.js';
import { backfillAnalytics } from '../../analytics/backfill.js';
import { runTopics } from '../../analytics/topics/run.js';
import { conversationWindow } from '../../common/supervision/message-window.js';
import { readSubjectRecords } from '../access/access-records.js';
import { buildTables } from '../access/access-tables.js';
import { Participants } from '../access/participants.js';
import type { CertificateBody } from './certificate.js';
import { getArchiveStats } from '../../common/queries/archive-stats.js';

const START = Date.parse('2026-10-05T09:00:00Z');
let ts: TestStore;
let runner: JobRunner;
let c: Conversation;
let hold: LegalHold;
/** A hold on Ada as custodian in a conversation without messages: it covers none of her records, but names her. */
let onHer: LegalHold;
let first: Job;
let requestId: string;
/** The one message of Ada's the hold covers: created at minute 30, the hold is [29, 31). */
let held: string;

const needles = () => [c.people.ada.id, c.people.ada.email, c.people.ada.name, c.people.ada.newName!, c.strings.adaOnly, c.strings.adaEdit];
const certificateOf = (job: Job) => JSON.parse(readFileSync(join(ts.dataDir, 'jobs', 'acme', job.id, 'certificate.json'), 'utf8')) as CertificateBody;

beforeAll(async () => {
  ts = await openTestStore('erasure-holds');
  runner = new JobRunner({ store: ts.store, log: createLogger('silent'), audit: createJobAuditor(new AuditWriter(ts.store)), jobsDir: join(ts.dataDir, 'jobs'), kinds: jobKinds({ dataDir: ts.dataDir }) });
  c = conversation('acme', START);
  held = c.expect.adaMessages[2]!;
  await storeEvents(ts.store, c.events);
  hold = await new HoldStore(ts.store).create('acme', {
    caseName: 'Engine v. Mill', reason: 'litigation', createdBy: 'sr_officer',
    scope: { custodians: [], conversations: [c.conv], from: new Date(START + 29 * 60_000).toISOString(), to: new Date(START + 31 * 60_000).toISOString(), q: '' },
  });
  onHer = await new HoldStore(ts.store).create('acme', {
    caseName: 'Her case', reason: 'regulator', createdBy: 'sr_officer', scope: { custodians: [c.people.ada.id], conversations: ['C-elsewhere'], from: null, to: null, q: '' },
  });
  requestId = (await approvedErasure(ts.store, 'acme', c.ada)).id;
  first = await runner.run(await runner.submit('acme', 'erasure', { request: requestId }, { subjectRef: 'sr_approver', kind: 'test' }));
}, 600_000);

afterAll(async () => {
  await ts?.close();
});

describe('an erasure that meets a hold', () => {
  it('erases everything else, waits on the hold and says so in its certificate', async () => {
    expect(first.error).toBe('');
    expect(first.state).toBe('done');
    expect((await new SubjectRequestStore(ts.store).get('acme', requestId)).state).toBe('waiting-on-holds');
    const cert = certificateOf(first);
    expect(cert.state).toBe('waiting-on-holds');
    expect(cert.kept).toEqual([
      expect.objectContaining({ family: 'hold', records: 1, hold_id: onHer.id, case: 'Her case' }),
      expect.objectContaining({ family: 'messages', records: 1, hold_id: hold.id, case: 'Engine v. Mill' }),
    ]);
    // The active hold that names her is unchanged: it still covers what it covered.
    expect((await new HoldStore(ts.store).get('acme', onHer.id)).scope.custodians).toEqual([c.people.ada.id]);
    expect(cert.removed.message_versions).toEqual({ deleted: c.expect.adaVersions - 1, pseudonymized: c.expect.mentioning.length + 1, held: 1 });
    expect(cert.verification.passed).toBe(true);
  });

  it('keeps the held message as it was, and only it', async () => {
    // Every row still naming her belongs to the held message (the request names her until it completes).
    expect(await scanForNeedles(ts.store, needles(), { skip: ['subject_requests', 'legal_holds'], exceptMessage: held })).toEqual({});
    expect(Object.keys(await scanForNeedles(ts.store, needles(), { skip: ['subject_requests'] }))).toContain('message_versions');
    const [row] = await ts.store.query<{ text: string; author_id: string }>('test: held', "SELECT text, author_id FROM message_versions WHERE tenant = 'acme' AND message_id = {m:String}", { m: held });
    expect(row).toEqual({ author_id: c.people.ada.id, text: `notes on the engine ${c.strings.adaOnly} part 2` });
    // Her analytics go whatever the hold: held records are excluded from analytics.
    const [a] = await ts.store.query<{ n: string }>('test: analytics', "SELECT count() AS n FROM analytics_person_days WHERE tenant = 'acme' AND user_id = {u:String}", { u: c.people.ada.id });
    expect(a!.n).toBe('0');
  });

  it('hides the held message from searches outside the hold\'s case, not from the case', async () => {
    const byHer = { tenant: 'acme', authors: [c.people.ada.id], includeDeleted: true, limit: 50 };
    expect((await searchMessages(ts.store, byHer)).hits).toEqual([]);
    expect((await searchMessages(ts.store, { ...byHer, visibleHolds: [hold.id] })).hits.map((h) => h.message_id)).toEqual([held]);
    const inConversation = await searchMessages(ts.store, { tenant: 'acme', conversation: c.conv, includeDeleted: true, limit: 100 });
    expect(inConversation.hits.map((h) => h.message_id).sort()).toEqual([...c.expect.othersMessages].sort());
    expect(await getMessageDetail(ts.store, 'acme', c.conv, held)).toBeUndefined();
    expect((await getMessageDetail(ts.store, 'acme', c.conv, held, { visibleHolds: [hold.id] }))?.message.message_id).toBe(held);
    expect(await getMessageDetail(ts.store, 'acme', c.conv, held, { visibleHolds: [onHer.id] })).toBeUndefined();
  });

  it('leaves the held message out of exports, except an export for the hold\'s case', async () => {
    const exported = async (holds: string[]) => {
      const reader = createExportSetReader(ts.store, 'acme', exportParams.parse({ conversations: [c.conv], holds }), new Date().toISOString());
      const ids: string[] = [];
      for (const batch of batchConversations(await reader.conversations())) for await (const m of reader.messages(batch)) ids.push(m.message_id);
      return ids.sort();
    };
    expect(await exported([])).toEqual([...c.expect.othersMessages].sort());
    expect(await exported([hold.id])).toEqual([...c.expect.othersMessages, held].sort());
  });

  it('leaves the held message out of an analytics rebuild (metrics-backfill)', async () => {
    await backfillAnalytics(ts.store, 'acme');
    const people = await ts.store.query<{ user_id: string; messages: string }>('test: analytics people',
      "SELECT user_id, toString(sum(messages)) AS messages FROM analytics_person_days WHERE tenant = 'acme' GROUP BY user_id ORDER BY user_id");
    // The rebuild read the archive (Bob's six replies are counted), but not the record the hold keeps: Ada gets no row back.
    expect(people.find((p) => p.user_id === c.people.bob.id)?.messages).toBe('6');
    expect(people.map((p) => p.user_id)).not.toContain(c.people.ada.id);
    const [conv] = await ts.store.query<{ n: string }>('test: conversation days', "SELECT toString(sum(messages)) AS n FROM analytics_conversation_days WHERE tenant = 'acme'");
    expect(Number(conv!.n)).toBe(c.expect.othersMessages.length);
  });

  it('leaves the held message out of topic analysis', async () => {
    const run = await runTopics(ts.store, 'acme', { full: true, settleMs: 0 });
    const analysed = await ts.store.query<{ message_id: string }>('test: topic rows', "SELECT message_id FROM topic_messages FINAL WHERE tenant = 'acme' AND deleted = 0 ORDER BY message_id");
    // Every other live message is analysed (the one Ada deleted of Bob's is not: deleted); hers, held, is not.
    const live = c.expect.othersMessages.filter((m) => m !== c.expect.othersMessages[5]);
    expect(analysed.map((r) => r.message_id)).toEqual([...live].sort());
    expect(run.messages).toBe(live.length);
  });

  it('leaves the held message out of the thread it starts and of a reviewer\'s conversation window', async () => {
    const reply = c.expect.othersMessages[2]!; // Bob's reply in the thread of the held message
    const seen = await getMessageDetail(ts.store, 'acme', c.conv, reply);
    expect(seen?.thread?.messages.map((m) => m.message_id)).toEqual([reply]);
    expect(seen?.thread?.reply_count).toBe(1);
    const inCase = await getMessageDetail(ts.store, 'acme', c.conv, reply, { visibleHolds: [hold.id] });
    expect(inCase?.thread?.messages.map((m) => m.message_id)).toEqual([held, reply]);
    const around = await conversationWindow(ts.store, 'acme', c.conv, reply, new Date(START + 31 * 60_000).toISOString().replace('T', ' ').replace('Z', ''), 3);
    expect([...around.before, ...around.after].map((m) => m.message_id)).not.toContain(held);
    expect(around.before.map((m) => m.message_id)).toEqual([c.expect.othersMessages[0], c.expect.othersMessages[1]]);
  });

  it('includes the held message in a later access package of hers, marked with the hold that keeps it', async () => {
    const records = await readSubjectRecords(ts.store, 'acme', c.ada, { asOf: new Date().toISOString(), contextWindow: 0 });
    expect(records.messages.map((m) => [m.message_id, m.restricted?.holds])).toEqual([[held, [hold.id]]]);
    const tables = buildTables(records, new Participants(records.directory, new Set(c.ada.userIds), [...c.ada.displayNames, ...c.ada.emails]));
    const messages = tables.find((t) => t.name === 'messages')!;
    expect(messages.rows.map((r) => r.restricted_by_holds)).toEqual([[hold.id]]);
    expect(messages.columns.map((col) => col.key)).toContain('restricted_by_holds');
  });

  it('counts an event arriving later on the held message nowhere in the live analytics (the views leave it out at insert)', async () => {
    const reactionsOf = async (user: string) => {
      const [r] = await ts.store.query<{ n: string }>('test: reactions', "SELECT toString(sum(reactions)) AS n FROM analytics_person_days WHERE tenant = 'acme' AND user_id = {u:String}", { u: user });
      return Number(r!.n);
    };
    const before = await reactionsOf(c.people.dee.id);
    // Through the store's write path (the same insert as ingest's store step), so the real views run: one reaction on the
    // held message, one on a message nobody restricts, and a reply in the thread the held message starts.
    const late = (id: string, type: string, data: Record<string, unknown>) => ({ specversion: '1.0', id: `late-${c.conv}-${id}`, source: 'test://erasure', type, time: new Date(START + 200 * 60_000).toISOString(), tenant: 'acme', data });
    const free = c.expect.othersMessages[3]!;
    await storeEvents(ts.store, [
      late('r1', 'reaction.added', { message_id: held, conversation_id: c.conv, user_id: c.people.dee.id, emoji: 'eyes' }),
      late('r2', 'reaction.added', { message_id: free, conversation_id: c.conv, user_id: c.people.dee.id, emoji: 'eyes' }),
      late('m1', 'message.created', { message_id: `late-reply-${c.conv}`, conversation_id: c.conv, conversation_type: 'channel', author_id: c.people.dee.id, text: 'late reply', mentions: [], thread_id: held }),
    ]);
    // Only the reaction on the free message counts (the view is live: it did count that one).
    expect(await reactionsOf(c.people.dee.id)).toBe(before + 1);
    const threads = await ts.store.query<{ thread_id: string }>('test: threads', "SELECT thread_id FROM analytics_threads WHERE tenant = 'acme' AND thread_id = {t:String}", { t: held });
    expect(threads).toEqual([]);
  });

  it('leaves the held message out of the archive statistics and counts it apart', async () => {
    const stats = await getArchiveStats(ts.store, 'acme');
    expect(stats.restricted).toEqual({ messages: 1, calls: 0, app_invocations: 0 });
    // Every message but hers is there (others' messages, plus the late reply of the test above); hers only as restricted.
    expect(stats.messages).toBe(c.expect.othersMessages.length + 1);
    // Reactions left: Cy's on Bob's, and Dee's late one on a free message; Dee's on the held message is left out.
    expect(stats.reactions).toBe(c.expect.reactionsLeft + 1);
    const heldTime = new Date(START + 30 * 60_000).toISOString();
    const [{ n: heldVersions }] = await ts.store.query<{ n: string }>('test: held versions',
      "SELECT toString(uniqExact(event_id)) AS n FROM message_versions WHERE tenant = 'acme' AND message_id = {m:String}", { m: held }) as [{ n: string }];
    const [{ n: allVersions }] = await ts.store.query<{ n: string }>('test: all versions',
      "SELECT toString(uniqExact(event_id)) AS n FROM message_versions WHERE tenant = 'acme'") as [{ n: string }];
    expect(Number(heldVersions)).toBe(1);
    expect(stats.message_versions).toBe(Number(allVersions) - 1);
    expect(stats.first_event_time! <= heldTime).toBe(true);
  });

  it('completes by itself once the hold is released', async () => {
    expect(await queueWaitingErasures(runner, ts.store, { log: createLogger('silent') })).toEqual([]);
    await new HoldStore(ts.store).release('acme', hold.id, { by: 'sr_officer', reason: 'case closed' });
    await new HoldStore(ts.store).release('acme', onHer.id, { by: 'sr_officer', reason: 'case closed' });
    const [jobId] = await queueWaitingErasures(runner, ts.store, { log: createLogger('silent') });
    expect(jobId).toBeDefined();
    const second = await runner.run(await runner.get('acme', jobId!));
    expect(second.error).toBe('');
    expect((await new SubjectRequestStore(ts.store).get('acme', requestId)).state).toBe('done');
    const cert = certificateOf(second);
    expect(cert.state).toBe('done');
    expect(cert.kept).toEqual([]);
    expect(cert.removed.message_versions!.deleted).toBe(1);
    expect(await scanForNeedles(ts.store, needles())).toEqual({});
    const [r] = await ts.store.query<{ n: string }>('test: restricted', "SELECT count() AS n FROM restricted_records WHERE tenant = 'acme'");
    expect(r!.n).toBe('0');
    expect(await queueWaitingErasures(runner, ts.store, { log: createLogger('silent') })).toEqual([]);
  });
});
