/** Liveness, readiness and metrics: what an orchestrator and Prometheus scrape. */
import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Store } from '../../common/store/store.js';

/** What Kafka ingest reports about itself (ingest/kafka/ingest-health.ts), as /readyz needs it. */
export interface IngestStatus {
  reachable(): Promise<boolean>;
  health(): { state: string; consuming: boolean; partitions: number; restarts: number; sinceProgressS: number };
}

export interface HealthDeps {
  store: Store;
  registry: Registry;
  /** Present when Kafka is configured. */
  ingest?: IngestStatus;
}

export function healthRoutes(deps: HealthDeps): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready means: the store answers and, when Kafka is configured, the brokers answer
  // AND the consumer is consuming. A consumer that crashed, is still joining or makes
  // no progress is not ready, whatever the brokers say.
  r.get('/readyz', async (_req, res) => {
    const [store, kafka] = await Promise.all([deps.store.ping(), deps.ingest?.reachable()]);
    const ingest = deps.ingest?.health();
    const ready = store && (ingest === undefined || (kafka === true && ingest.consuming));
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      checks: { store: store ? 'ok' : 'down', ...(ingest ? { kafka: kafka ? 'ok' : 'down', ingest: ingest.state } : {}) },
      ...(ingest ? { ingest: { state: ingest.state, partitions: ingest.partitions, restarts: ingest.restarts, seconds_since_progress: ingest.sinceProgressS } } : {}),
    });
  });
  r.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return r;
}
