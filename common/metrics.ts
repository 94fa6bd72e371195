/**
 * Prometheus metrics. One registry per process, created by the command that runs
 * and passed to the parts that count (no module-level singleton).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface IngestMetrics {
  records: Counter<'topic' | 'result'>;
  dlq: Counter<'topic' | 'reason'>;
  rows: Counter<'table'>;
  batchSeconds: Histogram<'topic'>;
  lag: Gauge<'topic' | 'partition'>;
  storeRetries: Counter<'operation'>;
  paused: Gauge;
}

export interface Metrics {
  registry: Registry;
  ingest: IngestMetrics;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'custos_process_' });
  const registers = [registry];
  return {
    registry,
    ingest: {
      records: new Counter({ name: 'custos_ingest_records_total', help: 'Kafka records processed, by outcome (stored, duplicate, dlq)', labelNames: ['topic', 'result'], registers }),
      dlq: new Counter({ name: 'custos_ingest_dlq_total', help: 'Records sent to the DLQ, by reason', labelNames: ['topic', 'reason'], registers }),
      rows: new Counter({ name: 'custos_ingest_rows_total', help: 'Rows inserted into the store, by table', labelNames: ['table'], registers }),
      batchSeconds: new Histogram({
        name: 'custos_ingest_batch_seconds',
        help: 'Time from receiving a batch to committing its offsets',
        labelNames: ['topic'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
      lag: new Gauge({ name: 'custos_ingest_consumer_lag', help: 'Records behind the partition high watermark after the last batch', labelNames: ['topic', 'partition'], registers }),
      storeRetries: new Counter({ name: 'custos_ingest_store_retries_total', help: 'Retries of a store or DLQ operation that failed', labelNames: ['operation'], registers }),
      paused: new Gauge({ name: 'custos_ingest_paused', help: '1 while ingest waits for the store or the DLQ to come back', registers }),
    },
  };
}
