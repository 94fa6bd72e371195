import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent, type ValidEvent } from '../common/events/validate.js';
import { toCompactLine, toRow, type RoutedRow } from '../common/events/rows.js';
import { createEventWriter, eventKey, EVENT_ID_TABLE } from './event-writer.js';
import { openTestStore, type TestStore } from '../test/helpers/store.js';
import { cloudEvent, DATA_BY_TYPE, oneOfEveryType } from '../test/helpers/events.js';

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('writer');
});
afterAll(async () => ts?.close());

const rowsOf = (tenant: string, prefix: string) =>
  oneOfEveryType(tenant, prefix).map((e) => toRow(validateEvent(e) as ValidEvent, 'test'));

const message = (tenant: string, id: string, time: string): RoutedRow =>
  toRow(validateEvent(cloudEvent('message.created', { ...DATA_BY_TYPE['message.created'], message_id: id }, { id, tenant, time })) as ValidEvent, 'test');

async function rowCount(tenant: string): Promise<number> {
  const [n] = await ts.store.query<{ n: string }>('test: count', 'SELECT count() AS n FROM message_versions WHERE tenant = {t:String}', { t: tenant });
  return Number(n!.n);
}

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

  it('stores an id once whatever the time of its duplicate, in the same batch or a later one', async () => {
    const writer = createEventWriter(ts.store);
    const first = await writer.write([message('anytime', 'e1', '2026-01-01T00:00:00Z'), message('anytime', 'e1', '2026-06-01T00:00:00Z')]);
    expect(first).toMatchObject({ inserted: 1, duplicates: 1, stored: [true, false] });
    const later = await writer.write([message('anytime', 'e1', '2020-03-03T03:03:03Z'), message('anytime', 'e2', '2026-01-01T00:00:00Z')]);
    expect(later).toMatchObject({ inserted: 1, duplicates: 1, stored: [false, true] });
    expect(await rowCount('anytime')).toBe(2);
    const [kept] = await ts.store.query<{ time: string }>('test', "SELECT time FROM message_versions WHERE tenant = 'anytime' AND event_id = 'e1'");
    expect(kept!.time).toBe('2026-01-01 00:00:00.000');
  });

  it('stores the rows of a write that stopped after recording its ids, once, on the replay', async () => {
    // A crash between the two steps of a write leaves ids recorded without their rows.
    const batch = [message('crash', 'c1', '2026-02-01T00:00:00Z'), message('crash', 'c2', '2026-02-01T00:00:01Z'), message('crash', 'c3', '2026-02-01T00:00:02Z')];
    const lines = batch.slice(0, 2).map((r) => JSON.stringify([eventKey(r.table, r.row.tenant, r.row.event_id), r.row.time]) + '\n').join('');
    await ts.store.insertRaw('test: ids only', EVENT_ID_TABLE, ['key', 'time'], Buffer.from(lines));
    const replay = await createEventWriter(ts.store).write(batch);
    expect(replay).toMatchObject({ inserted: 3, duplicates: 0 });
    const again = await createEventWriter(ts.store).write(batch);
    expect(again).toMatchObject({ inserted: 0, duplicates: 3 });
    expect(await rowCount('crash')).toBe(3);
  });

  it('stores an id once when its first copy stopped before its row and the second has another time', async () => {
    const first = message('crash2', 'x1', '2026-02-01T00:00:00Z');
    await ts.store.insertRaw('test: id only', EVENT_ID_TABLE, ['key', 'time'], Buffer.from(JSON.stringify([eventKey(first.table, 'crash2', 'x1'), first.row.time]) + '\n'));
    const resent = message('crash2', 'x1', '2026-03-01T00:00:00Z');
    expect(await createEventWriter(ts.store).write([resent])).toMatchObject({ inserted: 1 });
    expect(await createEventWriter(ts.store).write([first])).toMatchObject({ inserted: 0, duplicates: 1 });
    expect(await rowCount('crash2')).toBe(1);
  });

  it('writes pre-serialized insert lines like rows', async () => {
    const r = message('lines', 'l1', '2026-02-01T00:00:00Z');
    const withLine: RoutedRow = { table: r.table, row: r.row, line: toCompactLine(r.table, r.row) };
    expect(await createEventWriter(ts.store).write([withLine])).toMatchObject({ inserted: 1 });
    const [stored] = await ts.store.query<{ text: string; mentions: string[] }>('test', "SELECT text, mentions FROM message_versions WHERE tenant = 'lines'");
    expect(stored).toEqual({ text: DATA_BY_TYPE['message.created'].text, mentions: ['U2', 'U3'] });
  });

  it('writes a backlog of 60,000 rows as one insert (one part of message_versions)', async () => {
    // Fewer, larger inserts cost less CPU a row (docs/ingest.md, "After the search and analytics merges").
    const rows = Array.from({ length: 60_000 }, (_, i) => message('backlog', `b${i}`, new Date(Date.UTC(2026, 1, 1) + i * 1000).toISOString()));
    const parts = async (tenant: string) => {
      const [r] = await ts.store.query<{ n: string }>('test: parts', 'SELECT uniqExact(_part) AS n FROM message_versions WHERE tenant = {t:String}', { t: tenant });
      return Number(r!.n);
    };
    expect((await createEventWriter(ts.store).write(rows)).inserted).toBe(rows.length);
    expect(await rowCount('backlog')).toBe(rows.length);
    expect(await parts('backlog')).toBe(1);
  });
});
