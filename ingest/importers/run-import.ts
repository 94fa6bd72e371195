/**
 * One import run: read the export with the format's importer, validate every
 * event with the contract Kafka ingest uses (validateEvent), hand the valid ones
 * to the sink (store or Kafka), and report everything that was not mapped or not
 * valid. `strict` makes the first such record fatal.
 */
import { basename } from 'node:path';
import { validateEvent } from '../../common/events/validate.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { CustosError } from '../../common/errors.js';
import { openExportFiles } from './export-files.js';
import { importerFor } from './formats.js';
import type { Problem, ReportWriter } from './report.js';
import { offThreadAvailable, runImportOffThread } from './off-thread.js';
import { takesPreparedRows, type ImportSink, type SinkTotals } from './sinks.js';
import type { Progress } from './progress.js';
import { RecordError, recordErrorProblem } from './record-guard.js';
import { checkTimeZone } from './timezone.js';
import type { EventItem, ImportFormat, ImporterContext, ProblemItem } from './types.js';

export interface ImportOptions {
  format: ImportFormat;
  path: string;
  tenant: string;
  timezone?: string;
  channel?: string;
  strict?: boolean;
  /** Read and map on this thread even where a store sink could take the rows from a worker (off-thread.ts). */
  inThread?: boolean;
}

export interface ImportSummary extends SinkTotals {
  format: ImportFormat;
  path: string;
  tenant: string;
  records: number;
  problems: number;
  problemsByReason: Record<string, number>;
  /** Records of documented types that carry no chat record, per type (see NotArchivedItem). */
  notArchived: number;
  notArchivedByType: Record<string, number>;
  assumptions: string[];
  ms: number;
}

/** `--strict` and the first record that could not be imported. */
export class ImportProblemError extends CustosError {
  constructor(readonly problem: Problem) {
    super(`--strict: ${problem.file}${problem.at} cannot be imported: ${problem.reason}: ${problem.detail}`);
  }
}

const problemOf = (p: ProblemItem): Problem => ({ file: p.file, at: p.at, reason: p.reason, detail: p.detail });

export interface ImportDeps {
  sink: ImportSink;
  report: ReportWriter;
  progress?: Progress;
}

export async function runImport(o: ImportOptions, deps: ImportDeps): Promise<ImportSummary> {
  if (!TENANT_PATTERN.test(o.tenant)) throw new CustosError(`--tenant: "${o.tenant}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
  const timezone = checkTimeZone(o.timezone ?? 'UTC');
  // --strict stops at the exact first bad record, which only the in-thread path knows.
  if (!o.strict && !o.inThread && takesPreparedRows(deps.sink) && offThreadAvailable()) {
    return runImportOffThread({ ...o, timezone, inThread: true }, { ...deps, sink: deps.sink });
  }
  return runInThread({ ...o, timezone }, deps);
}

/** The import on this thread: the importer's items are validated, stored and counted one by one. */
async function runInThread(o: ImportOptions & { timezone: string }, deps: ImportDeps): Promise<ImportSummary> {
  const { sink, report, progress } = deps;
  const timezone = o.timezone;
  const started = Date.now();
  const assumptions: string[] = [];
  const problemsByReason: Record<string, number> = {};
  let problems = 0;
  let notArchived = 0;
  const notArchivedByType: Record<string, number> = {};
  let records = 0;
  let files = 0;
  let totalFiles = 0;
  const ctx: ImporterContext = {
    tenant: o.tenant,
    timezone,
    ...(o.channel ? { channel: o.channel } : {}),
    assume(text) {
      if (assumptions.includes(text)) return;
      assumptions.push(text);
      report.assumption(text);
    },
  };
  const onProblem = (p: Problem) => {
    problems++;
    problemsByReason[p.reason] = (problemsByReason[p.reason] ?? 0) + 1;
    report.problem(p);
    if (o.strict) throw new ImportProblemError(p);
  };
  const input = await openExportFiles(o.path);
  // Origin names the export (folder or ZIP) and the file inside it: import:slack:export.zip/general/2015-07-23.json#[3]
  const where = input.kind === 'file' ? '' : `${basename(o.path)}/`;
  let events = 0;
  /** Validates one event and hands it to the sink; false when it was reported instead. */
  const storeEvent = async (item: EventItem): Promise<boolean> => {
    let valid;
    try {
      valid = validateEvent(item.event);
    } catch (err) {
      onProblem(problemOf(recordErrorProblem(item, err, 'validate')));
      return false;
    }
    if (!valid.ok) {
      onProblem({ file: item.file, at: item.at, reason: valid.reason, detail: valid.detail });
      return false;
    }
    if (valid.tenant !== o.tenant) {
      onProblem({ file: item.file, at: item.at, reason: 'tenant_mismatch', detail: `tenant: "${valid.tenant}" is not the --tenant "${o.tenant}"` });
      return false;
    }
    try {
      await sink.add(valid, item.event as Record<string, unknown>, `import:${o.format}:${where}${item.file}${item.at}`);
    } catch (err) {
      // Only the record's own conversion is its fault; a failed write ends the import.
      if (!(err instanceof RecordError)) throw err;
      onProblem(problemOf(recordErrorProblem(item, err)));
      return false;
    }
    return true;
  };
  const tick = () => progress?.update({ files, totalFiles, records, events, problems });

  try {
    for await (const item of importerFor(o.format)(input, ctx)) {
      switch (item.kind) {
        case 'file':
          files = item.index;
          totalFiles = item.total;
          tick();
          break;
        case 'record':
          if (++records % 1000 === 0) tick();
          break;
        case 'problem':
          onProblem(problemOf(item));
          break;
        case 'not_archived':
          notArchived++;
          notArchivedByType[item.what] = (notArchivedByType[item.what] ?? 0) + 1;
          report.notArchived({ file: item.file, at: item.at, what: item.what, detail: item.detail });
          break;
        case 'event':
          if (await storeEvent(item)) events++;
          break;
      }
    }
    const totals = await sink.flush();
    files = totalFiles;
    tick();
    const summary: ImportSummary = {
      format: o.format, path: o.path, tenant: o.tenant, records, ...totals,
      problems, problemsByReason, notArchived, notArchivedByType, assumptions, ms: Date.now() - started,
    };
    report.summary({ ...summary });
    return summary;
  } finally {
    progress?.stop();
    await input.close();
  }
}

/** The one line printed at the end of `custos import`. */
export function summaryLine(s: ImportSummary, target: 'store' | 'kafka', reportPath?: string): string {
  const secs = s.ms / 1000;
  const rate = Math.round(s.records / Math.max(secs, 0.001));
  const written = target === 'store' ? `${s.written} stored, ${s.duplicates} already in the archive` : `${s.written} published to Kafka`;
  const report = reportPath ? `; report ${reportPath}` : '';
  const zone = s.assumptions.length ? `; ${s.assumptions.length} assumption(s) in the report` : '';
  const kept = s.notArchived ? `, ${s.notArchived} not archived (no chat record)` : '';
  return `custos import ${s.format}: ${s.records} records -> ${s.events} events in ${secs.toFixed(1)}s (${rate} records/s): ${written}, ${s.problems} not imported${kept}${zone}${report}`;
}
