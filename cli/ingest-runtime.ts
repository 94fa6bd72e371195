/** Builds the Kafka ingest for `serve` and `ingest` from the validated config. */
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { Metrics } from '../common/metrics.js';
import type { Store } from '../common/store/store.js';
import { createEventWriter } from '../ingest/event-writer.js';
import { createKafkaIngest, type KafkaIngest } from '../ingest/kafka/consumer.js';
import { createWriteCoalescer } from '../ingest/write-coalescer.js';
import { superviseDepsFromStore } from '../ingest/supervision/supervise-deps.js';
import { createErasedFilter } from '../ingest/erased-subjects.js';
import { erasedSubjectsView } from '../common/subjects/erased-subjects.js';

export { superviseIngest } from '../ingest/kafka/supervisor.js';

export function buildKafkaIngest(config: Config, store: Store, metrics: Metrics, log: Logger): KafkaIngest | undefined {
  if (!config.kafka) return undefined;
  return createKafkaIngest(
    { ...config.kafka, maxEventBytes: config.ingest.maxEventBytes, retryMaxMs: config.ingest.retryMaxMs, stallMs: config.ingest.stallMs },
    {
      writer: createWriteCoalescer(createEventWriter(store, { maxRows: config.ingest.batchRows })), metrics: metrics.ingest, log: log.child({ part: 'ingest' }),
      supervision: superviseDepsFromStore(store, log.child({ part: 'supervision' })),
      erased: createErasedFilter(erasedSubjectsView(store)),
    },
  );
}
