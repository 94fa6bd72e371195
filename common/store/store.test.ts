/** The store wrapper on the real embedded engine: per-call settings must not outlive their call. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { StoreError } from '../errors.js';

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('store');
});
afterAll(async () => ts?.close());

const setting = async (name: string) =>
  (await ts.store.query<{ v: string }>('test: read setting', 'SELECT toString(getSetting({name:String})) AS v', { name }))[0]!.v;

describe('store wrapper', () => {
  it("does not let one call's settings leak into the next (chDB applies them session-wide)", async () => {
    await ts.store.query('test: indexes off', 'SELECT 1', {}, { use_skip_indexes: 0, use_index_for_in_with_subqueries: 0 });
    expect(await setting('use_skip_indexes')).toBe('true');
    expect(await setting('use_index_for_in_with_subqueries')).toBe('true');
    await ts.store.command('test: sync mutation', 'SELECT 1', {}, { mutations_sync: '2' });
    expect(await setting('mutations_sync')).toBe('0');
  });

  it('refuses a setting it does not reset, naming it', async () => {
    await expect(ts.store.query('test', 'SELECT 1', {}, { max_threads: 1 })).rejects.toThrow(/setting max_threads is not in VARIABLE_SETTINGS/);
  });

  it('bounds reads by the query timeout but not writes', async () => {
    expect(await setting('max_execution_time')).toBe('30');
    await ts.store.command('test: write', 'CREATE TABLE IF NOT EXISTS t_write (x UInt8) ENGINE = Memory');
    expect(await setting('max_execution_time')).toBe('30'); // the read above sets it again for itself
  });
});

describe('raw inserts and key lookups', () => {
  it('inserts JSONCompactEachRow bytes and reports a refused row with ClickHouse\'s error code', async () => {
    await ts.store.command('test: kv table', 'CREATE TABLE t_kv (key String, v UInt32) ENGINE = EmbeddedRocksDB PRIMARY KEY key');
    await ts.store.insertRaw('test: insert', 't_kv', ['key', 'v'], Buffer.from('["a",1]\n["b",2]\n["it\'s \\"quoted\\"",3]\n'));
    const err = await ts.store.insertRaw('ingest: insert t_kv', 't_kv', ['key', 'v'], Buffer.from('["c","not a number"]\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toMatch(/^\d+$/);
    expect((err as StoreError).operation).toBe('ingest: insert t_kv');
  });

  it('finds exactly the keys asked for, any number of them', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    const found = await ts.store.lookupKeys<{ key: string; v: number }>('test: lookup', 't_kv', 'key', ['key', 'v'], ['b', 'zz', 'it\'s "quoted"', ...many]);
    expect(found.sort((x, y) => x.key.localeCompare(y.key))).toEqual([{ key: 'b', v: 2 }, { key: 'it\'s "quoted"', v: 3 }]);
    expect(await ts.store.lookupKeys('test: lookup', 't_kv', 'key', ['key'], [])).toEqual([]);
    await expect(ts.store.lookupKeys('test: lookup', 't_kv; DROP TABLE x', 'key', ['key'], ['a'])).rejects.toThrow(/not an identifier/);
  });

  it('upserts the rows whose key is new or not kept, in one pass, and returns the rows it found', async () => {
    const seen: string[][] = [];
    const found = await ts.store.upsertKeys<{ key: string; v: number }>('test: upsert', 't_kv', ['key', 'v'], [['a', 10], ['b', 20], ['new', 30]], async (rows) => {
      seen.push(rows.map((r) => r.key).sort());
      return new Set(['a']);
    });
    expect(seen).toEqual([['a', 'b']]);
    expect(found.map((r) => [r.key, r.v]).sort()).toEqual([['a', 1], ['b', 2]]);
    const now = await ts.store.lookupKeys<{ key: string; v: number }>('test: lookup', 't_kv', 'key', ['key', 'v'], ['a', 'b', 'new']);
    expect(now.map((r) => [r.key, r.v]).sort()).toEqual([['a', 1], ['b', 20], ['new', 30]]);
  });
});
