/**
 * Retries an operation with capped exponential backoff until it succeeds or the
 * caller stops. Nothing is dropped: the only way out without success is `stopped()`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../common/errors.js';

export class StoppedError extends Error {
  constructor(readonly operation: string) {
    super(`${operation}: stopped while retrying`);
  }
}

export interface RetryOptions {
  operation: string;
  maxDelayMs: number;
  stopped: () => boolean;
  /** Called before each wait; keep the consumer's group membership alive here. */
  onRetry?: (attempt: number, err: unknown, delayMs: number) => Promise<void> | void;
  /** Errors that retrying cannot fix are rethrown at once. */
  isPermanent?: (err: unknown) => boolean;
  initialDelayMs?: number;
}

export async function retryUntilDone<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  let delay = o.initialDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (o.isPermanent?.(err)) throw err;
      if (o.stopped()) throw new StoppedError(o.operation);
      await o.onRetry?.(attempt, err, delay);
      // Sleep in short slices so a stop request is seen promptly.
      const until = Date.now() + delay;
      while (Date.now() < until) {
        if (o.stopped()) throw new StoppedError(o.operation);
        await sleep(Math.min(250, until - Date.now()));
      }
      delay = Math.min(o.maxDelayMs, delay * 2);
    }
  }
}

export function describeRetry(operation: string, attempt: number, err: unknown, delayMs: number): string {
  return `${operation} failed (attempt ${attempt}): ${errorMessage(err).split('\n')[0]}; retrying in ${delayMs} ms`;
}
