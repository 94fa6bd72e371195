/**
 * No resurrection (DESIGN.md rule 4) through the real broker and the real store: a
 * conversation among four people is ingested from Kafka, Ada is erased; then the
 * topics are replayed from the earliest offset by a new consumer group, late events
 * by and about her arrive, and the same events are imported again from a file. After
 * each, no table or view of the store names her, nothing went to the DLQ, and the
 * dropped and pseudonymized records are counted in the metrics as the generator says.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Stoppable } from '../../common/lifecycle.js';
import { createMetrics, type Metrics } from '../../common/metrics.js';
import { AuditWriter, verifyAuditChain } from '../../common/audit/index.js';
import { createLogger } from '../../common/logger.js';
import { erasedSubjectsView } from '../../common/subjects/erased-subjects.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import { createWriteCoalescer } from '../../ingest/write-coalescer.js';
import { createKafkaIngest, type KafkaIngest } from '../../ingest/kafka/consumer.js';
import { createErasedFilter } from '../../ingest/erased-subjects.js';
import { importWriter } from '../../ingest/importers/erased-writer.js';
import { createStoreSink } from '../../ingest/importers/sinks.js';
import { openReport } from '../../ingest/importers/report.js';
import { runImport } from '../../ingest/importers/run-import.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { startSupervisedIngest } from '../../test/helpers/ingest.js';
import { isMessageTopicType, waitFor } from '../../test/helpers/events.js';
import { createTopics, groupLag, produceJson, testKafka, uniqueTopics } from '../../test/helpers/kafka.js';
import { ensureVenv } from '../../test/helpers/python-venv.js';
import { JobRunner } from '../jobs/job-runner.js';
import { createJobAuditor } from '../jobs/job-audit.js';
import { jobKinds } from '../job-kinds.js';
import { conversation, type Conversation } from './testing/conversation.js';
import { approvedErasure, scanForNeedles, searchFiles } from './testing/harness.js';

const topics = uniqueTopics('erasure');
let ts: TestStore;
let kafka: Kafka;
let producer: Producer;
let c: Conversation;
let python: string;
const running: Stoppable[] = [];

type Ev = Record<string, unknown> & { type: string; data: Record<string, unknown> };

/** What the generator says ingest must do with an event once Ada is erased. */
function fate(c: Conversation, e: Ev, adaMessages: ReadonlySet<string>): 'dropped' | 'pseudonymized' | 'as-is' {
  const ada = c.people.ada;
  const d = e.data;
  const by = e.type.startsWith('message.created') ? d.author_id : e.type === 'message.edited' ? d.editor_id
    : /^(reaction|app\.invoked)/.test(e.type) ? d.user_id : !isMessageTopicType(e.type) ? d.user_id : undefined;
  if (by === ada.id) return 'dropped';
  if (typeof d.message_id === 'string' && adaMessages.has(d.message_id)) return 'dropped';
  const text = JSON.stringify(d).toLowerCase();
  return [ada.id, ada.email, ada.name, ada.newName!].some((x) => text.includes(x.toLowerCase())) ? 'pseudonymized' : 'as-is';
}

function startIngest(groupId: string, metrics: Metrics): KafkaIngest {
  return createKafkaIngest(
    { brokers: inject('kafkaBrokers').split(','), clientId: 'custos-test', groupId, topics, maxEventBytes: 64 * 1024, retryMaxMs: 500 },
    { writer: createWriteCoalescer(createEventWriter(ts.store)), metrics: metrics.ingest, log: pino({ level: 'silent' }), erased: createErasedFilter(erasedSubjectsView(ts.store, { refreshMs: 0 })) },
  );
}

const produce = (events: Ev[]) => Promise.all([
  produceJson(producer, topics.messages, events.filter((e) => isMessageTopicType(e.type)).map((e) => ({ key: String(e.data.conversation_id), value: e }))),
  produceJson(producer, topics.admin, events.filter((e) => !isMessageTopicType(e.type)).map((e) => ({ key: String(e.data.user_id ?? e.data.conversation_id), value: e }))),
]);

const drained = (groupId: string) => waitFor(`group ${groupId} to commit everything`, async () => (await groupLag(kafka, groupId, [topics.messages, topics.admin])) === 0, 60_000);

async function erasedCounts(m: Metrics): Promise<Record<string, number>> {
  const out: Record<string, number> = { dropped: 0, pseudonymized: 0 };
  for (const v of (await m.ingest.erased.get()).values) out[String(v.labels.result)] = (out[String(v.labels.result)] ?? 0) + v.value;
  return out;
}

const needles = () => [c.people.ada.id, c.people.ada.email, c.people.ada.name, c.people.ada.newName!, c.strings.adaOnly, c.strings.adaEdit];

beforeAll(async () => {
  python = ensureVenv('store-files', ['lz4==4.4.5', 'zstandard==0.25.0']);
  ts = await openTestStore('erasure-kafka');
  kafka = testKafka(inject('kafkaBrokers'));
  await createTopics(kafka, topics);
  producer = kafka.producer();
  await producer.connect();
  c = conversation('acme');
  const first = startIngest(topics.groupId, createMetrics());
  running.push(await startSupervisedIngest(first));
  await produce(c.events as Ev[]);
  await drained(topics.groupId);
  await waitFor('every event stored', async () => {
    const [r] = await ts.store.query<{ n: string }>('test: count', "SELECT (SELECT count() FROM message_versions WHERE tenant = 'acme') + (SELECT count() FROM admin_events WHERE tenant = 'acme') + (SELECT count() FROM reactions WHERE tenant = 'acme') + (SELECT count() FROM calls WHERE tenant = 'acme') + (SELECT count() FROM app_invocations WHERE tenant = 'acme') + (SELECT count() FROM message_deletions WHERE tenant = 'acme') AS n");
    return Number(r!.n) === c.events.length;
  });
  await running.pop()!.stop();
  const runner = new JobRunner({ store: ts.store, log: createLogger('silent'), audit: createJobAuditor(new AuditWriter(ts.store)), jobsDir: join(ts.dataDir, 'jobs'), kinds: jobKinds({ dataDir: ts.dataDir }) });
  const req = await approvedErasure(ts.store, 'acme', c.ada);
  const job = await runner.run(await runner.submit('acme', 'erasure', { request: req.id }, { subjectRef: 'sr_approver', kind: 'test' }));
  expect(job.error).toBe('');
}, 600_000);

afterAll(async () => {
  for (const r of running) await r.stop();
  await producer?.disconnect();
  await ts?.close();
});

describe('after an erasure', () => {
  it('the store names her nowhere', async () => {
    expect(await scanForNeedles(ts.store, needles())).toEqual({});
  });

  it('a replay from the earliest offset and late events bring nothing identifying back, and are counted', async () => {
    const ada = c.people.ada;
    const late: Ev[] = [
      { specversion: '1.0', id: 'late-1', source: 'test://late', type: 'message.created', time: '2026-10-06T10:00:00Z', tenant: 'acme', data: { message_id: 'M-late-ada', conversation_id: c.conv, conversation_type: 'channel', author_id: ada.id, text: `late ${c.strings.adaOnly}` } },
      { specversion: '1.0', id: 'late-2', source: 'test://late', type: 'message.created', time: '2026-10-06T10:01:00Z', tenant: 'acme', data: { message_id: 'M-late-bob', conversation_id: c.conv, conversation_type: 'channel', author_id: c.people.bob.id, text: `write to ${ada.email.toUpperCase()} or <@${ada.id}>`, mentions: [ada.id] } },
      { specversion: '1.0', id: 'late-3', source: 'test://late', type: 'reaction.added', time: '2026-10-06T10:02:00Z', tenant: 'acme', data: { message_id: c.expect.adaMessages[2], conversation_id: c.conv, user_id: c.people.cy.id, emoji: 'ok' } },
    ];
    await produce(late);
    const metrics = createMetrics();
    const replayGroup = `${topics.groupId}-replay`;
    running.push(await startSupervisedIngest(startIngest(replayGroup, metrics)));
    await drained(replayGroup);
    const adaMessages = new Set(c.expect.adaMessages);
    const all = [...(c.events as Ev[]), ...late];
    const expected = { dropped: all.filter((e) => fate(c, e, adaMessages) === 'dropped').length, pseudonymized: all.filter((e) => fate(c, e, adaMessages) === 'pseudonymized').length };
    await waitFor('the erased counts', async () => JSON.stringify(await erasedCounts(metrics)) === JSON.stringify(expected), 10_000).catch(() => undefined);
    expect(await erasedCounts(metrics)).toEqual(expected);
    expect(await scanForNeedles(ts.store, needles())).toEqual({});
    const [bob] = await ts.store.query<{ text: string; mentions: string[] }>('test: late', "SELECT text, mentions FROM message_versions WHERE tenant = 'acme' AND message_id = 'M-late-bob'");
    expect(bob!.mentions).toHaveLength(1);
    // The id inside a <@...> mention is replaced, the brackets stay (as the erasure job's text replacement does).
    expect(bob!.text).toBe(`write to ${bob!.mentions[0]} or <@${bob!.mentions[0]}>`);
    const [late1] = await ts.store.query<{ n: string }>('test: late', "SELECT count() AS n FROM message_versions WHERE tenant = 'acme' AND message_id = 'M-late-ada'");
    expect(late1!.n).toBe('0');
    // Nothing went to the DLQ: its partitions' end offsets are all 0.
    const admin = kafka.admin();
    await admin.connect();
    const dlq = await admin.fetchTopicOffsets(topics.dlq);
    await admin.disconnect();
    expect(dlq.reduce((a, p) => a + Number(p.high), 0)).toBe(0);
    await running.pop()!.stop();
  });

  it('a re-import of the same events brings nothing identifying back', async () => {
    const file = join(ts.dataDir, '..', `erasure-export-${Date.now()}.jsonl`);
    writeFileSync(file, c.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const counts = { dropped: 0, pseudonymized: 0 };
    await runImport({ format: 'events', path: file, tenant: 'acme', inThread: true }, { sink: createStoreSink(importWriter(ts.store, counts)), report: openReport(undefined) });
    const adaMessages = new Set(c.expect.adaMessages);
    expect(counts.dropped).toBe((c.events as Ev[]).filter((e) => fate(c, e, adaMessages) === 'dropped').length);
    expect(await scanForNeedles(ts.store, needles())).toEqual({});
    expect((await verifyAuditChain(ts.store, 'acme')).ok).toBe(true);
  });

  it('her text is in no file of the data directory', () => {
    const found = searchFiles(python, ts.dataDir, [c.strings.adaOnly, c.strings.adaEdit, c.people.ada.email, c.strings.kept]);
    expect(found[c.strings.kept]!.length).toBeGreaterThan(0);
    expect([found[c.strings.adaOnly], found[c.strings.adaEdit], found[c.people.ada.email]]).toEqual([[], [], []]);
  });
});
