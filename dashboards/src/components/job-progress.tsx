/** A job's state and progress: a labelled <progress>, percent, rate and time left. */
import type { Job } from '../api/types.js';
import { formatCount, formatDuration, formatRate, progressPercent } from '../format/numbers.js';
import { useLang, useT } from '../i18n/index.js';

export function JobProgress({ job }: { job: Job }) {
  const t = useT().job;
  const locale = useLang();
  const p = job.progress;
  const percent = job.state === 'done' ? 100 : progressPercent(p.done, p.total);
  const id = `progress-${job.id}`;
  return (
    <div class="job-progress">
      <span class={`state state-${job.state}`} data-state={job.state}>{t.states[job.state] ?? job.state}{job.cancel_requested && job.state === 'running' ? t.cancelling : ''}</span>
      <label for={id} class="visually-hidden">{t.progressOf(job.id)}</label>
      {percent === null ? <progress id={id} /> : <progress id={id} max={100} value={percent}>{percent} %</progress>}
      <span>{percent === null ? '' : `${percent} %`} {p.total > 0 ? t.of(formatCount(p.done, locale), formatCount(p.total, locale)) : ''}</span>
      {job.state === 'running' ? <span class="muted">{t.left(formatRate(p.rate_per_s, locale), formatDuration(p.eta_s))}</span> : null}
    </div>
  );
}

export const isActive = (j: Job) => j.state === 'queued' || j.state === 'running';
