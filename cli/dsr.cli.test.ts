/**
 * `custos dsr ...` and `custos jobs run access` as real child processes on their own
 * data directory: JSON output with the resolved identifiers, four eyes on `--by`
 * (self-approval refused in one line), a late request listed as late, the extension
 * refused after the first month naming the flag, the access package written with
 * `--out` and verified by `custos package verify`, every command audited.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from '../test/helpers/cli.js';
import { testDataDir, withStoreAt } from '../test/helpers/store.js';
import { migrate } from '../migrations/runner.js';
import { SAM, SAM_IDS, storeSubjectArchive, subjectArchive } from '../test/helpers/subject-archive.js';

const dataDir = testDataDir('cli-dsr');
const env = { CUSTOS_DATA_DIR: dataDir };
const out = join(dataDir, '..', `access-out-${Date.now()}`);

beforeAll(async () => {
  await withStoreAt(dataDir, 'cli-dsr', async (s) => {
    await migrate(s);
    await storeSubjectArchive(s, subjectArchive());
  });
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

const json = (r: { stdout: string }) => JSON.parse(r.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const oneLine = (r: { status: number | null; stderr: string }, flag: string) => expectOneLineError(r, `${flag}: `);

describe('custos dsr', () => {
  let erasure = '';
  let access = '';
  it('opens an erasure by e-mail and prints the identifiers and counts as one JSON object', () => {
    const r = runCli(['dsr', 'open', '--tenant', 'acme', '--type', 'erasure', '--subject', SAM.email, '--by', 'Ann DPO', '--json'], env);
    expect(r.status, r.stderr).toBe(0);
    const o = json(r);
    erasure = o.request.id;
    expect(o.request.identifiers.user_ids).toEqual([...SAM_IDS].sort());
    expect(o.preview.messages_written).toBeGreaterThan(0);
    oneLine(runCli(['dsr', 'open', '--tenant', 'acme', '--type', 'copy', '--subject', 'U-SAM', '--by', 'Ann DPO'], env), '--type');
    oneLine(runCli(['dsr', 'open', '--tenant', 'acme', '--type', 'access', '--subject', 'U-SAM', '--by', 'Ann DPO', '--received', 'last week'], env), '--received');
  });

  it('refuses approval by the opener (four eyes) and approves by someone else', () => {
    oneLine(runCli(['dsr', 'approve', erasure, '--tenant', 'acme', '--by', 'Ann DPO'], env), '--by');
    const ok = runCli(['dsr', 'approve', erasure, '--tenant', 'acme', '--by', 'Bob Second', '--json'], env);
    expect(ok.status, ok.stderr).toBe(0);
    expect(json(ok)).toMatchObject({ state: 'approved', type: 'erasure' });
  });

  it('lists a request received long ago as late, and refuses its extension after the first month', () => {
    const r = runCli(['dsr', 'open', '--tenant', 'acme', '--type', 'access', '--subject', 'sam.teams', '--by', 'Ann DPO', '--received', '2026-01-31', '--json'], env);
    expect(r.status, r.stderr).toBe(0);
    access = json(r).request.id;
    expect(json(r).request).toMatchObject({ due_at: '2026-02-28T23:59:59.999Z', late: true });
    const late = json(runCli(['dsr', 'list', '--tenant', 'acme', '--late', '--json'], env));
    expect(late.items.map((i: { id: string }) => i.id)).toEqual([access]);
    oneLine(runCli(['dsr', 'extend', access, '--tenant', 'acme', '--told', '2026-02-10', '--by', 'Ann DPO'], env), '--told');
  });

  it('builds the access package with jobs run access --out, and package verify accepts it', () => {
    const r = runCli(['jobs', 'run', 'access', '--tenant', 'acme', '--request', access, '--out', out, '--json'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ kind: 'access', state: 'done' });
    expect(existsSync(join(out, 'data', 'README.fr.txt'))).toBe(true);
    const v = runCli(['package', 'verify', out], env);
    expect(v.status, v.stderr).toBe(0);
    const shown = json(runCli(['dsr', 'show', access, '--tenant', 'acme', '--json'], env));
    expect(shown.request.state).toBe('done');
    expect(shown.history.map((h: { change: string }) => h.change)).toEqual(['opened', 'job-started', 'done']);
  });

  it('audited every dsr command, refusals included', async () => {
    const rows = await withStoreAt(dataDir, 'cli-dsr', (s) => s.query<{ action: string; status: number }>('test: audit', "SELECT action, status FROM audit_log WHERE tenant = 'acme' AND action LIKE 'subject_requests.%'"));
    expect(rows.map((r) => `${r.action} ${r.status}`)).toEqual(expect.arrayContaining(['subject_requests.open 200', 'subject_requests.approve 403', 'subject_requests.approve 200', 'subject_requests.extend 409', 'subject_requests.list 200', 'subject_requests.get 200']));
  });
});
