/** Builds the Kafka ingest for `serve` and `ingest` from the validated config. */
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { Metrics } from '../common/metrics.js';
import type { Store } from '../common/store/store.js';
import { createEventWriter } from '../ingest/event-writer.js';
import { createKafkaIngest, type KafkaIngest } from '../ingest/kafka/consumer.js';
import { createWriteCoalescer } from '../ingest/write-coalescer.js';
import { describeRetry, retryUntilDone, StoppedError } from '../ingest/retry.js';
import { errorMessage } from '../common/errors.js';
import type { Stoppable } from '../common/lifecycle.js';

export function buildKafkaIngest(config: Config, store: Store, metrics: Metrics, log: Logger): KafkaIngest | undefined {
  if (!config.kafka) return undefined;
  return createKafkaIngest(
    { ...config.kafka, maxEventBytes: config.ingest.maxEventBytes, retryMaxMs: config.ingest.retryMaxMs },
    { writer: createWriteCoalescer(createEventWriter(store, { maxRows: config.ingest.batchRows })), metrics: metrics.ingest, log: log.child({ part: 'ingest' }) },
  );
}

/**
 * Starts ingest without holding the rest of the process hostage: while Kafka is
 * unreachable the API keeps answering (and /readyz says `kafka: down`), and the
 * start is retried with backoff until it works or the process stops. Stopping
 * ends the retries, waits for them, then stops ingest.
 */
export function startIngestInBackground(ingest: KafkaIngest, log: Logger): Stoppable {
  let stopping = false;
  const starting = retryUntilDone(() => ingest.start(), {
    operation: 'start Kafka ingest',
    maxDelayMs: 30_000,
    initialDelayMs: 1000,
    stopped: () => stopping,
    onRetry: async (attempt, err, delay) => {
      log.warn(describeRetry('start Kafka ingest', attempt, err, delay));
      await ingest.stop().catch(() => undefined);
    },
  }).catch((err: unknown) => {
    if (!(err instanceof StoppedError)) log.error({ err: errorMessage(err) }, 'Kafka ingest did not start');
  });
  return {
    name: 'ingest',
    async stop() {
      stopping = true;
      await starting;
      await ingest.stop();
    },
  };
}
