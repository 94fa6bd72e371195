/**
 * `custos topics exclusions|exclude|include` as real child processes on their own data
 * directory: an objection recorded from the host is what the API and the topic run
 * read (the same table), the person acting is kept by pseudonym only, a lifted
 * exclusion is listed with its later time, a bad flag is one line naming it, and every
 * command is in the tenant's audit chain, refusals included.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, expectOneLineError, runCli } from '../test/helpers/cli.js';
import { testDataDir, withStoreAt } from '../test/helpers/store.js';
import { migrate } from '../migrations/runner.js';

const dataDir = testDataDir('cli-topics');
const env = { CUSTOS_DATA_DIR: dataDir };

beforeAll(async () => {
  await withStoreAt(dataDir, 'cli-topics', (s) => migrate(s));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const json = cliJson;
const oneLine = (r: { status: number | null; stderr: string }, flag: string) => expectOneLineError(r, `${flag}: `);

describe('custos topics', () => {
  it('records an objection, lists it, and lifts it later', () => {
    const ex = json(runCli(['topics', 'exclude', '--tenant', 'acme', '--conversation', 'C-works-council', '--reason', 'objection', '--by', 'Ann DPO', '--note', 'letter 2026-114', '--json'], env));
    expect(ex).toMatchObject({ conversation_id: 'C-works-council', excluded: true, reason: 'objection', note: 'letter 2026-114' });
    expect(ex.changed_by).not.toContain('Ann');
    expect(ex.changed_by.length).toBeGreaterThan(0);

    const listed = json(runCli(['topics', 'exclusions', '--tenant', 'acme', '--json'], env));
    expect(listed.items).toEqual([ex]);

    const lifted = json(runCli(['topics', 'include', '--tenant', 'acme', '--conversation', 'C-works-council', '--reason', 'policy', '--by', 'Ann DPO', '--json'], env));
    expect(lifted.excluded).toBe(false);
    expect(lifted.changed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(lifted.changed_at)).toBeGreaterThan(Date.parse(ex.changed_at));
    const after = json(runCli(['topics', 'exclusions', '--tenant', 'acme', '--json'], env));
    expect(after.items).toHaveLength(1);
    expect(after.items[0]).toMatchObject({ conversation_id: 'C-works-council', excluded: false, reason: 'policy' });
    expect(after.items[0].changed_by).toBe(ex.changed_by);
  });

  it('refuses bad flags in one line naming the flag', () => {
    oneLine(runCli(['topics', 'exclude', '--tenant', 'acme', '--conversation', 'C-1', '--reason', 'dislike', '--by', 'Ann DPO'], env), '--reason');
    oneLine(runCli(['topics', 'exclude', '--tenant', 'acme', '--conversation', 'C\u0001', '--reason', 'policy', '--by', 'Ann DPO'], env), '--conversation');
    oneLine(runCli(['topics', 'exclude', '--tenant', 'acme', '--conversation', 'C-1', '--reason', 'policy', '--by', ' '], env), '--by');
    oneLine(runCli(['topics', 'exclusions', '--tenant', 'no tenant'], env), '--tenant');
  });

  it('audited every command that reached the store, under the operator and the person acting', async () => {
    const rows = await withStoreAt(dataDir, 'cli-topics', (s) => s.query<{ action: string; status: number; params: string }>('test: audit',
      "SELECT action, status, params FROM audit_log WHERE tenant = 'acme' AND action LIKE 'analytics.topics.exclusions.%' ORDER BY seq"));
    expect(rows.map((r) => [r.action, Number(r.status)])).toEqual([
      ['analytics.topics.exclusions.put', 200],
      ['analytics.topics.exclusions.list', 200],
      ['analytics.topics.exclusions.put', 200],
      ['analytics.topics.exclusions.list', 200],
    ]);
    expect(rows.every((r) => !String(r.params).includes('Ann DPO'))).toBe(true);
  });
});
