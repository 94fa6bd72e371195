/**
 * CloudEvents JSON Lines exactly as on Kafka (replays, backfills): each line is
 * one event, passed to the same validation as Kafka ingest. Ids are the events'
 * own, so a replay stores nothing twice.
 */
import type { ExportFiles } from './export-files.js';
import { pickFiles, readLines } from './export-files.js';
import type { ImportItem, ImporterContext } from './types.js';

export async function* importEvents(files: ExportFiles, ctx: ImporterContext): AsyncGenerator<ImportItem> {
  const names = pickFiles(files, (n) => !/(^|\/)\./.test(n) && /\.(jsonl|ndjson|json)$/i.test(n), 'JSON Lines (*.jsonl, *.ndjson, *.json)', ctx.assume);
  for (const [i, file] of names.entries()) {
    yield { kind: 'file', name: file, index: i + 1, total: names.length };
    for await (const { line, n } of readLines(files, file)) {
      if (line.trim() === '') continue;
      yield { kind: 'record' };
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        yield { kind: 'problem', file, at: `#${n}`, reason: 'not_json', detail: `not valid JSON: ${(err as Error).message.slice(0, 200)}` };
        continue;
      }
      yield { kind: 'event', event: value as Record<string, unknown>, file, at: `#${n}` };
    }
  }
}
