/**
 * Keeps Kafka ingest running for as long as the process runs. A start that fails
 * (Kafka unreachable) and a run that crashes are both followed by a fresh start
 * after a capped exponential backoff; the API stays up meanwhile and /readyz says
 * `crashed` with the reason. The backoff starts over once a run has lasted a while.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../common/logger.js';
import type { Stoppable } from '../../common/lifecycle.js';
import { errorMessage } from '../../common/errors.js';
import type { KafkaIngest } from './consumer.js';

export interface SupervisorOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A run that lasted this long resets the backoff. */
  healthyAfterMs?: number;
}

export function superviseIngest(ingest: KafkaIngest, log: Logger, o: SupervisorOptions = {}): Stoppable {
  const initial = o.initialDelayMs ?? 1000;
  const max = o.maxDelayMs ?? 30_000;
  const healthyAfter = o.healthyAfterMs ?? 60_000;
  let stopping = false;
  let wake: (() => void) | undefined;
  ingest.onCrash(() => wake?.());
  const untilCrashOrStop = () => new Promise<void>((resolve) => {
    wake = resolve;
  });

  async function pause(ms: number): Promise<void> {
    const ac = new AbortController();
    wake = () => ac.abort();
    await sleep(ms, undefined, { signal: ac.signal }).catch(() => undefined);
  }

  async function loop(): Promise<void> {
    let delay = initial;
    for (let attempt = 1; !stopping; attempt++) {
      const began = Date.now();
      try {
        const ended = untilCrashOrStop();
        await ingest.start();
        log.info({ attempt }, 'Kafka ingest running');
        await ended;
      } catch (err) {
        log.warn({ attempt, err: errorMessage(err) }, `start Kafka ingest failed; retrying in ${delay} ms`);
      }
      if (stopping) return;
      await ingest.stop().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'stopping the failed run failed'));
      if (Date.now() - began > healthyAfter) delay = initial;
      await pause(delay);
      delay = Math.min(max, delay * 2);
      if (!stopping) ingest.restarted();
    }
  }

  const running = loop();
  return {
    name: 'ingest',
    async stop() {
      stopping = true;
      wake?.();
      await running;
      await ingest.stop();
      await ingest.close();
    },
  };
}
