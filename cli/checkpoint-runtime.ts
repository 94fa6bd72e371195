/**
 * Starts the audit checkpoint publisher for `custos serve` from the configuration:
 * sinks outside the store (CUSTOS_AUDIT_CHECKPOINT_DIR, CUSTOS_AUDIT_CHECKPOINT_TOPIC),
 * every CUSTOS_AUDIT_CHECKPOINT_INTERVAL_S. Without either sink the checkpoints are
 * still signed and served by the API, and a warning says they prove less.
 */
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { Store } from '../common/store/store.js';
import type { Stoppable } from '../common/lifecycle.js';
import type { Registry } from 'prom-client';
import { CheckpointPublisher, directorySink, kafkaSink, type CheckpointSink } from '../common/audit/index.js';
import { loadOrCreateSigningKey } from '../common/keys/signing-keys.js';

export async function startCheckpointPublisher(config: Config, store: Store, log: Logger, registry: Registry): Promise<Stoppable> {
  const c = config.auditCheckpoints;
  const sinks: CheckpointSink[] = [];
  if (c.dir) sinks.push(directorySink(c.dir));
  if (c.topic && config.kafka) sinks.push(await kafkaSink({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-checkpoints`, topic: c.topic }));
  if (sinks.length === 0) {
    log.warn('audit checkpoints are kept only in the store (set CUSTOS_AUDIT_CHECKPOINT_DIR or CUSTOS_AUDIT_CHECKPOINT_TOPIC): fetch them from GET /v1/tenants/{t}/audit/checkpoints and keep them elsewhere, or a removed tail cannot be proven');
  }
  const publisher = new CheckpointPublisher({ store, signerFor: (t) => loadOrCreateSigningKey(config.dataDir, t), sinks, log: log.child({ part: 'audit-checkpoints' }), registry });
  log.info({ interval_s: c.intervalS, sinks: sinks.map((s) => s.name) }, 'audit checkpoints on');
  return publisher.start(c.intervalS * 1000);
}
