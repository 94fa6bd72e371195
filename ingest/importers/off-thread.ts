/**
 * An import into the store with reading, mapping, validation and row serialization
 * on a worker thread (import-worker.ts), so the main thread keeps only the store's
 * seen-id checks and inserts. Measured on 2 cores: the main thread was busy the
 * whole import (mapping, validation, ids, rows and their garbage), so the store
 * waited for it; the Kafka decode pool made the same split for ingest.
 *
 * The worker runs the same runImport as the in-thread path, with a sink that sends
 * its rows here as insert lines, and a report and progress that forward here; this
 * side writes the rows through the caller's sink and adds the store's totals to the
 * worker's summary. `--strict` and the Kafka sink stay in-thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CustosError } from '../../common/errors.js';
import type { RoutedRow, TableName } from '../../common/events/rows.js';
import type { NotArchived, Problem } from './report.js';
import type { ProgressCounts } from './progress.js';
import type { ImportDeps, ImportOptions, ImportSummary } from './run-import.js';
import type { PreparedRows } from './sinks.js';

/** Rows of one batch, as the worker sends them: columns of the seen-id check, and the insert lines joined by "\n". */
export interface RowsMessage {
  kind: 'rows';
  tables: TableName[];
  types: string[];
  eventIds: string[];
  times: string[];
  /** JSONCompactEachRow lines never hold a raw newline (JSON escapes it), so one string carries them all. */
  lines: string;
}

export type WorkerMessage =
  | RowsMessage
  | { kind: 'assumption'; text: string }
  | { kind: 'problem'; problem: Problem }
  | { kind: 'not_archived'; record: NotArchived }
  | { kind: 'progress'; counts: ProgressCounts }
  | { kind: 'done'; summary: ImportSummary }
  | { kind: 'failed'; name: string; message: string; custos: boolean };

/** Sent back after each rows batch is in the sink: the worker keeps a few batches ahead, no more. */
export interface AckMessage {
  kind: 'ack';
}

const workerUrl = new URL('./import-worker.js', import.meta.url);

/** The worker exists only in the compiled build (dist/); from the TypeScript sources the import runs in-thread. */
export function offThreadAvailable(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

/** The worker failed: its error, with the message it had (the class does not cross the thread). */
export class ImportWorkerError extends CustosError {}

function rowsOf(m: RowsMessage): RoutedRow[] {
  const lines = m.lines.split('\n');
  return lines.map((line, i) => ({
    table: m.tables[i]!,
    row: { tenant: '', event_id: m.eventIds[i]!, time: m.times[i]!, source: '', extra: '', origin: '' },
    line,
  }));
}

export function runImportOffThread(o: ImportOptions, deps: ImportDeps & { sink: PreparedRows }): Promise<ImportSummary> {
  const { sink, report, progress } = deps;
  const started = Date.now();
  const worker = new Worker(workerUrl, { workerData: o });
  return new Promise<ImportSummary>((resolve, reject) => {
    let finished = false;
    let chain = Promise.resolve();
    const fail = (err: unknown) => {
      if (finished) return;
      finished = true;
      progress?.stop();
      void worker.terminate();
      reject(err);
    };
    const handle = async (m: WorkerMessage): Promise<void> => {
      switch (m.kind) {
        case 'rows': {
          const rows = rowsOf(m);
          // The worker's tenant is the import's; the seen-id check reads it from each row.
          for (const r of rows) r.row.tenant = o.tenant;
          await sink.addPrepared(rows, m.types);
          worker.postMessage({ kind: 'ack' } satisfies AckMessage);
          return;
        }
        case 'assumption':
          return report.assumption(m.text);
        case 'problem':
          return report.problem(m.problem);
        case 'not_archived':
          return report.notArchived(m.record);
        case 'progress':
          return progress?.update(m.counts);
        case 'failed':
          throw m.custos ? new ImportWorkerError(m.message) : new ImportWorkerError(`import worker: ${m.name}: ${m.message}`);
        case 'done': {
          const totals = await sink.flush();
          const summary: ImportSummary = { ...m.summary, ...totals, ms: Date.now() - started };
          report.summary({ ...summary });
          finished = true;
          progress?.stop();
          await worker.terminate();
          resolve(summary);
        }
      }
    };
    worker.on('message', (m: WorkerMessage) => {
      chain = chain.then(() => (finished ? undefined : handle(m))).catch(fail);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!finished) void chain.then(() => fail(new ImportWorkerError(`import worker exited with code ${code} before the import ended`)));
    });
  });
}
