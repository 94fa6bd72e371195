/**
 * Worker thread of an off-thread import (off-thread.ts): runs runImport in-thread
 * here, with a sink that turns each valid event into its insert line and sends
 * batches of them to the main thread, and a report and progress that forward there.
 * No store: the main thread writes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CustosError } from '../../common/errors.js';
import type { TableName } from '../../common/events/rows.js';
import type { AckMessage, WorkerMessage } from './off-thread.js';
import type { ProgressCounts } from './progress.js';
import type { ReportWriter } from './report.js';
import { runImport, type ImportOptions } from './run-import.js';
import { toInsertRow, type ImportSink, type SinkTotals } from './sinks.js';

/** Rows per message, and messages ahead of the main thread's writes (bounds memory on both sides). */
const BATCH = 5_000;
const AHEAD = 8;

const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);

let unacked = 0;
const waiting: Array<() => void> = [];
port.on('message', (m: AckMessage) => {
  if (m.kind !== 'ack') return;
  unacked--;
  waiting.shift()?.();
});

function forwardingSink(): ImportSink {
  const totals: SinkTotals = { events: 0, written: 0, duplicates: 0, byType: {} };
  let tables: TableName[] = [];
  let types: string[] = [];
  let eventIds: string[] = [];
  let times: string[] = [];
  let lines: string[] = [];
  async function send(): Promise<void> {
    if (lines.length === 0) return;
    post({ kind: 'rows', tables, types, eventIds, times, lines: lines.join('\n') });
    tables = [];
    types = [];
    eventIds = [];
    times = [];
    lines = [];
    unacked++;
    while (unacked > AHEAD) await new Promise<void>((r) => waiting.push(r));
  }
  return {
    async add(event, _raw, origin) {
      const { table, row, line } = toInsertRow(event, origin);
      tables.push(table);
      types.push(event.type);
      eventIds.push(row.event_id);
      times.push(row.time);
      lines.push(line!);
      totals.events++;
      totals.byType[event.type] = (totals.byType[event.type] ?? 0) + 1;
      if (lines.length >= BATCH) await send();
    },
    async flush() {
      await send();
      return totals;
    },
    close: async () => {},
  };
}

const report: ReportWriter = {
  assumption: (text) => post({ kind: 'assumption', text }),
  problem: (problem) => post({ kind: 'problem', problem }),
  notArchived: (record) => post({ kind: 'not_archived', record }),
  summary: () => {},
  close: async () => {},
};

const progress = { update: (counts: ProgressCounts) => post({ kind: 'progress', counts }), stop: () => {} };

runImport(workerData as ImportOptions, { sink: forwardingSink(), report, progress }).then(
  (summary) => post({ kind: 'done', summary }),
  (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ kind: 'failed', name: e.name, message: e.message, custos: err instanceof CustosError });
  },
);
