/**
 * Questions asked at the same moment (a dashboard's summary and series both need the
 * manager's scope): one computation serves every caller at the same data version, each
 * gets its own copy, a failure reaches every waiter and is not remembered, and a
 * write in between makes a new computation. Real embedded store (its write counts are
 * the data version).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../test/helpers/store.js';
import { createAnswerCache } from './answer-cache.js';

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore('answer-cache-inflight');
});
afterAll(async () => t?.close());

/** A computation that answers when told to, counting its runs. */
function gate<T>(value: () => T) {
  let runs = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((r) => (open = r));
  return { compute: async () => { runs++; await opened; return value(); }, open: () => open(), runs: () => runs };
}

describe('answers computed once for callers asking together', () => {
  it('three callers of one key at one version: one computation, equal answers, each its own copy', async () => {
    const cache = createAnswerCache(t.store);
    const version = await cache.version();
    const g = gate(() => ({ departments: ['D3'], figures: { messages: 42 } }));
    const asked = [1, 2, 3].map(() => cache.answer(version, ['scope', 'acme', 'x'], g.compute));
    g.open();
    const answers = await Promise.all(asked);
    expect(g.runs()).toBe(1);
    for (const a of answers) expect(a.value).toEqual({ departments: ['D3'], figures: { messages: 42 } });
    answers[0]!.value.figures.messages = -1;
    expect(answers[1]!.value.figures.messages).toBe(42);
    expect(answers[2]!.value.figures.messages).toBe(42);
    const later = await cache.answer(version, ['scope', 'acme', 'x'], async () => ({ departments: [], figures: { messages: 0 } }));
    expect(later.value.figures.messages).toBe(42);
  });

  it('different keys are computed apart', async () => {
    const cache = createAnswerCache(t.store);
    const version = await cache.version();
    const a = gate(() => 'a');
    const b = gate(() => 'b');
    const asked = [cache.answer(version, ['k', 1], a.compute), cache.answer(version, ['k', 2], b.compute)];
    a.open();
    b.open();
    expect((await Promise.all(asked)).map((x) => x.value)).toEqual(['a', 'b']);
    expect(a.runs() + b.runs()).toBe(2);
  });

  it('a failed computation reaches every waiter and is not remembered', async () => {
    const cache = createAnswerCache(t.store);
    const version = await cache.version();
    const g = gate((): string => {
      throw new Error('engine refused');
    });
    const asked = [1, 2].map(() => cache.answer(version, ['failing'], g.compute));
    g.open();
    for (const r of await Promise.allSettled(asked)) expect(r.status === 'rejected' && String(r.reason)).toContain('engine refused');
    expect(g.runs()).toBe(1);
    expect((await cache.answer(version, ['failing'], async () => 'now')).value).toBe('now');
  });

  it('a write between two questions: the second does not join the first computation', async () => {
    const cache = createAnswerCache(t.store);
    const before = await cache.version();
    const first = gate(() => 'before');
    const asked1 = cache.answer(before, ['changing'], first.compute);
    // Any command moves the embedded store's write count, the data version.
    await t.store.command('vitest: a write', 'CREATE TABLE vitest_inflight (x UInt8) ENGINE = Memory');
    const after = await cache.version();
    expect(after.full).not.toBe(before.full);
    const second = gate(() => 'after');
    const asked2 = cache.answer(after, ['changing'], second.compute);
    first.open();
    second.open();
    expect((await asked1).value).toBe('before');
    expect((await asked2).value).toBe('after');
    expect(first.runs() + second.runs()).toBe(2);
  });
});
