/**
 * The analyzer on worker threads: a run hands each slice of messages to `threads`
 * workers (analyzer-worker.ts), a contiguous part each, and gets the slice's rows back
 * as JSON lines in the slice's order, so the analysis of a slice uses the machine's
 * cores while the store reads the next slice and writes the previous one. Each worker
 * has its own analyzer; the analysis of a message depends on its text only, so the
 * rows are those the analyzer gives in this thread (the topic tests compare).
 * The worker exists only in the compiled build (dist/); from the TypeScript sources
 * (tests) the analysis runs in this thread, as it does with `threads` 0.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Analyzer } from './analyze.js';
import type { AnalyzeRequest, AnalyzeResponse } from './analyzer-worker.js';
import { topicLines, type SourceMessage } from './topic-store.js';

const workerUrl = new URL('./analyzer-worker.js', import.meta.url);

export class AnalyzerWorkerError extends Error {}

export interface AnalyzerPool {
  /** The messages' topic_messages rows as JSONCompactEachRow lines (no trailing newline), in their order. */
  lines(tenant: string, runSeq: number, messages: SourceMessage[]): Promise<string>;
  /** Workers in use (0: this thread). */
  readonly threads: number;
  close(): Promise<void>;
}

export function workersAvailable(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

function inThread(analyze: Analyzer): AnalyzerPool {
  return {
    threads: 0,
    lines: async (tenant, runSeq, messages) => topicLines(tenant, runSeq, messages, analyze),
    close: async () => undefined,
  };
}

/** `threads` workers when the build has them (else this thread, with `analyze`). */
export function createAnalyzerPool(threads: number, analyze: () => Analyzer): AnalyzerPool {
  if (threads < 1 || !workersAvailable()) return inThread(analyze());
  const pending = new Map<number, { resolve: (lines: string) => void; reject: (err: Error) => void }>();
  let next = 0;
  let failed: Error | undefined;
  let closing = false;
  const failAll = (err: Error) => {
    failed ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(workerUrl);
    w.on('message', (res: AnalyzeResponse) => {
      const p = pending.get(res.id);
      if (!p) return;
      pending.delete(res.id);
      if ('error' in res) p.reject(new AnalyzerWorkerError(`topic analyzer worker: ${res.error}`));
      else p.resolve(res.lines);
    });
    w.on('error', (err) => failAll(new AnalyzerWorkerError(`topic analyzer worker failed: ${err.message}`)));
    w.on('exit', (code) => { if (code !== 0 && !closing) failAll(new AnalyzerWorkerError(`topic analyzer worker exited with code ${code}`)); });
    return w;
  });
  const send = (w: Worker, req: Omit<AnalyzeRequest, 'id'>) => new Promise<string>((resolve, reject) => {
    if (failed) return reject(failed);
    const id = next++;
    pending.set(id, { resolve, reject });
    w.postMessage({ ...req, id } satisfies AnalyzeRequest);
  });
  return {
    threads,
    async lines(tenant, runSeq, messages) {
      const size = Math.ceil(messages.length / threads);
      const parts = workers.map((w, i) => messages.slice(i * size, (i + 1) * size)).map((part, i) => (part.length === 0 ? Promise.resolve('') : send(workers[i]!, { tenant, runSeq, messages: part })));
      return (await Promise.all(parts)).filter((p) => p.length > 0).join('\n');
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
