/**
 * What the ingest supervision step needs, all from one store: the enabled policies
 * (reloaded every `refreshMs`), the review queue it writes to, and the message context
 * (originals of edits, departments). `serve`, `ingest`, the bench and the tests wire it
 * the same way through here.
 */
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/store.js';
import { createPolicyStore } from '../../common/supervision/policy-store.js';
import { createReviewQueue } from '../../common/supervision/review-queue.js';
import { storeContextSource } from '../../common/supervision/message-context.js';
import type { SuperviseDeps } from '../kafka/supervise-step.js';
import { createPolicyCache } from './policy-cache.js';

export function superviseDepsFromStore(store: Store, log: Logger, refreshMs?: number): SuperviseDeps {
  return { policies: createPolicyCache(createPolicyStore(store), log, refreshMs), queue: createReviewQueue(store), context: storeContextSource(store) };
}
