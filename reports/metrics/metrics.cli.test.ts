/**
 * The metrics report and the backfill through the built CLI, as an operator runs
 * them: the generated company imported with `custos import events` (the views fill
 * the tables as it is stored), `custos jobs run metrics ... --out FILE`, and bad
 * options refused with one line naming the option. The tenant has no analytics
 * settings, so its days are UTC days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test/helpers/cli.js';
import { engagementArchive, FIRST_DAY, LAST_DAY } from '../../test/helpers/engagement-archive.js';
import { localDate } from '../../test/helpers/engagement-expectations.js';

let root: string;
const env = () => ({ CUSTOS_DATA_DIR: join(root, 'data') });
const archive = engagementArchive('paris');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custos-metrics-cli-'));
  const file = join(root, 'paris.jsonl');
  writeFileSync(file, [...archive.activity, ...archive.admin].map((e) => JSON.stringify(e)).join('\n') + '\n');
  const r = runCli(['import', 'events', file, '--tenant', 'paris', '--report', join(root, 'import-report.jsonl')], env());
  expect(r.status, r.stderr).toBe(0);
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('custos jobs run metrics', () => {
  it('writes the CSV report to --out, and a backfill leaves it the same', () => {
    const messages = archive.activity.filter((e) => e.type === 'message.created' && localDate('UTC', Date.parse(e.time)) >= FIRST_DAY && localDate('UTC', Date.parse(e.time)) <= LAST_DAY).length;
    const out = join(root, 'report.csv');
    const r = runCli(['jobs', 'run', 'metrics', '--tenant', 'paris', '--from', FIRST_DAY, '--to', LAST_DAY, '--format', 'csv', '--out', out], env());
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/metrics job \S+ done in .* figures hidden by the privacy floor \(k = 5\)/);
    const csv = readFileSync(out, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('metric,period,group,value,suppressed');
    expect(csv).toContain(`\r\nmessages,summary,,${messages},\r\n`);
    const backfill = runCli(['jobs', 'run', 'metrics-backfill', '--tenant', 'paris', '--json'], env());
    expect(backfill.status, backfill.stderr).toBe(0);
    expect(JSON.parse(backfill.stdout)).toMatchObject({ kind: 'metrics-backfill', state: 'done', result: { views: 10 } });
    const again = join(root, 'again.csv');
    expect(runCli(['jobs', 'run', 'metrics', '--tenant', 'paris', '--from', FIRST_DAY, '--to', LAST_DAY, '--format', 'csv', '--out', again], env()).status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(csv);
  }, 240_000);

  it('refuses bad options with one line naming the option', () => {
    for (const [args, option] of [
      [['--from', '2026-02-30', '--to', LAST_DAY], '--from'],
      [['--from', LAST_DAY, '--to', FIRST_DAY], '--to'],
      [['--from', FIRST_DAY, '--to', LAST_DAY, '--format', 'xml'], '--format'],
      [['--to', LAST_DAY], '--from'],
    ] as const) {
      const r = runCli(['jobs', 'run', 'metrics', '--tenant', 'paris', ...args], env());
      expect(r.status, args.join(' ')).not.toBe(0);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('{'));
      expect(lines.at(-1), r.stderr).toMatch(new RegExp(`^custos: ${option}: `));
    }
  }, 120_000);
});
