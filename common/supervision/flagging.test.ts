import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compilePolicySet, flagMessages, reviewItemId, type ContextSource, type MessageOrigin, type SupervisedMessage } from './flagging.js';
import { policyDefinitionSchema, type PolicyVersion } from './policy-model.js';
import { isSampled } from './sampling.js';

const T = 'acme';
let seq = 0;
function version(def: unknown): PolicyVersion {
  const d = policyDefinitionSchema.parse(def);
  return { tenant: T, policyId: `pol_${String(++seq).padStart(16, '0')}`, version: 1, definition: { ...d, sampling: { percent: d.sampling.percent, seed: d.sampling.seed ?? 'seed-seed' } }, createdBy: 't', createdAt: '' };
}
const msg = (id: string, text: string, o: Partial<SupervisedMessage> = {}): SupervisedMessage => ({
  eventId: `e-${id}`, messageId: id, conversationId: 'C1', conversationType: 'channel', threadId: '', authorId: 'U1', time: '2026-11-24 10:00:00.000', kind: 'created', text, hasAttachments: false, ...o,
});

/** A context source over in-memory maps, counting its calls. */
function context(originals: Record<string, MessageOrigin>, departments: Record<string, string>) {
  const calls = { originals: 0, departments: 0 };
  const source: ContextSource = {
    async originals(_t, ids) {
      calls.originals += 1;
      return new Map(ids.filter((i) => originals[i]).map((i) => [i, originals[i]!]));
    },
    async departments(_t, ids) {
      calls.departments += 1;
      return new Map(ids.filter((i) => departments[i]).map((i) => [i, departments[i]!]));
    },
  };
  return { source, calls };
}

describe('flagMessages', () => {
  it('applies conditions, reading the original message for edits and the directory for departments', async () => {
    const p = version({ name: 'p', severity: 'high', lexicon: { terms: ['redflag'] }, conditions: { conversation_types: ['dm'], departments: ['Trading'], has_attachments: true } });
    const set = compilePolicySet(T, [p]);
    const { source, calls } = context({ m2: { conversationType: 'dm', authorId: 'U2', hasAttachments: true, threadId: '' } }, { U1: 'Trading', U2: 'Trading', U3: 'Sales' });
    const flags = await flagMessages(set, [
      msg('m1', 'redflag', { conversationType: 'dm', hasAttachments: true }), // all conditions hold
      msg('m2', 'redflag now', { kind: 'edited', conversationType: '', authorId: 'U9' }), // an edit: the original's type, author (U2) and attachments
      msg('m3', 'redflag', { conversationType: 'dm', hasAttachments: true, authorId: 'U3' }), // Sales
      msg('m4', 'redflag', { conversationType: 'channel', hasAttachments: true }), // not a dm
      msg('m5', 'redflag', { kind: 'edited', conversationType: '' }), // an edit of a message not in the archive: its type is unknown
      msg('m6', 'nothing here', { conversationType: 'dm', hasAttachments: true }),
    ], source);
    expect(flags.map((f) => [f.messageId, f.versionKind, f.conversationType, f.authorId])).toEqual([['m1', 'created', 'dm', 'U1'], ['m2', 'edited', 'dm', 'U2']]);
    expect(calls).toEqual({ originals: 1, departments: 1 });
    expect(flags[0]!.itemId).toBe(reviewItemId(T, p.policyId, 1, 'e-m1'));
  });

  it('reads no context when nothing matches a lexicon', async () => {
    const set = compilePolicySet(T, [version({ name: 'p', severity: 'low', lexicon: { terms: ['redflag'] }, conditions: { departments: ['x'] } })]);
    const { source, calls } = context({}, {});
    expect(await flagMessages(set, [msg('a', 'hello'), msg('b', 'world', { kind: 'edited' })], source)).toEqual([]);
    expect(calls).toEqual({ originals: 0, departments: 0 });
  });

  it('samples by a keyed hash of tenant and message id, the same for every version of a message', async () => {
    const p = version({ name: 'p', severity: 'low', lexicon: { terms: ['redflag'] }, sampling: { percent: 30, seed: 'abcdefgh-seed' } });
    const set = compilePolicySet(T, [p]);
    const ids = Array.from({ length: 200 }, (_, i) => `m${i}`);
    const { source } = context(Object.fromEntries(ids.map((id) => [id, { conversationType: 'dm', authorId: 'U1', hasAttachments: false, threadId: '' }])), {});
    const flags = await flagMessages(set, [...ids.map((id) => msg(id, 'redflag')), ...ids.map((id) => msg(id, 'redflag again', { kind: 'edited', eventId: `edit-${id}` }))], source);
    const expected = ids.filter((id) => createHmac('sha256', 'abcdefgh-seed').update(`${T}\u0000${id}`).digest().readUInt32BE(0) < 0.3 * 2 ** 32);
    const sampled = (kind: string) => flags.filter((f) => f.sampled && f.versionKind === kind).map((f) => f.messageId);
    expect(sampled('created')).toEqual(expected);
    expect(sampled('edited')).toEqual(expected);
    expect(flags).toHaveLength(400);
    expect(expected.length).toBeGreaterThan(40);
    expect(expected.length).toBeLessThan(80);
    expect(isSampled(100, 'any-seed', T, 'm1')).toBe(true);
  });
});
