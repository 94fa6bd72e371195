/**
 * Runs queued jobs, and resumes jobs whose process died, one at a time (a batch job
 * takes a whole core on this class of machine). In embedded mode only one process
 * can hold the data directory, so every job found `running` at start belongs to a
 * process that is gone: those resume at once instead of waiting for their lease.
 */
import type { Logger } from '../../common/logger.js';
import type { Stoppable } from '../../common/lifecycle.js';
import { errorMessage } from '../../common/errors.js';
import type { JobRunner } from './job-runner.js';

export interface SchedulerOptions {
  intervalMs?: number;
  /** True when no other process can be running jobs on this store (embedded chDB). */
  soleProcess: boolean;
  log: Logger;
}

export function startJobScheduler(runner: JobRunner, o: SchedulerOptions): Stoppable {
  let stopping = false;
  let first = true;
  let current: Promise<void> | undefined;

  async function tick(): Promise<void> {
    // On the first pass of a sole process, a lease still in the future is a dead process's.
    const asOf = first && o.soleProcess ? new Date(Date.now() + 365 * 86_400_000).toISOString() : new Date().toISOString();
    first = false;
    const [next] = await runner.jobs.findRunnable(asOf);
    if (!next || stopping) return;
    o.log.info({ job: next.id, kind: next.kind, state: next.state, attempt: next.attempt }, next.state === 'queued' ? 'starting job' : 'resuming job');
    await runner.run(next);
  }

  const timer = setInterval(() => {
    if (stopping || current) return;
    current = tick()
      .catch((err: unknown) => o.log.error({ err: errorMessage(err) }, 'job scheduler pass failed'))
      .finally(() => (current = undefined));
  }, o.intervalMs ?? 2000);
  timer.unref();

  return {
    name: 'job scheduler',
    async stop() {
      stopping = true;
      clearInterval(timer);
      runner.stopAll();
      await current;
    },
  };
}
