import type { Command } from 'commander';
import { createServer } from 'node:http';
import { Lifecycle } from '../../common/lifecycle.js';
import { createMetrics } from '../../common/metrics.js';
import { CustosError } from '../../common/errors.js';
import { commandContext, openStore } from '../context.js';
import { buildKafkaIngest, superviseIngest } from '../ingest-runtime.js';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('run the Kafka consumers only (needs KAFKA_BROKERS); /metrics on --metrics-port')
    .option('--metrics-port <port>', 'serve /metrics on this port (0 = off)', '0')
    .action(async (opts: { metricsPort: string }) => {
      const ctx = commandContext();
      const { config, log } = ctx;
      if (!config.kafka) throw new CustosError('KAFKA_BROKERS is not set: `custos ingest` has nothing to consume');
      const life = new Lifecycle(log);
      const store = await openStore(ctx, 'custos ingest');
      life.add({ name: 'store', stop: () => store.close() });
      const metrics = createMetrics();
      const ingest = buildKafkaIngest(config, store, metrics, log)!;
      life.add(superviseIngest(ingest, log));
      const metricsPort = Number(opts.metricsPort);
      if (metricsPort > 0) {
        const server = createServer((req, res) => {
          void metrics.registry.metrics().then((body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body));
        }).listen(metricsPort, config.http.host);
        life.add({ name: 'metrics http', stop: () => new Promise<void>((r) => server.close(() => r())) });
      }
      process.stderr.write(`custos ingest: consuming ${config.kafka.topics.messages}, ${config.kafka.topics.admin} from ${config.kafka.brokers.join(',')} as group ${config.kafka.groupId}\n`);
      const signal = await life.untilSignal();
      const stored = (await metrics.ingest.records.get()).values.filter((v) => v.labels.result === 'stored').reduce((s, v) => s + v.value, 0);
      const dlq = (await metrics.ingest.dlq.get()).values.reduce((s, v) => s + v.value, 0);
      process.stderr.write(`custos ingest: stopped on ${signal}: ${stored} events stored, ${dlq} sent to the DLQ\n`);
    });
}
