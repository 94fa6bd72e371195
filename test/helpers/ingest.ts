/**
 * Starts Kafka ingest as `custos serve` and `custos ingest` do: under the supervisor,
 * which restarts a run that crashes (a fresh broker answers "coordinator not
 * available" while it creates its offsets topic). Resolves once ingest consumes.
 */
import { pino } from 'pino';
import type { Stoppable } from '../../common/lifecycle.js';
import type { KafkaIngest } from '../../ingest/kafka/consumer.js';
import { superviseIngest } from '../../ingest/kafka/supervisor.js';
import { waitFor } from './events.js';

export async function startSupervisedIngest(ingest: KafkaIngest): Promise<Stoppable> {
  const supervisor = superviseIngest(ingest, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), { initialDelayMs: 250, maxDelayMs: 2000 });
  await waitFor('ingest to consume', async () => ingest.health().consuming, 90_000);
  return supervisor;
}
