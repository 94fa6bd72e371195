/**
 * The access package's context (others' messages within `window` of each of the
 * person's own, in the same conversation) on the real store, against the rule
 * computed here from the generated events: conversations whose gaps go from the same
 * millisecond to weeks, the person's messages at the very start and end of a
 * conversation, runs of their own messages, a conversation they wrote nothing in.
 * Whatever way the read takes (whole conversations from conversation_message_keys
 * now; time ranges around their messages were tried), every case here must come out
 * as over the whole conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { storeEvents } from '../erasure/testing/harness.js';
import { readSubjectRecords } from './access-records.js';

const TENANT = 'ctx';
const ME = 'U-ME';
const START = Date.parse('2026-01-05T09:00:00Z');
let ts: TestStore;

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Msg { conversation: string; id: string; ms: number; author: string }

function archive(): Msg[] {
  const rnd = random(20261207);
  const gaps = [0, 0, 1, 40, 60_000, 1_800_000, 3_600_000, 5 * 3_600_000, 30 * 3_600_000, 9 * 86_400_000, 40 * 86_400_000];
  const out: Msg[] = [];
  for (const [c, n, share] of [['C-dense', 120, 0.15], ['C-sparse', 40, 0.3], ['C-edges', 30, 0], ['C-none', 25, 0]] as const) {
    let ms = START + Math.floor(rnd() * 86_400_000);
    for (let i = 0; i < n; i += 1) {
      ms += gaps[Math.floor(rnd() * gaps.length)]!;
      const mine = c === 'C-edges' ? i === 0 || i === n - 1 || i === 14 || i === 15 : rnd() < share;
      out.push({ conversation: c, id: `m-${c}-${String(i).padStart(3, '0')}-${Math.floor(rnd() * 1000)}`, ms, author: mine ? ME : `U-${Math.floor(rnd() * 6)}` });
    }
  }
  return out;
}

const messages = archive();

/** Others' messages within `w` rows of one of mine, per conversation in (time, id) order. */
function expectedContext(w: number): string[] {
  const keys = new Set<string>();
  for (const c of new Set(messages.map((m) => m.conversation))) {
    const list = messages.filter((m) => m.conversation === c).sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    list.forEach((m, i) => {
      if (m.author !== ME) return;
      for (let j = Math.max(0, i - w); j <= Math.min(list.length - 1, i + w); j += 1) if (list[j]!.author !== ME) keys.add(`${c}/${list[j]!.id}`);
    });
  }
  return [...keys].sort();
}

beforeAll(async () => {
  ts = await openTestStore('access-context');
  await storeEvents(ts.store, messages.map((m, i) => ({
    specversion: '1.0', id: `ev-ctx-${i}`, source: 'test://context', type: 'message.created', time: new Date(m.ms).toISOString(), tenant: TENANT,
    data: { message_id: m.id, conversation_id: m.conversation, conversation_type: 'channel', author_id: m.author, text: `text of ${m.id}`, mentions: [] },
  })));
}, 120_000);

afterAll(async () => {
  await ts?.close();
});

describe('the context of an access package', () => {
  it.each([1, 2, 5, 40])('is every other message within %i of one of the person\'s, as over the whole conversation', async (w) => {
    const records = await readSubjectRecords(ts.store, TENANT, { userIds: [ME], emails: [], displayNames: [] }, { asOf: new Date(Date.now() + 60_000).toISOString(), contextWindow: w });
    const got = records.context.map((r) => `${r.conversation_id}/${r.message_id}`);
    expect([...got].sort()).toEqual(expectedContext(w));
    // Each with its own text and author, in conversation and time order.
    const byKey = new Map(messages.map((m) => [`${m.conversation}/${m.id}`, m]));
    for (const r of records.context) {
      const m = byKey.get(`${r.conversation_id}/${r.message_id}`)!;
      expect([r.author_id, r.text, r.time]).toEqual([m.author, `text of ${m.id}`, new Date(m.ms).toISOString()]);
    }
    expect(records.context.filter((r) => r.conversation_id === 'C-none')).toEqual([]);
  });
});
