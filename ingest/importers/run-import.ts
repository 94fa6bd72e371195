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
import type { ImportSink, SinkTotals } from './sinks.js';
import type { Progress } from './progress.js';
import { checkTimeZone } from './timezone.js';
import type { ImportFormat, ImporterContext } from './types.js';

export interface ImportOptions {
  format: ImportFormat;
  path: string;
  tenant: string;
  timezone?: string;
  channel?: string;
  strict?: boolean;
}

export interface ImportSummary extends SinkTotals {
  format: ImportFormat;
  path: string;
  tenant: string;
  records: number;
  problems: number;
  problemsByReason: Record<string, number>;
  assumptions: string[];
  ms: number;
}

/** `--strict` and the first record that could not be imported. */
export class ImportProblemError extends CustosError {
  constructor(readonly problem: Problem) {
    super(`--strict: ${problem.file}${problem.at} cannot be imported: ${problem.reason}: ${problem.detail}`);
  }
}

export interface ImportDeps {
  sink: ImportSink;
  report: ReportWriter;
  progress?: Progress;
}

export async function runImport(o: ImportOptions, deps: ImportDeps): Promise<ImportSummary> {
  if (!TENANT_PATTERN.test(o.tenant)) throw new CustosError(`--tenant: "${o.tenant}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
  const timezone = checkTimeZone(o.timezone ?? 'UTC');
  const { sink, report, progress } = deps;
  const started = Date.now();
  const assumptions: string[] = [];
  const problemsByReason: Record<string, number> = {};
  let problems = 0;
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
  let events = 0;
  const tick = () => progress?.update({ files, totalFiles, records, events, problems });

  const input = await openExportFiles(o.path);
  // Origin names the export (folder or ZIP) and the file inside it: import:slack:export.zip/general/2015-07-23.json#[3]
  const where = input.kind === 'file' ? '' : `${basename(o.path)}/`;
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
          onProblem({ file: item.file, at: item.at, reason: item.reason, detail: item.detail });
          break;
        case 'event': {
          const valid = validateEvent(item.event);
          if (!valid.ok) {
            onProblem({ file: item.file, at: item.at, reason: valid.reason, detail: valid.detail });
          } else if (valid.tenant !== o.tenant) {
            onProblem({ file: item.file, at: item.at, reason: 'tenant_mismatch', detail: `tenant: "${valid.tenant}" is not the --tenant "${o.tenant}"` });
          } else {
            events++;
            await sink.add(valid, item.event as Record<string, unknown>, `import:${o.format}:${where}${item.file}${item.at}`);
          }
          break;
        }
      }
    }
    const totals = await sink.flush();
    files = totalFiles;
    tick();
    const summary: ImportSummary = {
      format: o.format, path: o.path, tenant: o.tenant, records, ...totals,
      problems, problemsByReason, assumptions, ms: Date.now() - started,
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
  return `custos import ${s.format}: ${s.records} records -> ${s.events} events in ${secs.toFixed(1)}s (${rate} records/s): ${written}, ${s.problems} not imported${zone}${report}`;
}
