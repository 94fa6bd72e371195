/**
 * The import report: one JSON object per line. First the assumptions the import
 * made (time zone, stand-in times), then one line per record that could not be
 * mapped or did not validate (file, line or JSON path, reason), one line per record
 * of a documented type that carries no chat record (`not_archived`), then the summary.
 * Nothing is dropped in silence: whatever is not stored is named here.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export interface Problem {
  file: string;
  at: string;
  reason: string;
  detail: string;
}

/** A record the export holds that carries no chat record (see NotArchivedItem). */
export interface NotArchived {
  file: string;
  at: string;
  what: string;
  detail: string;
}

export interface ReportWriter {
  assumption(text: string): void;
  problem(p: Problem): void;
  notArchived(n: NotArchived): void;
  summary(s: Record<string, unknown>): void;
  close(): Promise<void>;
}

export function openReport(path: string | undefined): ReportWriter {
  const out: WriteStream | undefined = path ? createWriteStream(path, { flags: 'w' }) : undefined;
  let failed: Error | undefined;
  out?.on('error', (err) => (failed = err));
  const line = (obj: Record<string, unknown>) => {
    if (out && !out.write(JSON.stringify(obj) + '\n')) {
      // The report is small next to the export; let the buffer grow rather than make every caller async.
    }
  };
  return {
    assumption: (text) => line({ kind: 'assumption', text }),
    problem: (p) => line({ kind: 'problem', ...p }),
    notArchived: (n) => line({ kind: 'not_archived', ...n }),
    summary: (s) => line({ kind: 'summary', ...s }),
    async close() {
      if (!out) return;
      out.end();
      if (!out.closed) await once(out, 'close');
      if (failed) throw failed;
    },
  };
}

/** A report kept in memory (tests, and callers that show problems themselves). */
export function collectingReport(): ReportWriter & { problems: Problem[]; notArchivedRecords: NotArchived[]; assumptions: string[] } {
  const problems: Problem[] = [];
  const notArchivedRecords: NotArchived[] = [];
  const assumptions: string[] = [];
  return {
    problems,
    notArchivedRecords,
    assumptions,
    assumption: (text) => void assumptions.push(text),
    problem: (p) => void problems.push(p),
    notArchived: (n) => void notArchivedRecords.push(n),
    summary: () => {},
    close: async () => {},
  };
}
