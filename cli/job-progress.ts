/**
 * A job's progress on stderr: a bar with done/total, rate and ETA on a terminal,
 * one plain line every few seconds otherwise (CI logs, `2> file`).
 */
import cliProgress from 'cli-progress';
import { progressOf, type Job } from '../common/jobs/job-model.js';

export interface JobProgressView {
  update(job: Job): void;
  stop(): void;
}

export function jobProgressView(label: string, stream: NodeJS.WriteStream, intervalMs = 5000): JobProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ stream, format: `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`, hideCursor: true, fps: 5 }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update(job) {
        const p = progressOf(job);
        const payload = { rate: Math.round(p.rate_per_s ?? 0) };
        if (!started) (bar.start(Math.max(p.total, 1), p.done, payload), (started = true));
        else (bar.setTotal(Math.max(p.total, p.done, 1)), bar.update(p.done, payload));
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(job) {
      if (Date.now() - last < intervalMs) return;
      last = Date.now();
      const p = progressOf(job);
      stream.write(`${label}: ${p.done}/${p.total}${p.rate_per_s ? `, ${Math.round(p.rate_per_s)}/s` : ''}${p.eta_s ? `, ETA ${p.eta_s} s` : ''}\n`);
    },
    stop: () => {},
  };
}
