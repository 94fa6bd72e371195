/**
 * Progress for long imports, on stderr: a cli-progress bar (files done of files,
 * records, events, rate) when stderr is a terminal, one plain line every few
 * seconds otherwise (CI logs, `2> file`).
 */
import cliProgress from 'cli-progress';

export interface ProgressCounts {
  files: number;
  totalFiles: number;
  records: number;
  events: number;
  problems: number;
}

export interface Progress {
  update(c: ProgressCounts): void;
  stop(): void;
}

const rate = (n: number, ms: number) => Math.round(n / Math.max(ms / 1000, 0.001));

export function createProgress(label: string, stream: NodeJS.WriteStream | undefined, intervalMs = 5000): Progress {
  if (!stream) return { update: () => {}, stop: () => {} };
  const started = Date.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {value}/{total} files | {records} records | {events} events | {rate}/s | {problems} problems`,
        hideCursor: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let startedBar = false;
    return {
      update(c) {
        const payload = { records: c.records, events: c.events, problems: c.problems, rate: rate(c.records, Date.now() - started) };
        if (!startedBar) {
          bar.start(Math.max(c.totalFiles, 1), c.files, payload);
          startedBar = true;
        } else {
          bar.setTotal(Math.max(c.totalFiles, 1));
          bar.update(c.files, payload);
        }
      },
      stop: () => startedBar && bar.stop(),
    };
  }
  let last = started;
  return {
    update(c) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      stream.write(`${label}: ${c.files}/${c.totalFiles} files, ${c.records} records, ${c.events} events, ${rate(c.records, now - started)} records/s, ${c.problems} problems\n`);
    },
    stop: () => {},
  };
}
