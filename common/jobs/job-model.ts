/**
 * A job as DESIGN.md "Jobs" defines it, and the conversion from its stored row.
 * Rows are snake_case with ClickHouse's quirks (64-bit integers as strings, times
 * as `YYYY-MM-DD hh:mm:ss.sss`); the domain type is camelCase with RFC 3339 times.
 */
import { fromStoreTime } from '../events/time.js';

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const FINAL_STATES: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled']);

export interface JobFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface Job {
  tenant: string;
  id: string;
  kind: string;
  params: Record<string, unknown>;
  state: JobState;
  progress: { done: number; total: number };
  requestedBy: string;
  approvedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  attempt: number;
  cancelRequested: boolean;
  leaseOwner: string;
  leaseUntil: string | null;
  checkpoint: unknown;
  result: Record<string, unknown> | null;
  error: string;
  files: JobFile[];
  version: number;
}

export interface JobRow {
  tenant: string;
  job_id: string;
  kind: string;
  params: string;
  state: JobState;
  progress_done: string | number;
  progress_total: string | number;
  requested_by: string;
  approved_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  attempt: number;
  cancel_requested: number;
  lease_owner: string;
  lease_until: string | null;
  checkpoint: string;
  result: string;
  error: string;
  files: Array<{ name: string; bytes: string | number; sha256: string } | [string, string | number, string]>;
  version: string | number;
}

const time = (t: string | null): string | null => (t === null ? null : fromStoreTime(t));
const parseJson = (s: string): unknown => (s === '' ? null : JSON.parse(s));

function fileOf(f: JobRow['files'][number]): JobFile {
  return Array.isArray(f) ? { name: f[0], bytes: Number(f[1]), sha256: f[2] } : { name: f.name, bytes: Number(f.bytes), sha256: f.sha256 };
}

export function jobFromRow(r: JobRow): Job {
  return {
    tenant: r.tenant,
    id: r.job_id,
    kind: r.kind,
    params: (parseJson(r.params) as Record<string, unknown> | null) ?? {},
    state: r.state,
    progress: { done: Number(r.progress_done), total: Number(r.progress_total) },
    requestedBy: r.requested_by,
    approvedBy: r.approved_by,
    createdAt: fromStoreTime(r.created_at),
    startedAt: time(r.started_at),
    finishedAt: time(r.finished_at),
    updatedAt: fromStoreTime(r.updated_at),
    attempt: Number(r.attempt),
    cancelRequested: Number(r.cancel_requested) === 1,
    leaseOwner: r.lease_owner,
    leaseUntil: time(r.lease_until),
    checkpoint: parseJson(r.checkpoint),
    result: parseJson(r.result) as Record<string, unknown> | null,
    error: r.error,
    files: r.files.map(fileOf),
    version: Number(r.version),
  };
}

/** Progress as a person reads it: done / total, rate since the (re)start, ETA. */
export function progressOf(job: Job, nowMs = Date.now()): { done: number; total: number; rate_per_s: number | null; eta_s: number | null } {
  const { done, total } = job.progress;
  const started = job.startedAt ? Date.parse(job.startedAt) : undefined;
  const elapsedS = started === undefined ? 0 : ((job.finishedAt ? Date.parse(job.finishedAt) : nowMs) - started) / 1000;
  const rate = elapsedS > 0 && done > 0 ? done / elapsedS : null;
  const eta = rate && total > done && job.state === 'running' ? Math.ceil((total - done) / rate) : job.state === 'running' ? null : 0;
  return { done, total, rate_per_s: rate === null ? null : Math.round(rate * 10) / 10, eta_s: eta };
}
