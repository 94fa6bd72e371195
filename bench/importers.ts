/**
 * Import throughput, records/s, for the Slack and chatlog importers on synthetic
 * exports written to a temp dir:
 *  - pipeline: read + map + validate (validateEvent) + toRow, rows discarded, in process;
 *  - end to end: `custos import` as a child process into its own fresh embedded store
 *    (a separate process, so it never shares this process's chDB data directory).
 * Sizes: BENCH_IMPORT_SLACK_MESSAGES (default 100000), BENCH_IMPORT_CHATLOG_LINES (default 200000).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectingReport } from '../ingest/importers/report.js';
import { runImport } from '../ingest/importers/run-import.js';
import type { ImportSink, SinkTotals } from '../ingest/importers/sinks.js';
import { toRow } from '../common/events/rows.js';
import type { ImportFormat } from '../ingest/importers/types.js';

const here = dirname(fileURLToPath(import.meta.url));

function writeSlackExport(dir: string, messages: number): void {
  const users = Array.from({ length: 200 }, (_, i) => ({ id: `U${String(i).padStart(8, '0')}`, team_id: 'TBENCH', name: `user${i}`, real_name: `User ${i}`, profile: { email: `u${i}@example.org`, real_name: `User ${i}` } }));
  const channels = Array.from({ length: 20 }, (_, i) => ({ id: `C${String(i).padStart(8, '0')}`, name: `channel-${i}`, created: 1700000000 + i, creator: users[i]!.id, members: [] }));
  writeFileSync(join(dir, 'users.json'), JSON.stringify(users));
  writeFileSync(join(dir, 'channels.json'), JSON.stringify(channels));
  const perDay = 250;
  let n = 0;
  for (let day = 0; n < messages; day++) {
    for (const c of channels) {
      if (n >= messages) break;
      const date = new Date(Date.UTC(2024, 0, 1) + day * 864e5).toISOString().slice(0, 10);
      const list = [];
      for (let k = 0; k < perDay && n < messages; k++, n++) {
        const ts = `${1704067200 + day * 86400 + k * 60}.${String(k).padStart(6, '0')}`;
        const u = users[n % users.length]!.id;
        list.push({
          type: 'message', user: u, ts,
          text: `message ${n} about the quarterly numbers${n % 5 === 0 ? ` <@${users[(n + 1) % users.length]!.id}>` : ''} — grüße 👋`,
          ...(n % 20 === 0 ? { edited: { user: u, ts: `${1704067200 + day * 86400 + k * 60 + 30}.000000` } } : {}),
          ...(n % 10 === 0 ? { reactions: [{ name: 'thumbsup', users: [users[(n + 2) % users.length]!.id, users[(n + 3) % users.length]!.id], count: 2 }] } : {}),
          ...(n % 50 === 0 ? { subtype: 'file_share', file: { id: `F${n}`, name: `report-${n}.pdf`, mimetype: 'application/pdf', size: 1000 + n } } : {}),
        });
      }
      mkdirSync(join(dir, c.name), { recursive: true });
      writeFileSync(join(dir, c.name, `${date}.json`), JSON.stringify(list));
    }
  }
}

function writeChatlog(dir: string, lines: number): void {
  const perFile = 50_000;
  for (let f = 0; f * perFile < lines; f++) {
    const out: string[] = [];
    for (let i = 0; i < perFile && f * perFile + i < lines; i++) {
      const t = Math.floor((i / perFile) * 1440);
      const stamp = `[${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}]`;
      const nick = `nick${i % 300}`;
      if (i % 25 === 0) out.push(`=== ${nick} [~${nick}@host.example] has joined #bench`);
      else out.push(`${stamp} <${nick}> nick${(i + 7) % 300}: line ${i} of the log, with some words to index`);
    }
    writeFileSync(join(dir, `2024-01-${String(f + 1).padStart(2, '0')}.log`), out.join('\n') + '\n');
  }
}

/** A sink that maps rows like the store sink and throws them away: the importer's own cost. */
function discardSink(): ImportSink {
  const totals: SinkTotals = { events: 0, written: 0, duplicates: 0, byType: {} };
  return {
    async add(event, _raw, origin) {
      toRow(event, origin);
      totals.events++;
      totals.written++;
    },
    flush: async () => totals,
    close: async () => {},
  };
}

async function pipeline(format: ImportFormat, path: string, extra: Record<string, string> = {}): Promise<string> {
  const s = await runImport({ format, path, tenant: 'bench', ...extra }, { sink: discardSink(), report: collectingReport() });
  return `${Math.round(s.records / (s.ms / 1000))} records/s (${s.records} records -> ${s.events} events in ${(s.ms / 1000).toFixed(1)}s)`;
}

function endToEnd(format: ImportFormat, path: string, work: string, extra: string[] = []): string {
  const bin = resolve(here, '..', 'cli', 'main.js');
  const dataDir = join(work, `data-${format}`);
  const started = Date.now();
  execFileSync(process.execPath, [bin, 'import', format, path, '--tenant', 'bench', '--report', join(work, `${format}.report.jsonl`), ...extra], {
    env: { ...process.env, CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'warn', KAFKA_BROKERS: '', CLICKHOUSE_URL: '' },
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Date.now() - started;
  return `${(ms / 1000).toFixed(1)}s wall for the whole command (store open + migrate + import)`;
}

export async function runImportersBench(): Promise<void> {
  const slackMessages = Number(process.env.BENCH_IMPORT_SLACK_MESSAGES ?? 100_000);
  const chatLines = Number(process.env.BENCH_IMPORT_CHATLOG_LINES ?? 200_000);
  const work = mkdtempSync(join(tmpdir(), 'custos-bench-import-'));
  try {
    const slackDir = join(work, 'slack');
    const chatDir = join(work, 'chatlog');
    mkdirSync(slackDir);
    mkdirSync(chatDir);
    writeSlackExport(slackDir, slackMessages);
    writeChatlog(chatDir, chatLines);
    console.log(`import slack, pipeline (read+map+validate+row): ${await pipeline('slack', slackDir)}`);
    console.log(`import chatlog, pipeline (read+map+validate+row): ${await pipeline('chatlog', chatDir, { channel: '#bench' })}`);
    for (const [format, dir, extra] of [['slack', slackDir, []], ['chatlog', chatDir, ['--channel', '#bench']]] as const) {
      const wall = endToEnd(format, dir, work, [...extra]);
      const summary = readFileSync(join(work, `${format}.report.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.kind === 'summary');
      console.log(`import ${format}, end to end into chDB: ${Math.round(summary.records / (summary.ms / 1000))} records/s (${summary.records} records -> ${summary.written} rows stored in ${(summary.ms / 1000).toFixed(1)}s; ${wall})`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
