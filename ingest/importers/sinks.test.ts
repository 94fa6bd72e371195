/**
 * The store sink's batching: rows that arrive while a write runs go together in the
 * next write, memory stays bounded, a failed write ends the import at the next add
 * or flush, and rows leave as insert lines. The writer here is a stand-in that
 * records what it is given (the real writer and store are in the integration tests).
 */
import { describe, expect, it } from 'vitest';
import { TABLE_COLUMNS, type RoutedRow } from '../../common/events/rows.js';
import { validateEvent, type ValidEvent } from '../../common/events/validate.js';
import type { EventWriter, WriteResult } from '../event-writer.js';
import { createStoreSink } from './sinks.js';

function event(i: number): ValidEvent {
  const v = validateEvent({
    specversion: '1.0', id: `e${i}`, source: 's', type: 'reaction.added', time: '2026-11-24T10:00:00Z', tenant: 't',
    data: { message_id: 'm', conversation_id: 'c', user_id: `u${i}`, emoji: '+1' },
  });
  if (!v.ok) throw new Error(v.detail);
  return v;
}

/** A writer whose writes end when the test says so. */
function heldWriter() {
  const batches: RoutedRow[][] = [];
  const release: Array<(err?: Error) => void> = [];
  const writer: EventWriter = {
    write(rows) {
      batches.push([...rows]);
      return new Promise<WriteResult>((resolve, reject) => {
        release.push((err) => (err ? reject(err) : resolve({ inserted: rows.length, duplicates: 0, byTable: {}, stored: rows.map(() => true) })));
      });
    },
  };
  return { writer, batches, release };
}

describe('store sink', () => {
  it('writes full batches at once and what arrives during a write together in the next one', async () => {
    const w = heldWriter();
    const sink = createStoreSink(w.writer, 2, 10);
    for (let i = 0; i < 2; i++) await sink.add(event(i), {}, `o${i}`);
    expect(w.batches.map((b) => b.length)).toEqual([2]);
    for (let i = 2; i < 7; i++) await sink.add(event(i), {}, `o${i}`);
    expect(w.batches.map((b) => b.length)).toEqual([2]);
    w.release.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    await sink.add(event(7), {}, 'o7');
    expect(w.batches.map((b) => b.length)).toEqual([2, 6]);
    const flushed = sink.flush();
    w.release.shift()!();
    expect(await flushed).toMatchObject({ events: 8, written: 8, byType: { 'reaction.added': 8 } });
    const [first] = w.batches[0]!;
    expect(JSON.parse(first!.line!)).toEqual(TABLE_COLUMNS.reactions.map((c) => first!.row[c]));
  });

  it('makes the importer wait once the rows buffered during a write reach the bound', async () => {
    const w = heldWriter();
    const sink = createStoreSink(w.writer, 2, 4);
    for (let i = 0; i < 2; i++) await sink.add(event(i), {}, 'o');
    for (let i = 2; i < 5; i++) await sink.add(event(i), {}, 'o');
    let added = false;
    const fourth = sink.add(event(5), {}, 'o').then(() => (added = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(added).toBe(false);
    w.release.shift()!();
    await fourth;
    expect(w.batches.map((b) => b.length)).toEqual([2, 4]);
  });

  it('a failed write ends the import at the next add', async () => {
    const w = heldWriter();
    const sink = createStoreSink(w.writer, 1, 10);
    await sink.add(event(0), {}, 'o');
    w.release.shift()!(new Error('store refused the insert'));
    await new Promise((r) => setTimeout(r, 0));
    await expect(sink.add(event(1), {}, 'o')).rejects.toThrow('store refused the insert');
  });
});
