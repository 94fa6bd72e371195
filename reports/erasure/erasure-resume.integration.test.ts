/**
 * An erasure stopped after its first rank of tables resumes from its checkpoint: the request stays
 * `running` through the stop (not `failed`), the tables done are not done again (their
 * counts are kept), the rest is erased, and the result is the same as an uninterrupted
 * run: nothing of the person anywhere, the certificate's counts as the generator says.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { createLogger } from '../../common/logger.js';
import { SubjectRequestStore } from '../../common/subjects/subject-request-store.js';
import type { Job } from '../../common/jobs/job-model.js';
import type { JobContext } from '../jobs/job-kind.js';
import { erasureJobKind, type ErasureParams } from './erasure-job.js';
import { conversation, type Conversation } from './testing/conversation.js';
import { approvedErasure, scanForNeedles, storeEvents } from './testing/harness.js';
import type { CertificateBody } from './certificate.js';

type Checkpoint = { started_at: string; holds: string[]; tables: Record<string, { deleted: number; pseudonymized: number }> };

let ts: TestStore;
let c: Conversation;
let requestId: string;

beforeAll(async () => {
  ts = await openTestStore('erasure-resume');
  c = conversation('acme');
  await storeEvents(ts.store, c.events);
  requestId = (await approvedErasure(ts.store, 'acme', c.ada)).id;
}, 120_000);
afterAll(async () => ts?.close());

function context(checkpoint: Checkpoint | undefined, signal: AbortSignal, saved: Checkpoint[]): JobContext<ErasureParams, never> {
  const workDir = join(ts.dataDir, 'jobs', 'acme', 'job_resume00000000');
  mkdirSync(workDir, { recursive: true });
  return {
    job: { tenant: 'acme', id: 'job_resume00000000' } as Job, params: { request: requestId }, store: ts.store, log: createLogger('silent'), signal, workDir,
    checkpoint: checkpoint as never, saveCheckpoint: async (x) => void saved.push(JSON.parse(JSON.stringify(x)) as Checkpoint), progress: () => undefined, requestedBy: 'sr_approver', approvedBy: '',
  };
}

describe('erasure resume', () => {
  it('goes on from the checkpoint after a stop', async () => {
    const kind = erasureJobKind({ dataDir: ts.dataDir });
    const saved: Checkpoint[] = [];
    const stop = new AbortController();
    const first = context(undefined, stop.signal, saved);
    const save = first.saveCheckpoint;
    first.saveCheckpoint = async (x) => {
      await save(x);
      // Stopped once the first rank of tables (the derived copies, erasure-plan.ts) is checkpointed.
      if (Object.keys((x as unknown as Checkpoint).tables).length > 0) stop.abort(new Error('process stopped'));
    };
    await expect(kind.run(first)).rejects.toThrow('process stopped');
    expect((await new SubjectRequestStore(ts.store).get('acme', requestId)).state).toBe('running');
    const at = saved[saved.length - 1]!;
    expect(Object.keys(at.tables).length).toBeGreaterThan(0);
    expect(at.tables.message_versions).toBeUndefined();

    const resumed: Checkpoint[] = [];
    const outcome = await kind.run(context(at, new AbortController().signal, resumed));
    const end = resumed[resumed.length - 1]!;
    expect(end.started_at).toBe(at.started_at);
    for (const [t, o] of Object.entries(at.tables)) expect(end.tables[t], t).toEqual(o);
    expect(outcome.summary.state).toBe('done');
    expect((await new SubjectRequestStore(ts.store).get('acme', requestId)).state).toBe('done');
    expect(await scanForNeedles(ts.store, [c.people.ada.id, c.people.ada.email, c.people.ada.name, c.strings.adaOnly])).toEqual({});
    const cert = JSON.parse(readFileSync(join(ts.dataDir, 'jobs', 'acme', 'job_resume00000000', 'certificate.json'), 'utf8')) as CertificateBody;
    expect(cert.removed.message_versions).toEqual({ deleted: c.expect.adaVersions, pseudonymized: c.expect.mentioning.length + 1, held: 0 });
    expect(cert.removed.reactions!.deleted).toBe(c.expect.reactionsGone);
  });
});
