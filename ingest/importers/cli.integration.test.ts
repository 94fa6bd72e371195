/**
 * `custos import` as a user runs it: the built CLI (dist/, built by `npm test` or
 * `npx tsc -p tsconfig.json`) in a child process with its own data directory.
 * Exit codes, the one-line summary and errors on stderr, the report file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const fixtures = join(repoRoot, 'test', 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'custos-import-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function custos(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', CUSTOS_DATA_DIR: join(work, 'data'), LOG_LEVEL: 'warn', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('custos import (CLI)', () => {
  it('is built', () => {
    expect(existsSync(cli), `${cli} missing: run npx tsc -p tsconfig.json`).toBe(true);
  });

  it('imports, prints one summary line, writes the report, and exits 3 when records were not imported', () => {
    const report = join(work, 'events.jsonl');
    const r = custos(['import', 'events', join(fixtures, 'events', 'replay.jsonl'), '--tenant', 'acme', '--report', report]);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^custos import events: 12 records -> 7 events in [\d.]+s \(\d+ records\/s\): 6 stored, 1 already in the archive, 5 not imported; report .*events\.jsonl$/),
    ]);
    expect(r.code).toBe(3);
    const lines = readFileSync(report, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.kind === 'problem').map((l) => l.at)).toEqual(['#9', '#10', '#11', '#12', '#13']);
    expect(lines.at(-1)).toMatchObject({ kind: 'summary', written: 6, problems: 5 });
    const again = custos(['import', 'events', join(fixtures, 'events', 'replay.jsonl'), '--tenant', 'acme', '--report', report]);
    expect(again.stderr).toMatch(/: 0 stored, 7 already in the archive, 5 not imported/);
  });

  it('a line it cannot read (a field nested 40,000 deep) is reported, the other lines are imported, exit 3', () => {
    const event = (id: string, extra = '') => `{"specversion":"1.0","id":"${id}","source":"test://cli","type":"message.created","time":"2026-11-24T10:00:00Z","tenant":"deep","data":{"message_id":"${id}","conversation_id":"c","conversation_type":"channel","author_id":"u","text":"t"${extra}}}`;
    const file = join(work, 'deep.jsonl');
    writeFileSync(file, [event('d1'), event('d2', `,"x":${'['.repeat(40_000)}${']'.repeat(40_000)}`), event('d3')].join('\n') + '\n');
    const report = join(work, 'deep-report.jsonl');
    const r = custos(['import', 'events', file, '--tenant', 'deep', '--report', report]);
    expect(r.stderr).toMatch(/^custos import events: 3 records -> 2 events .*: 2 stored, 0 already in the archive, 1 not imported; report /);
    expect(r.code).toBe(3);
    const lines = readFileSync(report, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.kind === 'problem').map((l) => l.at)).toEqual(['#2']);
    expect(lines.at(-1)).toMatchObject({ kind: 'summary', written: 2, problems: 1 });
  });

  it('exits 0 on a clean import; the default report goes to the working directory', () => {
    const irc = resolve(repoRoot, '..', 'shared', 'data', 'irc-ubuntu', 'dev', '2004-11-15_03.raw.txt');
    const clean = custos(['import', 'chatlog', irc, '--tenant', 'irc', '--channel', '#ubuntu']);
    expect(clean.code).toBe(0);
    expect(clean.stderr).toMatch(/^custos import chatlog: 1250 records -> 1250 events .*: 1250 stored, 0 already in the archive, 0 not imported; 1 assumption\(s\) in the report; report custos-import-chatlog-\d{8}T\d{6}\.jsonl\n$/);
    expect(readdirSync(work).filter((f) => f.startsWith('custos-import-chatlog-'))).toHaveLength(1);
    const zip = custos(['import', 'slack', join(fixtures, 'slack-zip', 'workspace.zip'), '--tenant', 'zip', '--report', join(work, 'slack.jsonl')]);
    expect(zip.code).toBe(3);
    expect(zip.stderr).toMatch(/3 not imported/);
  });

  it('fails with one line and writes nothing on bad input', () => {
    const cases: Array<[string[], RegExp, Record<string, string>?]> = [
      [['import', 'wechat', fixtures, '--tenant', 'a'], /^custos: format: "wechat" is not one of slack, mattermost, teams, chatlog, events\n$/],
      [['import', 'events', fixtures, '--tenant', '../etc'], /^custos: --tenant: "..\/etc" is not a tenant id/],
      [['import', 'chatlog', fixtures, '--tenant', 'a', '--timezone', 'Mars/Olympus'], /^custos: --timezone: "Mars\/Olympus" is not an IANA time zone name/],
      [['import', 'slack', join(work, 'nope.zip'), '--tenant', 'a'], /^custos: .*nope\.zip: no such file or folder\n$/],
      [['import', 'events', fixtures, '--tenant', 'a', '--to-kafka'], /^custos: --to-kafka needs KAFKA_BROKERS\n$/],
      [['import', 'events', join(fixtures, 'events'), '--tenant', 'acme', '--strict', '--report', join(work, 'strict.jsonl')], /^custos: --strict: replay.jsonl#9 cannot be imported: unknown_type: type: "message.exploded" is not an event type of the contract\n$/],
    ];
    for (const [args, line] of cases) {
      const r = custos(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(line);
    }
    expect(readdirSync(work).filter((f) => f.startsWith('custos-import-') && !f.startsWith('custos-import-chatlog-'))).toEqual([]);
    // --strict still leaves the fatal record in its report.
    expect(readFileSync(join(work, 'strict.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.kind === 'problem')).toEqual([
      { kind: 'problem', file: 'replay.jsonl', at: '#9', reason: 'unknown_type', detail: 'type: "message.exploded" is not an event type of the contract' },
    ]);
  });
});
