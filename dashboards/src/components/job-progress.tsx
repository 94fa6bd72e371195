/** A job's state and progress: a labelled <progress>, percent, rate and time left. */
import type { Job } from '../api/types.js';
import { formatCount, formatDuration, formatRate, progressPercent } from '../format/numbers.js';

export function JobProgress({ job }: { job: Job }) {
  const p = job.progress;
  const percent = job.state === 'done' ? 100 : progressPercent(p.done, p.total);
  const id = `progress-${job.id}`;
  return (
    <div class="job-progress">
      <span class={`state state-${job.state}`}>{job.state}{job.cancel_requested && job.state === 'running' ? ' (cancelling)' : ''}</span>
      <label for={id} class="visually-hidden">Progress of {job.id}</label>
      {percent === null ? <progress id={id} /> : <progress id={id} max={100} value={percent}>{percent} %</progress>}
      <span>{percent === null ? '' : `${percent} %`} {p.total > 0 ? `(${formatCount(p.done)} of ${formatCount(p.total)})` : ''}</span>
      {job.state === 'running' ? <span class="muted">{formatRate(p.rate_per_s)}, {formatDuration(p.eta_s)} left</span> : null}
    </div>
  );
}

export const isActive = (j: Job) => j.state === 'queued' || j.state === 'running';
