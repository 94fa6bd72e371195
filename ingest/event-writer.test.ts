import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent, type ValidEvent } from '../common/events/validate.js';
import { toRow } from '../common/events/rows.js';
import { createEventWriter } from './event-writer.js';
import { openTestStore, type TestStore } from '../test/helpers/store.js';
import { oneOfEveryType } from '../test/helpers/events.js';

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('writer');
});
afterAll(async () => ts?.close());

const rowsOf = (tenant: string, prefix: string) =>
  oneOfEveryType(tenant, prefix).map((e) => toRow(validateEvent(e) as ValidEvent, 'test'));

describe('event writer', () => {
  it('stores each event once: within a batch, across batches and across tables', async () => {
    const writer = createEventWriter(ts.store);
    const rows = rowsOf('w1', 'a');
    const first = await writer.write([...rows, ...rows.slice(0, 3)]);
    expect(first.inserted).toBe(rows.length);
    expect(first.duplicates).toBe(3);
    const again = await writer.write(rows);
    expect(again).toMatchObject({ inserted: 0, duplicates: rows.length });
    const [n] = await ts.store.query<{ n: string }>('test', "SELECT (SELECT count() FROM message_versions WHERE tenant = 'w1') + (SELECT count() FROM admin_events WHERE tenant = 'w1') + (SELECT count() FROM reactions WHERE tenant = 'w1') AS n");
    expect(Number(n!.n)).toBe(2 + 16 + 2);
  });

  it('keeps tenants apart: the same event id in two tenants is two events', async () => {
    const writer = createEventWriter(ts.store);
    const r1 = await writer.write(rowsOf('t-a', 'same'));
    const r2 = await writer.write(rowsOf('t-b', 'same'));
    expect(r1.inserted).toBe(r2.inserted);
    expect(r2.duplicates).toBe(0);
  });
});
