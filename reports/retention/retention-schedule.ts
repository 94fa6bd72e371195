/**
 * `custos serve` queues one retention run a day per tenant with a policy, at
 * CUSTOS_RETENTION_HOUR (UTC); the job scheduler then runs it like any job. A tenant
 * whose run of today is already queued, running or finished (or failed: the next
 * day retries, and the overdue metric shows it) gets none more.
 */
import type { Logger } from '../../common/logger.js';
import type { Stoppable } from '../../common/lifecycle.js';
import type { Store } from '../../common/store/store.js';
import { errorMessage } from '../../common/errors.js';
import { tenantsWithPolicy } from '../../common/retention/policy-store.js';
import type { JobRunner } from '../jobs/job-runner.js';

/** Today's run time if it has come, else null. */
export function dueRunTime(now: Date, hour: number): Date | null {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  return now.getTime() >= at.getTime() ? at : null;
}

export async function queueDueRetention(runner: JobRunner, store: Store, o: { hour: number; now?: Date; log: Logger }): Promise<string[]> {
  const due = dueRunTime(o.now ?? new Date(), o.hour);
  if (!due) return [];
  const queued: string[] = [];
  for (const tenant of await tenantsWithPolicy(store)) {
    const { jobs } = await runner.jobs.list(tenant, { kind: 'retention', limit: 50 });
    const today = jobs.some((j) => Date.parse(j.createdAt) >= due.getTime() && (j.params as { dry_run?: boolean }).dry_run !== true);
    if (today) continue;
    const job = await runner.submit(tenant, 'retention', { dry_run: false }, { subjectRef: 'system:retention-schedule', kind: 'system' });
    o.log.info({ tenant, job: job.id }, 'daily retention run queued');
    queued.push(job.id);
  }
  return queued;
}

export function startRetentionSchedule(runner: JobRunner, store: Store, o: { hour: number; log: Logger; intervalMs?: number }): Stoppable {
  let current: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (current) return;
    current = queueDueRetention(runner, store, o)
      .catch((err: unknown) => o.log.error({ err: errorMessage(err) }, 'retention schedule pass failed'))
      .finally(() => (current = undefined));
  }, o.intervalMs ?? 60_000);
  timer.unref();
  return {
    name: 'retention schedule',
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
