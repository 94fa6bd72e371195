/** Liveness, readiness and metrics: what an orchestrator and Prometheus scrape. */
import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Store } from '../../common/store/store.js';

export interface HealthDeps {
  store: Store;
  registry: Registry;
  /** Present when Kafka is configured: true when the brokers answer. */
  kafkaReachable?: () => Promise<boolean>;
}

export function healthRoutes(deps: HealthDeps): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const store = await deps.store.ping();
    const kafka = deps.kafkaReachable ? await deps.kafkaReachable() : undefined;
    const ready = store && kafka !== false;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: { store: store ? 'ok' : 'down', ...(kafka === undefined ? {} : { kafka: kafka ? 'ok' : 'down' }) } });
  });
  r.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return r;
}
