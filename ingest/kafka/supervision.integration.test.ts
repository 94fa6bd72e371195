/**
 * Supervision at ingest, against the real broker and the real store: messages that
 * match each default policy, in English and in French, are in the review queue
 * within seconds of being produced; messages that must not match are not; an edit
 * that removes the text keeps the flag; conditions read the original message;
 * sampling with the same seed picks the same messages.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import type { Stoppable } from '../../common/lifecycle.js';
import { createMetrics } from '../../common/metrics.js';
import { DEFAULT_POLICIES } from '../../common/supervision/default-policies.js';
import { createPolicyStore, parsePolicyDefinition } from '../../common/supervision/policy-store.js';
import { createReviewQueue, type ReviewItem } from '../../common/supervision/review-queue.js';
import { startSupervisedIngest } from '../../test/helpers/ingest.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { cloudEvent, waitFor } from '../../test/helpers/events.js';
import { createTopics, produceJson, testKafka, uniqueTopics } from '../../test/helpers/kafka.js';
import { createEventWriter } from '../event-writer.js';
import { createWriteCoalescer } from '../write-coalescer.js';
import { superviseDepsFromStore } from '../supervision/supervise-deps.js';
import { createKafkaIngest } from './consumer.js';

const TENANT = 'sup-ingest';
const topics = uniqueTopics('supervision');
const SEED = 'fixed-seed-for-the-test';
const OTHER_SEED = 'another-seed-entirely';
let ts: TestStore;
let kafka: Kafka;
let producer: Producer;
let supervisor: Stoppable | undefined;
/** template name -> policy id */
const policyIds = new Map<string, string>();

async function createPolicy(name: string, definition: unknown): Promise<void> {
  const v = await createPolicyStore(ts.store).create(TENANT, parsePolicyDefinition(definition), 'test');
  policyIds.set(name, v.policyId);
}

const created = (id: string, text: string, conversationType = 'channel', extra: Record<string, unknown> = {}) =>
  cloudEvent('message.created', { message_id: id, conversation_id: `c-${conversationType}`, conversation_type: conversationType, author_id: 'u-alice', text, ...extra }, { tenant: TENANT });
const edited = (id: string, text: string, conversationType = 'channel') =>
  cloudEvent('message.edited', { message_id: id, conversation_id: `c-${conversationType}`, editor_id: 'u-alice', text }, { tenant: TENANT, time: '2026-11-24T10:20:00.000Z' });

async function produce(events: ReturnType<typeof created>[]): Promise<number> {
  const at = Date.now();
  await produceJson(producer, topics.messages, events.map((e) => ({ key: String(e.data.conversation_id), value: e })));
  return at;
}

async function items(): Promise<ReviewItem[]> {
  return (await createReviewQueue(ts.store).list(TENANT, {}, { limit: 10_000 })).items;
}

/** message id -> names of the policies with an item on it (of its `kind` versions). */
async function flaggedBy(kind: 'created' | 'edited' = 'created'): Promise<Map<string, string[]>> {
  const byId = new Map([...policyIds].map(([name, id]) => [id, name]));
  const out = new Map<string, string[]>();
  for (const i of await items()) {
    if (i.versionKind !== kind) continue;
    out.set(i.messageId, [...(out.get(i.messageId) ?? []), byId.get(i.policyId)!].sort());
  }
  return out;
}

beforeAll(async () => {
  ts = await openTestStore('supervision-ingest');
  for (const [name, d] of Object.entries(DEFAULT_POLICIES)) await createPolicy(name, { ...d, enabled: true });
  await createPolicy('dm_only', { name: 'DM only', severity: 'low', enabled: true, lexicon: { terms: ['dmonlyword'] }, conditions: { conversation_types: ['dm'] } });
  await createPolicy('sample_a', { name: 'Sample A', severity: 'low', enabled: true, lexicon: { terms: ['samplingword'] }, sampling: { percent: 40, seed: SEED } });
  await createPolicy('sample_b', { name: 'Sample B', severity: 'low', enabled: true, lexicon: { terms: ['samplingword'] }, sampling: { percent: 40, seed: SEED } });
  await createPolicy('sample_c', { name: 'Sample C', severity: 'low', enabled: true, lexicon: { terms: ['samplingword'] }, sampling: { percent: 40, seed: OTHER_SEED } });
  await createPolicy('disabled', { name: 'Off', severity: 'low', enabled: false, lexicon: { terms: ['lunch'] } });
  kafka = testKafka(inject('kafkaBrokers'));
  await createTopics(kafka, topics);
  producer = kafka.producer();
  await producer.connect();
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const ingest = createKafkaIngest(
    { brokers: inject('kafkaBrokers').split(','), clientId: 'custos-test', groupId: topics.groupId, topics, maxEventBytes: 512 * 1024, retryMaxMs: 500 },
    {
      writer: createWriteCoalescer(createEventWriter(ts.store)), metrics: createMetrics().ingest, log,
      supervision: superviseDepsFromStore(ts.store, log, 200),
    },
  );
  supervisor = await startSupervisedIngest(ingest);
});

afterAll(async () => {
  await supervisor?.stop();
  await producer?.disconnect();
  await ts?.close();
});

/** Each message, and the default policies that must flag it (none: it must not be flagged). */
const CASES: Array<{ id: string; text: string; expect: string[]; why: string }> = [
  { id: 'en-one-word', text: 'idiot', expect: ['threats_harassment'], why: 'a one-word message' },
  { id: 'en-phrase', text: "OK... let's take this -- to WhatsApp!", expect: ['off_channel'], why: 'a phrase across punctuation' },
  { id: 'en-stem', text: 'We are guaranteeing returns of 12% this quarter', expect: ['guaranteed_returns'], why: 'a stemmed form' },
  { id: 'en-near', text: 'please delete all these messages before Monday', expect: ['off_channel'], why: 'a proximity match' },
  { id: 'en-exception', text: 'Remember: returns are not guaranteed.', expect: [], why: 'an exception prevents the match' },
  { id: 'en-regex', text: 'use AKIAABCDEFGHIJKLMNOP for the bucket', expect: ['credentials'], why: 'a regular expression' },
  { id: 'en-key', text: 'here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow...', expect: ['credentials'], why: 'a private key' },
  { id: 'en-threat', text: 'I know where you live.', expect: ['threats_harassment'], why: 'a threat' },
  { id: 'fr-one-word', text: 'Connard', expect: ['threats_harassment'], why: 'un message d\'un mot' },
  { id: 'fr-phrase', text: 'Supprime... ce message !', expect: ['off_channel'], why: 'une phrase malgré la ponctuation' },
  { id: 'fr-stem', text: 'Des rendements garantis, promis juré', expect: ['guaranteed_returns'], why: 'une forme racinisée' },
  { id: 'fr-near', text: 'Supprimez vite tous ces messages', expect: ['off_channel'], why: 'une proximité' },
  { id: 'fr-exception', text: "Le rendement n'est pas garanti.", expect: [], why: 'une exception' },
  { id: 'fr-regex', text: 'mot de passe : Tr0ub4dor&3', expect: ['credentials'], why: 'une expression régulière' },
  { id: 'fr-threat', text: 'je vais te tuer', expect: ['threats_harassment'], why: 'une menace' },
  { id: 'no-1', text: 'Lunch at noon?', expect: [], why: 'ordinary (and the lunch policy is disabled)' },
  { id: 'no-2', text: 'Le rapport est prêt, merci', expect: [], why: 'ordinary' },
  { id: 'no-3', text: 'we should signal the change to the team', expect: [], why: 'a lexicon word in another sense' },
  { id: 'no-4', text: 'the password policy changed', expect: [], why: 'not a password line' },
];

describe('supervision at ingest', () => {
  it('flags each default policy in English and French within seconds, and nothing else', async () => {
    const producedAt = await produce(CASES.map((c) => created(c.id, c.text)));
    const expected = new Map(CASES.filter((c) => c.expect.length > 0).map((c) => [c.id, c.expect]));
    const got = await waitFor('the review queue to hold every expected flag', async () => {
      const f = await flaggedBy();
      return [...expected.keys()].every((id) => f.has(id)) ? f : undefined;
    }, 30_000, 100);
    const seconds = (Date.now() - producedAt) / 1000;
    expect(seconds).toBeLessThan(10);
    // Everything in is committed by now; nothing else may have been flagged.
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
    const item = (await items()).find((i) => i.messageId === 'en-regex')!;
    expect(item.matches).toEqual([{ kind: 'pattern', label: 'pattern:aws-access-key', start: 4, end: 24 }]);
    expect(item.severity).toBe('high');
    expect(item.state).toBe('pending');
    expect(item.policyVersion).toBe(1);
  });

  it('keeps the flag when an edit removes the text, and flags an edit that adds it', async () => {
    await produce([edited('en-one-word', 'sorry, that was rude'), edited('no-1', 'lunch? guaranteed profit, trust me')]);
    const got = await waitFor('the edit that adds a red flag to be flagged', async () => {
      const f = await flaggedBy('edited');
      return f.has('no-1') ? f : undefined;
    }, 30_000, 100);
    expect(Object.fromEntries(got)).toEqual({ 'no-1': ['guaranteed_returns'] });
    expect((await flaggedBy()).get('en-one-word')).toEqual(['threats_harassment']);
  });

  it('applies conditions to the original message, edits included', async () => {
    await produce([created('cond-channel', 'dmonlyword'), created('cond-dm', 'dmonlyword', 'dm'), created('cond-dm-edit', 'hello', 'dm')]);
    await produce([edited('cond-dm-edit', 'dmonlyword after all', 'dm')]);
    const dmOnly = policyIds.get('dm_only')!;
    const got = await waitFor('the dm-only flags', async () => {
      const mine = (await items()).filter((i) => i.policyId === dmOnly);
      return mine.length >= 2 ? mine : undefined;
    }, 30_000, 100);
    await new Promise((r) => setTimeout(r, 1000));
    const mine = (await items()).filter((i) => i.policyId === dmOnly);
    expect(mine.map((i) => [i.messageId, i.versionKind, i.conversationType]).sort()).toEqual([['cond-dm', 'created', 'dm'], ['cond-dm-edit', 'edited', 'dm']]);
    expect(got.length).toBe(2);
  });

  it('samples with the seed: the same seed picks the same messages, the share is about the percentage', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `sample-${i}`);
    await produce(ids.map((id) => created(id, `status update samplingword ${id}`)));
    // Computed here from the documented rule: HMAC-SHA256(seed, tenant \0 message id), first 4 bytes < 40% of 2^32.
    const pick = (seed: string) => ids.filter((id) => createHmac('sha256', seed).update(`${TENANT}\u0000${id}`).digest().readUInt32BE(0) < 0.4 * 2 ** 32).sort();
    const bySeed = { sample_a: pick(SEED), sample_b: pick(SEED), sample_c: pick(OTHER_SEED) };
    const total = Object.values(bySeed).reduce((n, l) => n + l.length, 0);
    const got = await waitFor('the sampled flags', async () => {
      const all = (await items()).filter((i) => i.messageId.startsWith('sample-'));
      return all.length >= total ? all : undefined;
    }, 30_000, 100);
    const of = (name: string) => got.filter((i) => i.policyId === policyIds.get(name)).map((i) => i.messageId).sort();
    expect({ sample_a: of('sample_a'), sample_b: of('sample_b'), sample_c: of('sample_c') }).toEqual(bySeed);
    expect(of('sample_a')).toEqual(of('sample_b'));
    expect(of('sample_a')).not.toEqual(of('sample_c'));
    expect(bySeed.sample_a.length).toBeGreaterThan(10);
    expect(bySeed.sample_a.length).toBeLessThan(40);
  });
});
