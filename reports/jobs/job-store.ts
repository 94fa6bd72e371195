/**
 * The jobs table: every change of a job is a new row with a higher version, so the
 * store never updates in place and a crash mid-change leaves the previous state.
 * Reads take the newest version per job (argMax), exact before any merge.
 */
import type { Store } from '../../common/store/store.js';
import { toStoreTime } from '../../common/events/time.js';
import { jobFromRow, type Job, type JobRow, type JobState } from '../../common/jobs/job-model.js';
import { orderSql, type ListOrder } from '../../common/queries/list-order.js';

const COLUMNS = [
  'tenant', 'job_id', 'kind', 'params', 'state', 'progress_done', 'progress_total', 'requested_by', 'approved_by', 'created_at', 'started_at',
  'finished_at', 'updated_at', 'attempt', 'cancel_requested', 'lease_owner', 'lease_until', 'checkpoint', 'result', 'error', 'files', 'version',
] as const;

const LATEST = `SELECT ${COLUMNS.filter((c) => c !== 'tenant' && c !== 'job_id').map((c) => `argMax(jobs.${c}, jobs.version) AS ${c}`).join(', ')}, tenant, job_id FROM jobs`;

const storeTime = (iso: string | null): string | null => (iso === null ? null : toStoreTime(Date.parse(iso)));

function toRow(j: Job): Record<(typeof COLUMNS)[number], unknown> {
  return {
    tenant: j.tenant, job_id: j.id, kind: j.kind, params: JSON.stringify(j.params), state: j.state,
    progress_done: j.progress.done, progress_total: j.progress.total, requested_by: j.requestedBy, approved_by: j.approvedBy,
    created_at: storeTime(j.createdAt), started_at: storeTime(j.startedAt), finished_at: storeTime(j.finishedAt), updated_at: storeTime(j.updatedAt),
    attempt: j.attempt, cancel_requested: j.cancelRequested ? 1 : 0, lease_owner: j.leaseOwner, lease_until: storeTime(j.leaseUntil),
    checkpoint: j.checkpoint === null || j.checkpoint === undefined ? '' : JSON.stringify(j.checkpoint),
    result: j.result === null ? '' : JSON.stringify(j.result), error: j.error,
    files: j.files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256 })), version: j.version,
  };
}

export class JobStore {
  constructor(private readonly store: Store) {}

  /** Writes a new version of the job; the caller has already raised `version`. */
  async save(job: Job): Promise<void> {
    await this.store.insert('jobs: save', 'jobs', [toRow(job)]);
  }

  async get(tenant: string, id: string): Promise<Job | undefined> {
    const rows = await this.store.query<JobRow>('jobs: get', `${LATEST} WHERE tenant = {tenant:String} AND job_id = {id:String} GROUP BY tenant, job_id`, { tenant, id });
    return rows[0] ? jobFromRow(rows[0]) : undefined;
  }

  /** Newest first (or oldest first); `before` is the created_at/id of the last job of the previous page. */
  async list(tenant: string, o: { kind?: string; state?: JobState; limit: number; order?: ListOrder; before?: { createdAt: string; id: string } }): Promise<{ jobs: Job[]; total: number }> {
    const { direction, comparison } = orderSql(o.order);
    const params: Record<string, unknown> = { tenant, limit: o.limit, ...(o.kind ? { kind: o.kind } : {}), ...(o.state ? { state: o.state } : {}) };
    const having = [o.kind ? 'kind = {kind:String}' : '', o.state ? 'state = {state:String}' : ''].filter(Boolean);
    const filter = having.length ? `HAVING ${having.join(' AND ')}` : '';
    let page = '';
    if (o.before) {
      page = `WHERE (created_at, job_id) ${comparison} ({bt:DateTime64(3, 'UTC')}, {bid:String})`;
      params.bt = toStoreTime(Date.parse(o.before.createdAt));
      params.bid = o.before.id;
    }
    const base = `${LATEST} WHERE tenant = {tenant:String} GROUP BY tenant, job_id ${filter}`;
    const [rows, count] = await Promise.all([
      this.store.query<JobRow>('jobs: list', `SELECT * FROM (${base}) ${page} ORDER BY created_at ${direction}, job_id ${direction} LIMIT {limit:UInt32}`, params),
      this.store.query<{ n: string }>('jobs: count', `SELECT count() AS n FROM (${base})`, params),
    ]);
    return { jobs: rows.map(jobFromRow), total: Number(count[0]?.n ?? 0) };
  }

  /** Jobs to pick up: queued ones, and running ones whose process stopped renewing its lease. */
  async findRunnable(nowIso: string): Promise<Job[]> {
    const rows = await this.store.query<JobRow>('jobs: runnable', `
      SELECT * FROM (${LATEST} GROUP BY tenant, job_id)
      WHERE state = 'queued' OR (state = 'running' AND (lease_until IS NULL OR lease_until < {now:DateTime64(3, 'UTC')}))
      ORDER BY created_at, job_id LIMIT 100`, { now: toStoreTime(Date.parse(nowIso)) });
    return rows.map(jobFromRow);
  }
}
