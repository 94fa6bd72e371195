/**
 * Step 4 of Kafka ingest: the stored message versions (creations and edits) of a
 * batch are evaluated against their tenant's enabled supervision policies, and the
 * sampled matches are written to the review queue, before the batch is committed.
 * So a flag is in the store within a batch of its message, and a crash before the
 * write replays the batch, which writes the same items again (an item's id is a
 * hash of the policy version and the event: nothing is flagged twice).
 *
 * An edit is evaluated as a version of its own: an edit that removes the offending
 * text flags nothing and removes nothing (the earlier version is what was sent).
 *
 * Rows of tenants without an enabled policy cost a map lookup. A message version
 * whose evaluation throws (a bug its input found) is logged with its event id and
 * counted (`custos_supervision_failures_total`); the rest of the batch goes on.
 * The store being away is waited for, as the store step does.
 */
import { StoreError, errorMessage } from '../../common/errors.js';
import { flagLexicalHits, lexicalHits, type ContextSource, type Flag, type LexicalHit, type PolicySet, type SupervisedMessage } from '../../common/supervision/flagging.js';
import type { PolicyCache } from '../supervision/policy-cache.js';
import { createItemCoalescer, type ItemWriter } from '../supervision/item-coalescer.js';
import { messageOfRow } from '../supervision/screen-rows.js';
import { StoppedError, describeRetry, retryUntilDone } from '../retry.js';
import type { DecodedBatch, Rejected } from './decode-batch.js';
import type { BatchRef, StepContext } from './step-context.js';

/** `refused`: the rows the store step refused (they go to the DLQ, so they are not evaluated). */
export type SuperviseStep = (batch: BatchRef, decoded: DecodedBatch, refused: readonly Rejected[]) => Promise<void>;

export interface SuperviseDeps {
  policies: PolicyCache;
  /** The review queue (its `write`); the step coalesces the writes of concurrent batches. */
  queue: ItemWriter;
  context: ContextSource;
}

/** A tenant's share of a batch: lexical hits the decode worker found, and rows to match here. */
interface TenantWork {
  /** The set `hits` were matched with, read with its key in the same tick (a reload may swap it later). */
  set: PolicySet;
  key: string;
  hits: LexicalHit[];
  toMatch: SupervisedMessage[];
}

export function createSuperviseStep(ctx: StepContext, deps: SuperviseDeps): SuperviseStep {
  const items = createItemCoalescer(deps.queue);
  const retry = <T>(batch: BatchRef, operation: string, work: () => Promise<T>) =>
    retryUntilDone(work, {
      operation, maxDelayMs: ctx.retryMaxMs, stopped: ctx.stopped,
      // Only the store being away is worth waiting for; anything else is a bug an input found.
      isPermanent: (err) => !(err instanceof StoreError),
      onRetry: async (attempt, err, delay) => {
        ctx.metrics.storeRetries.inc({ operation: 'supervision' });
        ctx.log.warn({ topic: batch.topic, partition: batch.partition }, describeRetry(operation, attempt, err, delay));
        await batch.heartbeat().catch(() => undefined);
      },
    });

  const failed = (eventId: string, tenant: string, err: unknown, what: string) => {
    ctx.metrics.supervisionFailures.inc();
    ctx.log.error({ event_id: eventId, tenant, err: errorMessage(err) }, what);
  };

  /**
   * Each tenant's stored message versions of the batch. A row the decode worker screened
   * with the tenant's current policy set brings its hits (usually none); any other row
   * (in-thread decode, a policy change since, a row rewritten by the erasure step) is
   * read here to be matched. One that cannot be read is counted and skipped.
   */
  function workByTenant(decoded: DecodedBatch, refused: readonly Rejected[]): Map<string, TenantWork> {
    const out = new Map<string, TenantWork>();
    const notStored = new Set(refused.map((x) => x.record));
    const screened = decoded.screened;
    for (let i = 0; i < decoded.rows.length; i++) {
      const r = decoded.rows[i]!;
      if (r.table !== 'message_versions') continue;
      const tenant = r.row.tenant;
      let work = out.get(tenant);
      if (!work) {
        const set = deps.policies.setFor(tenant);
        if (!set) continue;
        out.set(tenant, (work = { set, key: deps.policies.keyFor(tenant)!, hits: [], toMatch: [] }));
      }
      if (notStored.size > 0 && notStored.has(decoded.rowRecords[i]!)) continue;
      const hits = screened?.keys.get(tenant) === work.key ? screened.rows.get(r) : undefined;
      if (hits) {
        for (const h of hits) work.hits.push(h);
        continue;
      }
      try {
        work.toMatch.push(messageOfRow(r));
      } catch (err) {
        failed(r.row.event_id, tenant, err, 'supervision could not read a message version; it is stored but not evaluated');
      }
    }
    return out;
  }

  /** Lexical hits of the rows matched here, one message at a time when the batch throws, so only the culprit is skipped. */
  function matchHere(set: PolicySet, messages: SupervisedMessage[]): LexicalHit[] {
    if (messages.length === 0) return [];
    try {
      return lexicalHits(set, messages);
    } catch {
      const hits: LexicalHit[] = [];
      for (const m of messages) {
        try {
          hits.push(...lexicalHits(set, [m]));
        } catch (err) {
          failed(m.eventId, set.tenant, err, 'supervision failed on a message version; it is stored but not evaluated');
        }
      }
      return hits;
    }
  }

  /** Conditions and sampling of the hits; when that throws for a reason other than the store, one message at a time. */
  async function evaluate(batch: BatchRef, set: PolicySet, hits: LexicalHit[]): Promise<Flag[]> {
    try {
      return await retry(batch, 'supervision: evaluate batch', () => flagLexicalHits(set, hits, deps.context));
    } catch (err) {
      if (err instanceof StoreError || err instanceof StoppedError) throw err;
      const byMessage = new Map<SupervisedMessage, LexicalHit[]>();
      for (const h of hits) byMessage.set(h.m, [...(byMessage.get(h.m) ?? []), h]);
      const flags: Flag[] = [];
      for (const [m, own] of byMessage) {
        try {
          flags.push(...(await retry(batch, 'supervision: evaluate message', () => flagLexicalHits(set, own, deps.context))));
        } catch (one) {
          if (one instanceof StoreError || one instanceof StoppedError) throw one;
          failed(m.eventId, set.tenant, one, 'supervision failed on a message version; it is stored but not evaluated');
        }
      }
      return flags;
    }
  }

  return async function superviseMessages(batch, decoded, refused) {
    for (const work of workByTenant(decoded, refused).values()) {
      const set = work.set;
      const hits = work.hits.concat(matchHere(set, work.toMatch));
      if (hits.length === 0) continue;
      const flags = await evaluate(batch, set, hits);
      const written = await retry(batch, 'supervision: write review items', () => items.write(flags));
      if (written === 0) continue;
      for (const f of flags) if (f.sampled) ctx.metrics.supervisionFlags.inc({ severity: f.severity });
    }
  };
}
