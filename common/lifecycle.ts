/**
 * One shutdown order for every long-running command: stop accepting, drain,
 * flush, close. Parts register a stop function in start order; they are stopped in
 * reverse, each at most once, and a second signal forces the exit.
 */
import type { Logger } from './logger.js';
import { errorMessage } from './errors.js';

export interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

export class Lifecycle {
  private readonly parts: Stoppable[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  add(part: Stoppable): void {
    this.parts.push(part);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const part of [...this.parts].reverse()) {
        try {
          await part.stop();
          this.log.info({ part: part.name }, 'stopped');
        } catch (err) {
          this.log.error({ part: part.name, err: errorMessage(err) }, 'stop failed');
        }
      }
    })();
    return this.stopping;
  }

  /** Resolves when SIGTERM or SIGINT arrives and every part has stopped. */
  untilSignal(): Promise<string> {
    return new Promise((resolve) => {
      const onSignal = (signal: string) => {
        if (this.stopping) {
          this.log.warn({ signal }, 'second signal: exiting now');
          process.exit(1);
        }
        this.log.info({ signal }, 'shutting down');
        void this.stop().then(() => resolve(signal));
      };
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      process.once('SIGINT', () => onSignal('SIGINT'));
    });
  }
}
