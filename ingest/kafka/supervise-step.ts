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
import { TABLE_COLUMNS, type RoutedRow } from '../../common/events/rows.js';
import { flagMessages, type ContextSource, type Flag, type PolicySet, type SupervisedMessage } from '../../common/supervision/flagging.js';
import type { PolicyCache } from '../supervision/policy-cache.js';
import { createItemCoalescer, type ItemWriter } from '../supervision/item-coalescer.js';
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

const COLUMN = Object.fromEntries(TABLE_COLUMNS.message_versions.map((c, i) => [c, i])) as Record<string, number>;

/** The line's text without copying its bytes (they are a slice of the decode worker's buffer). */
const lineText = (b: Uint8Array): string => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('utf8');

/** A message_versions row as the step reads it: the row object (in-thread decode) or its insert line (decode worker). */
function toMessage(r: RoutedRow): SupervisedMessage {
  const get: (c: string) => unknown = r.lineBytes || r.line
    ? ((cells) => (c: string) => cells[COLUMN[c]!])(JSON.parse(r.line ?? lineText(r.lineBytes!)) as unknown[])
    : (c: string) => r.row[c];
  return {
    eventId: get('event_id') as string, messageId: get('message_id') as string, conversationId: get('conversation_id') as string,
    conversationType: get('conversation_type') as string, threadId: get('thread_id') as string, authorId: get('author_id') as string,
    time: get('time') as string, kind: get('kind') as 'created' | 'edited', text: get('text') as string,
    hasAttachments: (get('attachments') as unknown[]).length > 0,
  };
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

  /** The tenant's message versions of the batch, each decoded once; one that cannot be read is counted and skipped. */
  function messagesByTenant(decoded: DecodedBatch, refused: readonly Rejected[]): Map<string, SupervisedMessage[]> {
    const out = new Map<string, SupervisedMessage[]>();
    const notStored = new Set(refused.map((x) => x.record));
    for (let i = 0; i < decoded.rows.length; i++) {
      const r = decoded.rows[i]!;
      if (r.table !== 'message_versions' || !deps.policies.setFor(r.row.tenant)) continue;
      if (notStored.size > 0 && notStored.has(decoded.rowRecords[i]!)) continue;
      try {
        const m = toMessage(r);
        const list = out.get(r.row.tenant);
        if (list) list.push(m);
        else out.set(r.row.tenant, [m]);
      } catch (err) {
        ctx.metrics.supervisionFailures.inc();
        ctx.log.error({ event_id: r.row.event_id, tenant: r.row.tenant, err: errorMessage(err) }, 'supervision could not read a message version; it is stored but not evaluated');
      }
    }
    return out;
  }

  /** Evaluates the batch; when that throws for a reason other than the store, one message at a time, so only the culprit is skipped. */
  async function evaluate(batch: BatchRef, set: PolicySet, messages: SupervisedMessage[]): Promise<Flag[]> {
    try {
      return await retry(batch, 'supervision: evaluate batch', () => flagMessages(set, messages, deps.context));
    } catch (err) {
      if (err instanceof StoreError || err instanceof StoppedError) throw err;
      const flags: Flag[] = [];
      for (const m of messages) {
        try {
          flags.push(...(await retry(batch, 'supervision: evaluate message', () => flagMessages(set, [m], deps.context))));
        } catch (one) {
          if (one instanceof StoreError || one instanceof StoppedError) throw one;
          ctx.metrics.supervisionFailures.inc();
          ctx.log.error({ event_id: m.eventId, tenant: set.tenant, err: errorMessage(one) }, 'supervision failed on a message version; it is stored but not evaluated');
        }
      }
      return flags;
    }
  }

  return async function superviseMessages(batch, decoded, refused) {
    for (const [tenant, messages] of messagesByTenant(decoded, refused)) {
      const set = deps.policies.setFor(tenant);
      if (!set) continue;
      const flags = await evaluate(batch, set, messages);
      const written = await retry(batch, 'supervision: write review items', () => items.write(flags));
      if (written === 0) continue;
      for (const f of flags) if (f.sampled) ctx.metrics.supervisionFlags.inc({ severity: f.severity });
    }
  };
}
