/**
 * What a job kind provides. A kind is one folder under reports/ with its params
 * schema and its `run`; it registers itself in job-kinds.ts (one line), and the
 * runner, the API and the CLI serve it from there.
 */
import type { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/store.js';
import type { Job, JobFile } from '../../common/jobs/job-model.js';

export interface JobContext<P, C> {
  job: Job;
  params: P;
  store: Store;
  log: Logger;
  /** Aborted when the job is cancelled or the process stops: stop at the next safe point. */
  signal: AbortSignal;
  /** Where the job writes its files (created for it). */
  workDir: string;
  /** The kind's own record of how far it got, from a previous attempt (undefined on the first). */
  checkpoint: C | undefined;
  /** Stores a checkpoint; a restarted process resumes from the last one. */
  saveCheckpoint(c: C): Promise<void>;
  /** Reports progress; stored at most every few seconds. */
  progress(done: number, total?: number): void;
  /** Who asked for the job, for records a kind writes (custody). */
  requestedBy: string;
  approvedBy: string;
}

export interface JobOutcome {
  /** The one-line summary's figures, kept as the job's result. */
  summary: Record<string, unknown>;
  /** Files under workDir a client may download, with their SHA-256. */
  files: JobFile[];
}

export interface JobKind<P = unknown, C = unknown> {
  kind: string;
  /** Validates and normalizes parameters before a job is queued (bad input never becomes a job). */
  params: z.ZodType<P>;
  /** Re-reads settings and does the work; must be idempotent from any checkpoint. */
  run(ctx: JobContext<P, C>): Promise<JobOutcome>;
  /** One line for the CLI's summary. */
  describe(outcome: JobOutcome): string;
}

/** Kinds are stored with heterogeneous params; the runner validates before calling. */
export type AnyJobKind = JobKind<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
