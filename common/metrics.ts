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
  crashes: Counter;
  restarts: Counter;
  /** Review items the supervision step wrote, by severity (docs/supervision.md). */
  supervisionFlags: Counter<'severity'>;
  /** Message versions the supervision step could not evaluate (a bug their input found; logged with the event id). */
  supervisionFailures: Counter;
  /** Records of erased people that ingest dropped or pseudonymized instead of storing (DESIGN.md rule 4; docs/erasure.md). */
  erased: Counter<'topic' | 'result'>;
  /** Where the ingest state gauges read from at scrape time (set by the consumer). */
  reportHealth(source: () => IngestHealthSample): void;
}

/** What the ingest state gauges show; the consumer's own health type is a superset. */
export interface IngestHealthSample {
  state: string;
  consuming: boolean;
  partitions: number;
  sinceProgressS: number;
}

/** Every state the consumer can be in, so each has a series (0 or 1) from the first scrape. */
export const INGEST_STATES = ['stopped', 'starting', 'joining', 'consuming', 'not_assigned', 'stalled', 'crashed'] as const;

export interface Metrics {
  registry: Registry;
  ingest: IngestMetrics;
}

function ingestStateGauges(registers: Registry[], read: () => IngestHealthSample | undefined): void {
  new Gauge({
    name: 'custos_ingest_up', help: '1 while Kafka ingest consumes (or is idle by assignment); 0 when crashed, starting, joining, stalled or stopped', registers,
    collect() { this.set(read()?.consuming ? 1 : 0); },
  });
  new Gauge({
    name: 'custos_ingest_state', help: 'Kafka ingest state: 1 for the current one', labelNames: ['state'], registers,
    collect() {
      const now = read()?.state;
      for (const s of INGEST_STATES) this.set({ state: s }, s === now ? 1 : 0);
    },
  });
  new Gauge({ name: 'custos_ingest_assigned_partitions', help: 'Partitions this consumer holds', registers, collect() { this.set(read()?.partitions ?? 0); } });
  new Gauge({ name: 'custos_ingest_seconds_since_progress', help: 'Seconds since ingest last committed a batch (or started)', registers, collect() { this.set(read()?.sinceProgressS ?? 0); } });
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'custos_process_' });
  const registers = [registry];
  let health: (() => IngestHealthSample) | undefined;
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
      crashes: new Counter({ name: 'custos_ingest_crashes_total', help: 'Ingest runs that ended by themselves (consumer crash, a batch no step could isolate, a failed start)', registers }),
      restarts: new Counter({ name: 'custos_ingest_restarts_total', help: 'Restarts of ingest after a crash or a failed start', registers }),
      supervisionFlags: new Counter({ name: 'custos_supervision_flags_total', help: 'Review items written by the supervision step of ingest, by severity', labelNames: ['severity'], registers }),
      erased: new Counter({ name: 'custos_ingest_erased_total', help: 'Records by or about an erased person: dropped (by them) or pseudonymized (naming them), never stored as they came nor sent to the DLQ', labelNames: ['topic', 'result'], registers }),
      supervisionFailures: new Counter({ name: 'custos_supervision_failures_total', help: 'Message versions the supervision step could not evaluate (logged with the event id)', registers }),
      reportHealth(source) {
        // Registered with the first consumer, so a process without Kafka shows no ingest state.
        if (!health) ingestStateGauges(registers, () => health?.());
        health = source;
      },
    },
  };
}
