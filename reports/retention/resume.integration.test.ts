/**
 * A retention run stopped after its first statement resumes from its checkpoint:
 * same instant and cut-offs, the statements done are not repeated, what is left is
 * removed, and the receipt reports the plan of the first attempt.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { createLogger } from '../../common/logger.js';
import { savePolicy } from '../../common/retention/policy-store.js';
import { parsePolicy } from '../../common/retention/policy.js';
import type { Job } from '../../common/jobs/job-model.js';
import type { JobContext } from '../jobs/job-kind.js';
import { retentionJobKind, type RetentionParams } from './retention-job.js';
import { TEST_POLICY, agedArchive, expectedGone, storeArchive, type AgedArchive } from './testing/aged-archive.js';

let ts: TestStore;
let archive: AgedArchive;

beforeAll(async () => {
  ts = await openTestStore('retention-resume');
  archive = agedArchive();
  await storeArchive(ts.store, archive);
  await savePolicy(ts.store, 'acme', parsePolicy(TEST_POLICY), 'test');
}, 120_000);
afterAll(async () => ts?.close());

type Checkpoint = { as_of: string; statements: Array<{ table: string; partition: string }>; planned: { families: Record<string, number> } };

function context(checkpoint: Checkpoint | undefined, signal: AbortSignal, saved: Checkpoint[]): JobContext<RetentionParams, never> {
  const workDir = join(ts.dataDir, 'jobs', 'acme', 'job_resume00000000');
  mkdirSync(workDir, { recursive: true });
  const job = { tenant: 'acme', id: 'job_resume00000000' } as Job;
  return {
    job, params: { dry_run: false }, store: ts.store, log: createLogger('silent'), signal, workDir, checkpoint: checkpoint as never,
    saveCheckpoint: async (c) => void saved.push(JSON.parse(JSON.stringify(c)) as Checkpoint), progress: () => undefined, requestedBy: 'test', approvedBy: '',
  };
}

describe('retention resume', () => {
  it('goes on from the checkpoint after a stop', async () => {
    const kind = retentionJobKind({ dataDir: ts.dataDir });
    const saved: Checkpoint[] = [];
    const stop = new AbortController();
    const first = context(undefined, stop.signal, saved);
    const save = first.saveCheckpoint;
    first.saveCheckpoint = async (c) => {
      await save(c);
      if ((c as unknown as Checkpoint).statements.length === 1) stop.abort(new Error('process stopped'));
    };
    await expect(kind.run(first)).rejects.toThrow('process stopped');
    const at = saved[saved.length - 1]!;
    expect(at.statements).toHaveLength(1);

    const resumed: Checkpoint[] = [];
    const outcome = await kind.run(context(at, new AbortController().signal, resumed));
    const end = resumed[resumed.length - 1]!;
    expect(end.as_of).toBe(at.as_of);
    expect(end.statements[0]).toEqual(at.statements[0]);
    const keys = end.statements.map((s) => `${s.table}/${s.partition}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(outcome.summary.removed).toEqual(at.planned.families);
    for (const t of ['message_versions', 'reactions', 'calls']) {
      const [r] = await ts.store.query<{ n: string }>('test: count', `SELECT count() AS n FROM ${t} WHERE tenant = 'acme'`);
      expect(Number(r!.n), t).toBe(archive.records.filter((x) => x.tenant === 'acme' && x.table === t).length - expectedGone(archive, 'acme', t, ['gone', 'held']));
    }
  });
});
