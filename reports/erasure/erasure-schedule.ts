/**
 * An erasure that met a legal hold waits (`waiting-on-holds`) and completes by itself
 * when a hold that kept its records is released (DESIGN.md rule 1): `custos serve`
 * looks every minute for waiting requests one of whose holds (restricted_records) is
 * no longer active, and queues an `erasure` job for each (unless one is queued or
 * running already); the job scheduler runs it like any job.
 */
import type { Logger } from '../../common/logger.js';
import type { Stoppable } from '../../common/lifecycle.js';
import type { Store } from '../../common/store/store.js';
import { errorMessage } from '../../common/errors.js';
import type { JobRunner } from '../jobs/job-runner.js';

/** Waiting requests whose restricted records name a hold that is released now. */
async function releasedWaiting(store: Store): Promise<Array<{ tenant: string; request_id: string }>> {
  return store.query<{ tenant: string; request_id: string }>('erasure: waiting on released holds', `
    SELECT tenant, request_id FROM (
      SELECT tenant, request_id, argMax(state, version) AS state FROM subject_requests WHERE type = 'erasure' GROUP BY tenant, request_id
    ) AS q
    WHERE state = 'waiting-on-holds' AND (tenant, request_id) IN (
      SELECT tenant, request_id FROM restricted_records
      WHERE (tenant, hold_id) NOT IN (
        SELECT tenant, hold_id FROM (SELECT tenant, hold_id, argMax(released_at, version) AS released_at FROM legal_holds GROUP BY tenant, hold_id) WHERE released_at IS NULL))
    ORDER BY tenant, request_id`);
}

export async function queueWaitingErasures(runner: JobRunner, store: Store, o: { log: Logger }): Promise<string[]> {
  const queued: string[] = [];
  for (const r of await releasedWaiting(store)) {
    const { jobs } = await runner.jobs.list(r.tenant, { kind: 'erasure', limit: 200 });
    if (jobs.some((j) => (j.state === 'queued' || j.state === 'running') && (j.params as { request?: string }).request === r.request_id)) continue;
    const job = await runner.submit(r.tenant, 'erasure', { request: r.request_id }, { subjectRef: 'system:erasure-schedule', kind: 'system' });
    o.log.info({ tenant: r.tenant, request: r.request_id, job: job.id }, 'a hold that kept an erasure was released: erasure queued again');
    queued.push(job.id);
  }
  return queued;
}

export function startErasureSchedule(runner: JobRunner, store: Store, o: { log: Logger; intervalMs?: number }): Stoppable {
  let current: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (current) return;
    current = queueWaitingErasures(runner, store, o)
      .catch((err: unknown) => o.log.error({ err: errorMessage(err) }, 'erasure schedule pass failed'))
      .finally(() => (current = undefined));
  }, o.intervalMs ?? 60_000);
  timer.unref();
  return {
    name: 'erasure schedule',
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
