/**
 * Commits a partition's offset after its batch is stored. A committed offset never
 * moves backwards, and a commit the group refuses because it changed under us
 * (the partition has a new owner) is left to that owner: it replays from the last
 * commit and the writer's seen-id check stores nothing twice.
 */
import type { Consumer } from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import { errorMessage } from '../../common/errors.js';

const REBALANCE_ERRORS = new Set(['UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE']);

export function isRebalance(err: unknown): boolean {
  const e = err as { type?: string; cause?: { type?: string } };
  return REBALANCE_ERRORS.has(e.type ?? '') || REBALANCE_ERRORS.has(e.cause?.type ?? '');
}

export interface CommitTarget {
  topic: string;
  partition: number;
  /** The offset after the batch's last record. */
  next: bigint;
  /** True when the partition was reassigned while the batch was in hand. */
  isStale: () => boolean;
}

/** Commits and answers whether the offset is now committed (false: left to the partition's next owner). */
export type CommitStep = (target: CommitTarget) => Promise<boolean>;

export function createCommitStep(consumer: Consumer, log: Logger): CommitStep {
  const committed = new Map<string, bigint>();
  return async function commitOffset({ topic, partition, next, isStale }) {
    const key = `${topic}/${partition}`;
    // Work from before a rebalance may finish late: never go back.
    if ((committed.get(key) ?? -1n) >= next) return true;
    if (isStale()) {
      log.info({ topic, partition }, 'partition reassigned during the batch; leaving the commit to its new owner');
      return false;
    }
    try {
      await consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
      committed.set(key, next);
      return true;
    } catch (err) {
      if (!isRebalance(err)) throw err;
      log.info({ topic, partition, err: errorMessage(err) }, 'group rebalanced before the commit; the batch will be redelivered and deduplicated');
      return false;
    }
  };
}
