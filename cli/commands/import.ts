/**
 * `custos import <format> <path> --tenant T`: bring exported chat history into the
 * archive through the same validation and exactly-once storage as Kafka ingest, or
 * (`--to-kafka`) publish it to the topics for the normal consumers.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { CustosError } from '../../common/errors.js';
import { importWriter } from '../../ingest/importers/erased-writer.js';
import type { ErasedCounts } from '../../ingest/erased-subjects.js';
import { createProgress } from '../../ingest/importers/progress.js';
import { openReport } from '../../ingest/importers/report.js';
import { runImport, summaryLine, type ImportSummary } from '../../ingest/importers/run-import.js';
import { createKafkaSink, createStoreSink } from '../../ingest/importers/sinks.js';
import { checkTimeZone } from '../../ingest/importers/timezone.js';
import { IMPORT_FORMATS, type ImportFormat } from '../../ingest/importers/types.js';
import { commandContext, withStore } from '../context.js';

interface ImportCliOptions {
  tenant: string;
  timezone: string;
  channel?: string;
  strict?: boolean;
  toKafka?: boolean;
  report?: string;
  batchSize: string;
}

function defaultReportPath(format: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `custos-import-${format}-${stamp}.jsonl`;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(`import exported chat history: format is one of ${IMPORT_FORMATS.join(', ')}; path is a folder, a ZIP or a file`)
    .argument('<format>', IMPORT_FORMATS.join(' | '))
    .argument('<path>', 'export folder, ZIP file or single file')
    .requiredOption('--tenant <tenant>', 'tenant id the history belongs to')
    .option('--timezone <zone>', 'IANA time zone of local times in the export (chatlog)', 'UTC')
    .option('--channel <name>', 'chatlog: one conversation with this name for all files (default: one per file)')
    .option('--strict', 'stop at the first record that cannot be imported')
    .option('--to-kafka', 'publish the events to the Kafka topics (needs KAFKA_BROKERS) instead of storing them')
    .option('--report <file>', 'JSON Lines report of assumptions and records not imported (default: custos-import-<format>-<time>.jsonl)')
    .option('--batch-size <n>', 'events per store insert or Kafka batch (rows that arrive during a write join the next one, so writes may be larger)', '50000')
    .action(async (format: string, path: string, opts: ImportCliOptions) => {
      if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw new CustosError(`format: "${format}" is not one of ${IMPORT_FORMATS.join(', ')}`);
      const batch = Number(opts.batchSize);
      if (!Number.isInteger(batch) || batch < 1 || batch > 1_000_000) throw new CustosError(`--batch-size: "${opts.batchSize}" must be a whole number from 1 to 1000000`);
      // Wrong input fails before anything is opened or written (no empty report left behind).
      if (!TENANT_PATTERN.test(opts.tenant)) throw new CustosError(`--tenant: "${opts.tenant}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
      checkTimeZone(opts.timezone);
      if (!existsSync(path)) throw new CustosError(`${path}: no such file or folder`);
      const ctx = commandContext();
      if (opts.toKafka && !ctx.config.kafka) throw new CustosError('--to-kafka needs KAFKA_BROKERS');
      const reportPath = opts.report ?? defaultReportPath(format);
      const report = openReport(reportPath);
      const options = {
        format: format as ImportFormat, path, tenant: opts.tenant, timezone: opts.timezone,
        ...(opts.channel ? { channel: opts.channel } : {}), strict: !!opts.strict,
      };
      const progress = createProgress(`import ${format}`, process.stderr);
      let summary: ImportSummary;
      const erased: ErasedCounts = { dropped: 0, pseudonymized: 0 };
      try {
        if (opts.toKafka) {
          const kafka = ctx.config.kafka!;
          const sink = await createKafkaSink({ brokers: kafka.brokers, clientId: `${kafka.clientId}-import`, topics: kafka.topics, batchRecords: batch });
          try {
            summary = await runImport(options, { sink, report, progress });
          } finally {
            await sink.close();
          }
        } else {
          summary = await withStore(ctx, `custos import ${format}`, (store) =>
            runImport(options, { sink: createStoreSink(importWriter(store, erased), batch), report, progress }));
        }
      } finally {
        await report.close();
      }
      process.stderr.write(summaryLine(summary, opts.toKafka ? 'kafka' : 'store', reportPath) + '\n');
      if (erased.dropped + erased.pseudonymized > 0) process.stderr.write(`custos import: ${erased.dropped} events of erased people dropped, ${erased.pseudonymized} pseudonymized (docs/erasure.md)\n`);
      if (summary.problems > 0) process.exitCode = 3;
    });
}
