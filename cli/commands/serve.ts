import type { Command } from 'commander';
import { once } from 'node:events';
import { Lifecycle } from '../../common/lifecycle.js';
import { createMetrics } from '../../common/metrics.js';
import { commandContext, openStore } from '../context.js';
import { buildKafkaIngest, superviseIngest } from '../ingest-runtime.js';
import { buildJobRunner } from '../job-runtime.js';
import { startJobScheduler } from '../../reports/jobs/job-scheduler.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { startCheckpointPublisher } from '../checkpoint-runtime.js';
import { startRetentionSchedule } from '../../reports/retention/retention-schedule.js';
import { startErasureSchedule } from '../../reports/erasure/erasure-schedule.js';
import { startTopicsSchedule } from '../../reports/topics/topics-schedule.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the API, Kafka ingest (when KAFKA_BROKERS is set) and the scheduler in one process')
    .action(async () => {
      const ctx = commandContext();
      const { config, log } = ctx;
      const life = new Lifecycle(log);
      const store = await openStore(ctx, 'custos serve');
      life.add({ name: 'store', stop: () => store.close() });
      const metrics = createMetrics();
      const ingest = buildKafkaIngest(config, store, metrics, log);
      if (ingest) life.add(superviseIngest(ingest, log));
      // Loaded here so commands that never serve HTTP do not load the API.
      const { buildSecurity, createApp } = await import('../../api/app.js');
      // Listen first so the public URL (OIDC redirect URI) knows the port; until the
      // app is attached the listener answers 503 "starting" with Retry-After.
      const { swappableListener } = await import('../../api/starting-handler.js');
      const { createHttpServer } = await import('../../api/http-server.js');
      const handler = swappableListener();
      // Node's own 431/400/408 answers become problem+json with the security headers.
      const server = createHttpServer(handler.listener, { https: (config.auth.publicUrl ?? '').startsWith('https:') });
      server.listen(config.http.port, config.http.host);
      await once(server, 'listening');
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
      const security = await buildSecurity({ config, store, publicUrl: config.auth.publicUrl ?? `http://${config.http.host}:${port}` });
      // One audit writer per process: the runner appends job state changes through the API's.
      const runner = buildJobRunner(config, store, security.audit!, log);
      life.add(startJobScheduler(runner, { soleProcess: store.kind === 'embedded', log: log.child({ part: 'jobs' }) }));
      life.add(startRetentionSchedule(runner, store, { hour: config.retention.hour, log: log.child({ part: 'retention' }) }));
      life.add(startErasureSchedule(runner, store, { log: log.child({ part: 'erasure' }) }));
      life.add(startTopicsSchedule(runner, store, { log: log.child({ part: 'topics' }) }));
      const signingKeys = (tenant: string) => {
        const key = loadOrCreateSigningKey(config.dataDir, tenant);
        return { keyId: key.keyId, publicKeyPem: key.publicKeyPem };
      };
      handler.attach(createApp({ store, registry: metrics.registry, log, security, jobs: { service: runner, signingKeys }, ...(ingest ? { ingest } : {}) }));
      life.add(await startCheckpointPublisher(config, store, log, metrics.registry));
      life.add({ name: 'http', stop: () => new Promise<void>((r) => { server.close(() => r()); server.closeIdleConnections(); }) });
      log.info({ url: `http://${config.http.host}:${port}`, store: store.kind, kafka: ingest ? config.kafka!.brokers : 'off' }, 'custos serve ready');
      process.stderr.write(`custos serve: listening on http://${config.http.host}:${port} (store ${store.kind}${ingest ? `, ingest from ${config.kafka!.brokers.join(',')}` : ', no Kafka'})\n`);
      process.stderr.write(`custos serve: web UI at ${security.publicUrl}/${config.oidc ? '' : ' (no OIDC_ISSUER: browser sign-in is off, see docs/web-ui.md)'}\n`);
      const signal = await life.untilSignal();
      process.stderr.write(`custos serve: stopped on ${signal}\n`);
    });
}
