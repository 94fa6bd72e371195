/**
 * Group commit for concurrent writers. Kafka ingest handles several partitions at
 * once; letting each batch run its own seen-id check and insert makes them contend
 * in the store (measured: concurrent checks took ten times longer). Instead, one
 * write runs at a time and the batches that arrive meanwhile are written together
 * in the next one: fewer, larger inserts, and decoding keeps going while the store
 * works. Each caller still gets the outcome of exactly its own rows, and an error
 * reaches every caller of the failed write, whose own retry then re-enters here.
 */
import type { RoutedRow } from '../common/events/rows.js';
import type { EventWriter, WriteResult } from './event-writer.js';

interface Waiting {
  rows: readonly RoutedRow[];
  resolve: (r: WriteResult) => void;
  reject: (err: unknown) => void;
}

function slice(all: WriteResult, from: number, rows: readonly RoutedRow[]): WriteResult {
  const stored = all.stored.slice(from, from + rows.length);
  const r: WriteResult = { inserted: 0, duplicates: 0, byTable: {}, stored };
  stored.forEach((ok, i) => {
    if (!ok) {
      r.duplicates++;
      return;
    }
    r.inserted++;
    const table = rows[i]!.table;
    r.byTable[table] = (r.byTable[table] ?? 0) + 1;
  });
  return r;
}

export function createWriteCoalescer(writer: EventWriter, maxRows = 200_000): EventWriter {
  let queue: Waiting[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      let taken = 0;
      let n = 0;
      while (taken < queue.length && (taken === 0 || n + queue[taken]!.rows.length <= maxRows)) n += queue[taken++]!.rows.length;
      const batch = queue.slice(0, taken);
      queue = queue.slice(taken);
      const rows = batch.length === 1 ? batch[0]!.rows : batch.flatMap((w) => w.rows);
      try {
        const result = await writer.write(rows);
        let from = 0;
        for (const w of batch) {
          w.resolve(batch.length === 1 ? result : slice(result, from, w.rows));
          from += w.rows.length;
        }
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    running = false;
  }

  return {
    write(rows) {
      return new Promise<WriteResult>((resolve, reject) => {
        queue.push({ rows, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}
