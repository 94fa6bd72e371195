/**
 * Publishes a signed checkpoint of each tenant's audit chain head every
 * CUSTOS_AUDIT_CHECKPOINT_INTERVAL_S, when the head moved: to the configured sinks
 * (directory, Kafka topic), then to the `audit_checkpoints` table (for the API). A
 * head below the last published checkpoint means the tail was removed: that is
 * logged as an error and no checkpoint is published over it.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { Signer } from '../keys/signing-keys.js';
import { errorMessage } from '../errors.js';
import { toStoreTime } from '../events/time.js';
import { signCheckpoint, type Checkpoint } from './checkpoint.js';
import type { CheckpointSink } from './checkpoint-sinks.js';
import { listAuditTenants } from './verify.js';

export interface CheckpointPublisherDeps {
  store: Store;
  /** The tenant's signing key (common/keys/signing-keys.ts). */
  signerFor(tenant: string): Signer;
  sinks: CheckpointSink[];
  log: Logger;
  /** Where the publisher's counters go (custos serve: the /metrics registry). */
  registry?: Registry;
}

export interface PublishRound {
  published: Checkpoint[];
  /** Tenants whose stored head is below their last checkpoint. */
  truncated: string[];
}

export class CheckpointPublisher {
  private readonly last = new Map<string, number>();
  private loaded = false;
  private readonly published?: Counter<'tenant'>;
  private readonly truncated?: Gauge<'tenant'>;

  constructor(private readonly deps: CheckpointPublisherDeps) {
    const registers = deps.registry ? [deps.registry] : undefined;
    if (registers) {
      this.published = new Counter({ name: 'custos_audit_checkpoints_published_total', help: 'Signed audit chain checkpoints published, per tenant', labelNames: ['tenant'], registers });
      // An alert on this is the point of checkpoints: the chain lost entries the last checkpoint pinned.
      this.truncated = new Gauge({ name: 'custos_audit_chain_truncated', help: '1 when a tenant\'s audit chain head is below its last signed checkpoint (entries removed from the tail)', labelNames: ['tenant'], registers });
    }
  }

  /** One round over every tenant with an audit chain. A tenant that fails is logged and retried next round. */
  async publishOnce(now = new Date()): Promise<PublishRound> {
    const { store, log } = this.deps;
    if (!this.loaded) {
      const rows = await store.query<{ tenant: string; seq: string }>('audit checkpoints: last', 'SELECT tenant, max(seq) AS seq FROM audit_checkpoints GROUP BY tenant');
      for (const r of rows) this.last.set(r.tenant, Number(r.seq));
      this.loaded = true;
    }
    const round: PublishRound = { published: [], truncated: [] };
    for (const tenant of await listAuditTenants(store)) {
      try {
        const [head] = await store.query<{ seq: string; hash: string }>(
          'audit checkpoints: head',
          'SELECT seq, hash FROM audit_log WHERE tenant = {tenant:String} ORDER BY seq DESC LIMIT 1',
          { tenant },
        );
        if (!head) continue;
        const seq = Number(head.seq);
        const last = this.last.get(tenant) ?? 0;
        if (seq === last) continue;
        if (seq < last) {
          round.truncated.push(tenant);
          this.truncated?.set({ tenant }, 1);
          log.error({ tenant, head_seq: seq, checkpoint_seq: last }, 'audit chain head is below the last signed checkpoint: entries were removed from its tail; no checkpoint published over it');
          continue;
        }
        const c = await signCheckpoint({ tenant, seq, hash: head.hash }, this.deps.signerFor(tenant), now);
        for (const sink of this.deps.sinks) await sink.publish(c);
        await store.insert('audit checkpoints: record', 'audit_checkpoints', [{ tenant, seq, hash: c.hash, time: toStoreTime(Date.parse(c.time)), key_id: c.key_id, signature: c.signature }]);
        this.last.set(tenant, seq);
        this.published?.inc({ tenant });
        this.truncated?.set({ tenant }, 0);
        round.published.push(c);
      } catch (err) {
        log.error({ tenant, err: errorMessage(err) }, 'audit checkpoint not published; retried next round');
      }
    }
    return round;
  }

  /** Runs a round every `intervalMs` until stopped; the returned stop waits for a round in flight and closes the sinks. */
  start(intervalMs: number): { name: string; stop(): Promise<void> } {
    let running: Promise<unknown> = Promise.resolve();
    const tick = () => {
      running = this.publishOnce().catch((err: unknown) => this.deps.log.error({ err: errorMessage(err) }, 'audit checkpoint round failed'));
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    tick();
    return {
      name: 'audit checkpoints',
      stop: async () => {
        clearInterval(timer);
        await running;
        // A last checkpoint on the way out, so a clean stop leaves the head pinned.
        await this.publishOnce().catch((err: unknown) => this.deps.log.error({ err: errorMessage(err) }, 'final audit checkpoint failed'));
        for (const sink of this.deps.sinks) await sink.close();
      },
    };
  }
}
