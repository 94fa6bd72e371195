/**
 * A worker thread of the analyzer pool (analyzer-pool.ts): analyses the messages it
 * is sent with its own analyzer (its own stem caches, warm across the run's slices)
 * and answers the rows as JSONCompactEachRow lines, so the main thread only joins
 * strings and hands them to the store.
 */
import { parentPort } from 'node:worker_threads';
import { createAnalyzer } from './analyze.js';
import { topicLines, type SourceMessage } from './topic-store.js';

export interface AnalyzeRequest { id: number; tenant: string; runSeq: number; messages: SourceMessage[] }
export type AnalyzeResponse = { id: number; lines: string } | { id: number; error: string };

const analyze = createAnalyzer();
const port = parentPort!;
port.on('message', (req: AnalyzeRequest) => {
  try {
    const lines = topicLines(req.tenant, req.runSeq, req.messages, analyze);
    port.postMessage({ id: req.id, lines } satisfies AnalyzeResponse);
  } catch (err) {
    port.postMessage({ id: req.id, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies AnalyzeResponse);
  }
});
