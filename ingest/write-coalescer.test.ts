import { describe, expect, it } from 'vitest';
import type { RoutedRow } from '../common/events/rows.js';
import type { EventWriter, WriteResult } from './event-writer.js';
import { createWriteCoalescer } from './write-coalescer.js';

const row = (id: string, table: RoutedRow['table'] = 'message_versions'): RoutedRow => ({ table, row: { tenant: 't', event_id: id, source: 's', time: '2026-01-01 00:00:00.000', extra: '', origin: '' } });

/** A writer that records each call and stores ids it has not seen (the real one is tested against chDB). */
function recordingWriter(): EventWriter & { calls: string[][]; fail?: unknown } {
  const seen = new Set<string>();
  const w: EventWriter & { calls: string[][]; fail?: unknown } = {
    calls: [],
    async write(rows) {
      w.calls.push(rows.map((r) => r.row.event_id));
      await new Promise((r) => setTimeout(r, 20));
      if (w.fail) throw w.fail;
      const stored = rows.map((r) => (seen.has(r.row.event_id) ? false : (seen.add(r.row.event_id), true)));
      const inserted = stored.filter(Boolean).length;
      return { inserted, duplicates: rows.length - inserted, byTable: { message_versions: inserted }, stored } satisfies WriteResult;
    },
  };
  return w;
}

describe('write coalescer', () => {
  it('writes batches that arrive during a write together, and gives each caller its own outcome', async () => {
    const inner = recordingWriter();
    const w = createWriteCoalescer(inner);
    const first = w.write([row('a'), row('b')]);
    const second = w.write([row('c'), row('a')]);
    const third = w.write([row('d', 'reactions')]);
    const [r1, r2, r3] = await Promise.all([first, second, third]);
    expect(inner.calls).toEqual([['a', 'b'], ['c', 'a', 'd']]);
    expect(r1).toMatchObject({ inserted: 2, duplicates: 0 });
    expect(r2).toMatchObject({ inserted: 1, duplicates: 1, stored: [true, false], byTable: { message_versions: 1 } });
    expect(r3).toMatchObject({ inserted: 1, duplicates: 0, byTable: { reactions: 1 } });
  });

  it('fails every caller of a failed write and recovers for the next', async () => {
    const inner = recordingWriter();
    const w = createWriteCoalescer(inner);
    const a = w.write([row('x')]);
    inner.fail = new Error('store down');
    const b = w.write([row('y')]);
    const c = w.write([row('z')]);
    await expect(a).rejects.toThrow('store down');
    await expect(b).rejects.toThrow('store down');
    await expect(c).rejects.toThrow('store down');
    inner.fail = undefined;
    await expect(w.write([row('y')])).resolves.toMatchObject({ inserted: 1 });
  });
});
