/**
 * The one job runner every batch job uses (DESIGN.md "Jobs"). It validates and
 * queues jobs, runs them with a lease that a live process keeps renewing, stores
 * progress and checkpoints as new versions of the job, writes every state change to
 * the audit chain, and picks up queued jobs and jobs whose process died.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/store.js';
import { errorMessage } from '../../common/errors.js';
import { FINAL_STATES, type Job, type JobState } from '../../common/jobs/job-model.js';
import type { AnyJobKind, JobContext, JobOutcome } from './job-kind.js';
import { InvalidJobParamsError, JobCancelled, JobNotFoundError, JobStateError, UnknownJobKindError } from '../../common/jobs/job-errors.js';
import { JobStore } from './job-store.js';
import type { JobRequester, JobService } from '../../common/jobs/job-service.js';
import type { JobAuditor } from './job-audit.js';

export type Requester = JobRequester;

export interface JobRunnerOptions {
  store: Store;
  kinds: readonly AnyJobKind[];
  /** Jobs write under `<jobsDir>/<tenant>/<job id>/`. */
  jobsDir: string;
  log: Logger;
  audit: JobAuditor;
  /** A running job whose lease is not renewed for this long is taken to be orphaned. */
  leaseMs?: number;
  /** Called on every progress report (the CLI's progress bar). */
  onProgress?: (job: Job) => void;
}

const newJobId = () => `job_${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
const nowIso = () => new Date().toISOString();

export class JobRunner implements JobService {
  readonly jobs: JobStore;
  private readonly kinds: Map<string, AnyJobKind>;
  private readonly owner = `${hostname()}:${process.pid}`;
  private readonly leaseMs: number;
  private readonly running = new Map<string, AbortController>();
  /** Versions order a job's rows; concurrent saves (progress, lease, state) must never share one. */
  private lastVersion = 0;

  constructor(private readonly o: JobRunnerOptions) {
    this.jobs = new JobStore(o.store);
    this.kinds = new Map(o.kinds.map((k) => [k.kind, k]));
    this.leaseMs = o.leaseMs ?? 60_000;
  }

  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  kind(name: string): AnyJobKind {
    const k = this.kinds.get(name);
    if (!k) throw new UnknownJobKindError(name, this.kindNames());
    return k;
  }

  /** Validates the parameters and queues the job; bad input never becomes a job. */
  async submit(tenant: string, kindName: string, rawParams: unknown, by: Requester, approvedBy = ''): Promise<Job> {
    const kind = this.kind(kindName);
    const parsed = kind.params.safeParse(rawParams);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidJobParamsError(kindName, issue.path.map(String).join('.') || 'params', issue.message);
    }
    const now = nowIso();
    const job: Job = {
      tenant, id: newJobId(), kind: kindName, params: parsed.data as Record<string, unknown>, state: 'queued', progress: { done: 0, total: 0 },
      requestedBy: by.subjectRef, approvedBy, createdAt: now, startedAt: null, finishedAt: null, updatedAt: now, attempt: 0,
      cancelRequested: false, leaseOwner: '', leaseUntil: null, checkpoint: null, result: null, error: '', files: [], version: Date.now(),
    };
    await this.jobs.save(job);
    await this.o.audit(job, null, by);
    return job;
  }

  async get(tenant: string, id: string): Promise<Job> {
    const job = await this.jobs.get(tenant, id);
    if (!job) throw new JobNotFoundError(tenant, id);
    return job;
  }

  workDir(job: Job): string {
    return join(this.o.jobsDir, job.tenant, job.id);
  }

  list(tenant: string, o: Parameters<JobStore['list']>[1]): ReturnType<JobStore['list']> {
    return this.jobs.list(tenant, o);
  }

  /** Only files the job itself listed, so a name can never reach outside its folder. */
  filePath(job: Job, name: string): string | undefined {
    return job.state === 'done' && job.files.some((f) => f.name === name) ? join(this.workDir(job), name) : undefined;
  }

  /** A failed or cancelled job is re-run as a new job with the same parameters (the old one stays as it ended). */
  async retry(tenant: string, id: string, by: Requester): Promise<Job> {
    const job = await this.get(tenant, id);
    if (job.state !== 'failed' && job.state !== 'cancelled') throw new JobStateError(id, job.state, 'retry');
    return this.submit(tenant, job.kind, job.params, by, job.approvedBy);
  }

  /** Cancels a queued job at once, a running one at its next safe point. */
  async cancel(tenant: string, id: string, by: Requester): Promise<Job> {
    const job = await this.get(tenant, id);
    if (FINAL_STATES.has(job.state)) throw new JobStateError(id, job.state, 'cancel');
    const local = this.running.get(id);
    if (local) {
      local.abort(new JobCancelled('cancel'));
      return this.change(job, { cancelRequested: true }, by);
    }
    if (job.state === 'queued') return this.change(job, { state: 'cancelled', cancelRequested: true, finishedAt: nowIso() }, by);
    // Running in another process: it sees the request when it renews its lease.
    return this.change(job, { cancelRequested: true }, by);
  }

  /** Runs a queued job, or resumes an orphaned one, to the end in this process. */
  async run(initial: Job, by: Requester = { subjectRef: 'system', kind: 'system' }): Promise<Job> {
    if (FINAL_STATES.has(initial.state)) throw new JobStateError(initial.id, initial.state, 'run');
    const kind = this.kind(initial.kind);
    const controller = new AbortController();
    this.running.set(initial.id, controller);
    const workDir = this.workDir(initial);
    mkdirSync(workDir, { recursive: true });
    let job = await this.change(initial, {
      state: 'running', attempt: initial.attempt + 1, startedAt: initial.startedAt ?? nowIso(), leaseOwner: this.owner, leaseUntil: this.leaseEnd(),
    }, by);
    const lease = this.keepLease(() => job, (j) => (job = j), controller);
    try {
      const outcome = await kind.run(this.context(() => job, (j) => (job = j), kind, controller.signal, workDir));
      lease.stop();
      return (job = await this.finish(job, outcome, by));
    } catch (err) {
      lease.stop();
      return (job = await this.fail(job, err, controller.signal, by));
    } finally {
      this.running.delete(initial.id);
    }
  }

  /** Stops every job running here at its next safe point; they resume from their checkpoints. */
  stopAll(): void {
    for (const c of this.running.values()) c.abort(new JobCancelled('shutdown'));
  }

  private context(get: () => Job, set: (j: Job) => void, kind: AnyJobKind, signal: AbortSignal, workDir: string): JobContext<unknown, unknown> {
    let lastSaved = 0;
    const job = get();
    return {
      job,
      params: kind.params.parse(job.params),
      store: this.o.store,
      log: this.o.log.child({ job: job.id, kind: job.kind }),
      signal,
      workDir,
      checkpoint: job.checkpoint ?? undefined,
      requestedBy: job.requestedBy,
      approvedBy: job.approvedBy,
      saveCheckpoint: async (checkpoint) => set(await this.save(get(), { checkpoint })),
      progress: (done, total) => {
        const j = get();
        const next = { ...j, progress: { done, total: total ?? j.progress.total } };
        set(next);
        this.o.onProgress?.(next);
        if (Date.now() - lastSaved > 2000) {
          lastSaved = Date.now();
          void this.save(next, {}).then(set, (err: unknown) => this.o.log.warn({ job: j.id, err: errorMessage(err) }, 'could not store job progress'));
        }
      },
    };
  }

  private keepLease(get: () => Job, set: (j: Job) => void, controller: AbortController): { stop(): void } {
    let stopped = false;
    const timer = setInterval(() => {
      void (async () => {
        const stored = await this.jobs.get(get().tenant, get().id);
        if (stopped) return;
        if (stored?.cancelRequested && !controller.signal.aborted) controller.abort(new JobCancelled('cancel'));
        set(await this.save(get(), { leaseUntil: this.leaseEnd(), cancelRequested: stored?.cancelRequested ?? false }));
      })().catch((err: unknown) => this.o.log.warn({ job: get().id, err: errorMessage(err) }, 'could not renew the job lease'));
    }, Math.max(200, Math.floor(this.leaseMs / 3)));
    timer.unref();
    return {
      stop: () => {
        stopped = true;
        clearInterval(timer);
      },
    };
  }

  private async finish(job: Job, outcome: JobOutcome, by: Requester): Promise<Job> {
    const total = Math.max(job.progress.total, job.progress.done);
    return this.change(job, { state: 'done', finishedAt: nowIso(), result: outcome.summary, files: outcome.files, progress: { done: total, total }, leaseUntil: null, error: '' }, by);
  }

  private async fail(job: Job, err: unknown, signal: AbortSignal, by: Requester): Promise<Job> {
    const reason = signal.aborted ? signal.reason : undefined;
    if (reason instanceof JobCancelled && reason.by === 'shutdown') {
      this.o.log.info({ job: job.id }, 'job stopped with the process; it resumes from its checkpoint');
      return this.save(job, { leaseUntil: null });
    }
    if (reason instanceof JobCancelled) return this.change(job, { state: 'cancelled', finishedAt: nowIso(), leaseUntil: null }, by);
    this.o.log.error({ job: job.id, err: errorMessage(err) }, 'job failed');
    return this.change(job, { state: 'failed', finishedAt: nowIso(), error: errorMessage(err).slice(0, 2000), leaseUntil: null }, by);
  }

  private leaseEnd(): string {
    return new Date(Date.now() + this.leaseMs).toISOString();
  }

  /** A new version of the job with `patch` applied. */
  private async save(job: Job, patch: Partial<Job>): Promise<Job> {
    this.lastVersion = Math.max(this.lastVersion + 1, job.version + 1, Date.now());
    const next: Job = { ...job, ...patch, updatedAt: nowIso(), version: this.lastVersion };
    await this.jobs.save(next);
    return next;
  }

  /** A new version that changes the state (or a request about it), audited. */
  private async change(job: Job, patch: Partial<Job>, by: Requester): Promise<Job> {
    const from: JobState = job.state;
    const next = await this.save(job, patch);
    if (next.state !== from || patch.cancelRequested) await this.o.audit(next, from, by);
    return next;
  }
}
