/**
 * The job runner on the real store and audit chain: parameters validated before a
 * job exists, progress and result stored, cancel (queued and running), a process
 * that stops mid-job and a new one that resumes from the checkpoint with nothing
 * done twice, a failure that says why and can be re-run, every change audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { AuditWriter, verifyAuditChain } from '../../common/audit/index.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { createJobAuditor } from './job-audit.js';
import { InvalidJobParamsError, JobStateError } from '../../common/jobs/job-errors.js';
import type { JobKind } from './job-kind.js';
import { JobRunner, type JobRunnerOptions } from './job-runner.js';
import { JobStore } from './job-store.js';

/** Writes one line per item; its checkpoint keeps the next item and the file length, so a resume truncates to it. */
const tally: JobKind<{ n: number; fail_at?: number | undefined }, { next: number; bytes: number }> = {
  kind: 'tally',
  params: z.object({ n: z.number().int().min(1).max(10_000), fail_at: z.number().int().optional() }).strict(),
  async run(ctx) {
    const out = join(ctx.workDir, 'out.txt');
    let next = ctx.checkpoint?.next ?? 0;
    if (existsSync(out)) truncateSync(out, ctx.checkpoint?.bytes ?? 0);
    for (; next < ctx.params.n; next++) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (next === ctx.params.fail_at) throw new Error(`item ${next} is broken`);
      appendFileSync(out, `${next}\n`);
      if ((next + 1) % 10 === 0) await ctx.saveCheckpoint({ next: next + 1, bytes: statSync(out).size });
      ctx.progress(next + 1, ctx.params.n);
      await new Promise((r) => setImmediate(r));
    }
    return { summary: { items: ctx.params.n }, files: [{ name: 'out.txt', bytes: statSync(out).size, sha256: '' }] };
  },
  describe: (o) => `${o.summary.items} items`,
};

let ts: TestStore;
let dir: string;
let audit: AuditWriter;
const by = { subjectRef: 'sr_' + 'a'.repeat(32), kind: 'user' };
const runner = (extra: Partial<JobRunnerOptions> = {}) => new JobRunner({ store: ts.store, kinds: [tally], jobsDir: dir, log: pino({ level: 'silent' }), audit: createJobAuditor(audit), leaseMs: 600, ...extra });

beforeAll(async () => {
  ts = await openTestStore('jobs');
  dir = mkdtempSync(join(tmpdir(), 'custos-jobs-'));
  audit = new AuditWriter(ts.store);
});
afterAll(async () => {
  await ts?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (r: JobRunner, job: { tenant: string; id: string }) => readFileSync(join(dir, job.tenant, job.id, 'out.txt'), 'utf8').trim().split('\n').map(Number);

describe('job runner', () => {
  it('refuses bad parameters before a job exists, naming the field', async () => {
    const r = runner();
    await expect(r.submit('t1', 'tally', { n: 0 }, by)).rejects.toThrow(InvalidJobParamsError);
    await expect(r.submit('t1', 'tally', { n: 5, extra: 1 }, by)).rejects.toThrow(/tally job: params: /);
    await expect(r.submit('t1', 'nope', {}, by)).rejects.toThrow(/job kind "nope" is not one of tally/);
    expect((await r.jobs.list('t1', { limit: 10 })).total).toBe(0);
  });

  it('runs a job to the end with its progress, result and files stored, every state change audited', async () => {
    const r = runner();
    const queued = await r.submit('t1', 'tally', { n: 30 }, by);
    expect(queued).toMatchObject({ state: 'queued', kind: 'tally', requestedBy: by.subjectRef });
    const done = await r.run(queued);
    expect(done.error).toBe('');
    expect(done).toMatchObject({ state: 'done', attempt: 1, progress: { done: 30, total: 30 }, result: { items: 30 } });
    expect(await r.get('t1', queued.id)).toMatchObject({ state: 'done', files: [{ name: 'out.txt' }], result: { items: 30 } });
    expect(lines(r, queued)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const entries = await ts.store.query<{ action: string; params: string }>('test: audit', `SELECT action, params FROM audit_log WHERE tenant = 't1' ORDER BY seq`);
    const mine = entries.filter((e) => e.params.includes(queued.id)).map((e) => e.action);
    expect(mine).toEqual(['jobs:queued', 'jobs:running', 'jobs:done']);
    expect((await verifyAuditChain(ts.store, 't1')).ok).toBe(true);
  });

  it('cancels a queued job at once and a running one at its next safe point; a finished job cannot be cancelled', async () => {
    const r0 = runner();
    const queued = await r0.submit('t2', 'tally', { n: 10 }, by);
    expect(await r0.cancel('t2', queued.id, by)).toMatchObject({ state: 'cancelled' });
    await expect(r0.run(await r0.get('t2', queued.id))).rejects.toThrow(JobStateError);
    let r: JobRunner;
    const running = await (r = runner({ onProgress: (j) => { if (j.progress.done === 15) void r.cancel(j.tenant, j.id, by); } })).submit('t2', 'tally', { n: 1000 }, by);
    const ended = await r.run(running);
    expect(ended.state).toBe('cancelled');
    expect(ended.progress.done).toBeLessThan(1000);
    await expect(r.cancel('t2', running.id, by)).rejects.toThrow(/is cancelled: cannot cancel/);
  });

  it('resumes a job whose process stopped from its checkpoint, doing nothing twice', async () => {
    let first: JobRunner;
    const job = await (first = runner({ onProgress: (j) => { if (j.progress.done === 25) first.stopAll(); } })).submit('t3', 'tally', { n: 100 }, by);
    const stopped = await first.run(job);
    expect(stopped.state).toBe('running');
    expect(stopped.checkpoint).toEqual({ next: 20, bytes: expect.any(Number) });
    // A new process finds the job whose lease nobody renews, and finishes it.
    const second = runner();
    await new Promise((r) => setTimeout(r, 700));
    const [orphan] = (await second.jobs.findRunnable(new Date().toISOString())).filter((j) => j.id === job.id);
    expect(orphan, 'the stopped job is runnable once its lease expired').toBeDefined();
    const done = await second.run(orphan!);
    expect(done).toMatchObject({ state: 'done', attempt: 2 });
    expect(lines(second, job)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('fails with the reason, and a failed job can be re-run as a new job', async () => {
    const r = runner();
    const failed = await r.run(await r.submit('t4', 'tally', { n: 20, fail_at: 12 }, by));
    expect(failed).toMatchObject({ state: 'failed', error: 'item 12 is broken' });
    const again = await r.retry('t4', failed.id, by);
    expect(again).toMatchObject({ state: 'queued', params: { n: 20, fail_at: 12 } });
    expect(again.id).not.toBe(failed.id);
    expect((await r.jobs.list('t4', { limit: 10 })).jobs.map((j) => j.state)).toEqual(['queued', 'failed']);
  });
});

describe('job list order', () => {
  it('pages newest first or oldest first, each job once, the one order the reverse of the other', async () => {
    const r = runner();
    const submitted = [];
    for (let i = 0; i < 5; i++) {
      submitted.push(await r.submit('t-order', 'tally', { n: 1 }, by));
      await new Promise((res) => setTimeout(res, 3)); // distinct creation times, the list's sort key
    }
    const jobs = new JobStore(ts.store);
    const walk = async (order: 'newest' | 'oldest') => {
      const ids: string[] = [];
      let before: { createdAt: string; id: string } | undefined;
      for (;;) {
        const page = await jobs.list('t-order', { limit: 2, order, ...(before ? { before } : {}) });
        ids.push(...page.jobs.map((j) => j.id));
        expect(page.total).toBe(5);
        const last = page.jobs.at(-1);
        if (page.jobs.length < 2 || !last) break;
        before = { createdAt: last.createdAt, id: last.id };
      }
      return ids;
    };
    expect(await walk('oldest')).toEqual(submitted.map((j) => j.id));
    expect(await walk('newest')).toEqual(submitted.map((j) => j.id).reverse());
  });
});
