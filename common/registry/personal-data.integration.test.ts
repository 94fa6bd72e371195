/**
 * The registry names every table and view the store has after all migrations, and
 * nothing that does not exist: a new table cannot escape retention and erasure by
 * being forgotten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { PERSONAL_DATA_REGISTRY } from './personal-data.js';

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('registry');
});
afterAll(async () => ts?.close());

describe('registry of personal data', () => {
  it('names every table and view of the store, and only those', async () => {
    const rows = await ts.store.query<{ name: string; engine: string }>('test: tables', 'SELECT name, engine FROM system.tables WHERE database = currentDatabase()');
    // A materialized view without TO keeps its rows in an inner table; the view's entry covers it.
    const inner = rows.filter((r) => r.name.startsWith('.inner'));
    const tables = rows.filter((r) => !r.name.startsWith('.inner'));
    const registered = new Set(PERSONAL_DATA_REGISTRY.map((t) => t.name));
    const missing = tables.map((t) => t.name).filter((n) => !registered.has(n));
    expect(missing, 'tables the registry does not name (add them to common/registry/personal-data.ts)').toEqual([]);
    const existing = new Set(tables.map((t) => t.name));
    expect(PERSONAL_DATA_REGISTRY.map((t) => t.name).filter((n) => !existing.has(n)), 'registered tables that do not exist').toEqual([]);
    // A view with TO writes into a registered table and has no inner table of its own.
    const views = PERSONAL_DATA_REGISTRY.filter((t) => t.kind === 'materialized-view' && t.holds !== 'none');
    expect(inner.length, 'inner tables of materialized views').toBe(views.length);
  });

  it('registers each with the kind the store says it is', async () => {
    const rows = await ts.store.query<{ name: string; engine: string }>('test: engines', 'SELECT name, engine FROM system.tables WHERE database = currentDatabase() AND NOT startsWith(name, \'.inner\')');
    const kindOf = (engine: string) => (engine === 'View' ? 'view' : engine === 'MaterializedView' ? 'materialized-view' : 'table');
    for (const r of rows) expect(PERSONAL_DATA_REGISTRY.find((t) => t.name === r.name)?.kind, r.name).toBe(kindOf(r.engine));
  });

  it('says how erasure reaches every table that holds message- or person-derived data, through columns that exist', async () => {
    for (const t of PERSONAL_DATA_REGISTRY) {
      if (t.holds === 'none') continue;
      expect(t.erasure.how, t.name).not.toBe('not-applicable');
      if (t.erasure.how !== 'delete-rows') continue;
      const cols = await ts.store.query<{ name: string }>('test: columns', 'SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {t:String}', { t: t.name });
      const names = new Set(cols.map((c) => c.name));
      for (const c of [...t.erasure.subjectColumns, ...(t.erasure.pseudonymizeColumns ?? []), ...(t.erasure.textColumns ?? [])]) expect(names.has(c), `${t.name}.${c}`).toBe(true);
      if (typeof t.retention === 'object' && 'timeColumn' in t.retention) expect(names.has(t.retention.timeColumn), `${t.name}.${t.retention.timeColumn}`).toBe(true);
    }
  });
});
