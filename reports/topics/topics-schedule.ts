/**
 * `custos serve` queues an incremental `topics` run per tenant with messages every
 * interval (default 15 minutes), unless one is already queued or running; the job
 * scheduler runs it like any job. Each run takes only what was stored since the last.
 */
import type { Logger } from '../../common/logger.js';
import type { Stoppable } from '../../common/lifecycle.js';
import type { Store } from '../../common/store/store.js';
import { errorMessage } from '../../common/errors.js';
import type { JobRunner } from '../jobs/job-runner.js';

export const TOPICS_INTERVAL_MS = 15 * 60_000;

export async function queueDueTopics(runner: JobRunner, store: Store, log: Logger): Promise<string[]> {
  const tenants = await store.query<{ tenant: string }>('topics: tenants', 'SELECT DISTINCT tenant FROM message_versions');
  const queued: string[] = [];
  for (const { tenant } of tenants) {
    const { jobs } = await runner.jobs.list(tenant, { kind: 'topics', limit: 20 });
    if (jobs.some((j) => j.state === 'queued' || j.state === 'running')) continue;
    const job = await runner.submit(tenant, 'topics', { full: false }, { subjectRef: 'system:topics-schedule', kind: 'system' });
    log.info({ tenant, job: job.id }, 'topics run queued');
    queued.push(job.id);
  }
  return queued;
}

export function startTopicsSchedule(runner: JobRunner, store: Store, o: { log: Logger; intervalMs?: number }): Stoppable {
  let current: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (current) return;
    current = queueDueTopics(runner, store, o.log)
      .catch((err: unknown) => o.log.error({ err: errorMessage(err) }, 'topics schedule pass failed'))
      .finally(() => (current = undefined));
  }, o.intervalMs ?? TOPICS_INTERVAL_MS);
  timer.unref();
  return {
    name: 'topics schedule',
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
