/** The totals cache on a real embedded store: a total is reused only while the archive's parts are unchanged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import { FIXTURE_TENANT, fixtureRows, loadFixture } from '../../test/helpers/search-fixture.js';
import { createTotalsCache, totalKey } from './totals-cache.js';

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('totals-cache');
  await loadFixture(ts.store);
});
afterAll(async () => ts?.close());

describe('totals cache', () => {
  it('counts once while nothing changes, again after an insert or a delete', async () => {
    const cache = createTotalsCache(ts.store);
    let counted = 0;
    const count = async () => {
      counted++;
      const [r] = await ts.store.query<{ n: string }>('test: count', "SELECT count() AS n FROM message_versions WHERE tenant = {t:String} AND kind = 'created'", { t: FIXTURE_TENANT });
      return Number(r!.n);
    };
    const first = await cache.total('k', count);
    expect(await cache.total('k', count)).toBe(first);
    expect(counted).toBe(1);
    await createEventWriter(ts.store).write(fixtureRows([{ id: 'new-1', type: 'message.created', time: '2026-10-20T10:00:00.000Z', data: { message_id: 'n1', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U1', text: 'new' } }]));
    expect(await cache.total('k', count)).toBe(first + 1);
    expect(counted).toBe(2);
    await ts.store.command('test: delete', "DELETE FROM message_versions WHERE tenant = {t:String} AND message_id = 'n1'", { t: FIXTURE_TENANT });
    expect(await cache.total('k', count)).toBe(first);
    expect(counted).toBe(3);
  });

  it('keys a count by its SQL and the parameters it names only (not the cursor or page size)', () => {
    const sql = 'SELECT count() FROM t WHERE a = {a:String} AND b IN {b:Array(String)}';
    expect(totalKey(sql, { a: 'x', b: ['y'], after_time: '1', limit: 5 })).toBe(totalKey(sql, { b: ['y'], a: 'x', after_time: '2', limit: 9 }));
    expect(totalKey(sql, { a: 'x', b: ['y'] })).not.toBe(totalKey(sql, { a: 'x', b: ['z'] }));
    // The tenant and the caller's visible holds are in every key, even when the SQL does not name them (the restricted keys were looked up for them).
    expect(totalKey(sql, { a: 'x', b: ['y'], tenant: 't1', visible_holds: [] })).not.toBe(totalKey(sql, { a: 'x', b: ['y'], tenant: 't2', visible_holds: [] }));
    expect(totalKey(sql, { a: 'x', b: ['y'], tenant: 't1', visible_holds: [] })).not.toBe(totalKey(sql, { a: 'x', b: ['y'], tenant: 't1', visible_holds: ['hold_x'] }));
  });

  it('needs no store query to know the archive is unchanged (embedded: the write generation)', async () => {
    const cache = createTotalsCache(ts.store);
    const before = ts.store.writeGeneration();
    expect(before).toBeDefined();
    let queried = 0;
    const counting = new Proxy(ts.store, { get: (t, p, r) => (p === 'query' ? (...a: unknown[]) => { queried++; return (t.query as (...x: unknown[]) => Promise<unknown[]>)(...a); } : Reflect.get(t, p, r)) });
    const viaProxy = createTotalsCache(counting);
    await viaProxy.total('k2', async () => 7);
    expect(await viaProxy.total('k2', async () => 8)).toBe(7);
    expect(queried).toBe(0);
    expect(await cache.remember('r', async () => ['a'])).toEqual(['a']);
    expect(await cache.remember('r', async () => ['b'])).toEqual(['a']);
    expect(ts.store.writeGeneration()).toBe(before);
  });
});
