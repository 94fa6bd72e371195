/**
 * Every /v1 route of the API, as RouteSpecs. api/app.ts mounts this list behind the
 * auth/audit chain, the OpenAPI document is generated from it, and the permission
 * matrix test walks it: a route added here is documented and tested by construction.
 */
import type { Store } from '../../common/store/store.js';
import { createCursorCodec } from '../../common/queries/cursor.js';
import type { RouteSpec } from '../route-spec.js';
import type { ApiTokenStore } from '../auth/api-tokens.js';
import { archiveStatsRoute } from './archive-stats.js';
import { auditRoutes } from './audit.js';
import { tokenRoutes } from './tokens.js';
import { sessionRoutes } from './sessions.js';
import { auditCheckpointsRoute } from './audit-checkpoints.js';
import type { SessionStore } from '../auth/session-store.js';
import { messageSearchRoute } from './messages.js';
import { messageDetailRoute } from './message-detail.js';
import { directoryRoutes } from './directory.js';
import { adminEventsRoute } from './admin-events.js';
import { jobRoutes } from './jobs.js';
import { signingKeysRoute, type SigningKeyLookup } from './signing-keys.js';
import { analyticsRoutes } from './analytics.js';
import { createAnswerCache } from '../../analytics/answer-cache.js';
import { topicRoutes } from './topics.js';
import type { JobService } from '../../common/jobs/job-service.js';
import type { Pseudonymizer } from '../../common/audit/index.js';
import type { Authorizer } from '../../policies/authorize.js';
import { meRoute } from './me.js';
import { supervisionPolicyRoutes } from './supervision-policies.js';
import { supervisionQueueRoutes } from './supervision-queue.js';
import { holdRoutes } from './holds.js';
import { retentionRoutes, type RetentionSettings } from './retention.js';
import { subjectRequestRoutes } from './subject-requests.js';

export interface ApiRouteDeps {
  store: Store;
  /**
   * Key that signs pagination cursors. Give a configured secret so cursors survive
   * a restart and work across instances; without it each process uses a random key.
   */
  cursorSecret?: string | Buffer;
  /** The API token store that authenticates requests (shared so revocations take effect at once). */
  tokens?: ApiTokenStore;
  /** The session store that authenticates browser requests (shared so revocations take effect at once). */
  sessions?: SessionStore;
  /** The job runner and what its routes need (who asks, as an audit pseudonym); without them there are no job routes. */
  jobs?: { service: JobService; pseudonyms: Pseudonymizer; signingKeys: SigningKeyLookup };
  /** The app's authorizer, for GET .../me (which scopes the caller holds); loaded from the policy files when absent. */
  authorizer?: Authorizer;
  /** Keep exact search totals while the archive is unchanged (default true; the bench turns it off to measure it). */
  searchTotalsCache?: boolean;
  /** k of the analytics privacy floor (CUSTOS_MIN_GROUP_SIZE); 5 when not given. */
  minGroupSize?: number;
  /** How long an analytics answer may leave out newly ingested events (CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS); 0 (exact) when not given. */
  analyticsMaxStalenessS?: number;
  /** Daily run hour and first-run brake (config.retention); defaults when absent. */
  retention?: RetentionSettings;
}

export function apiRoutes(deps: ApiRouteDeps): RouteSpec[] {
  const cursors = createCursorCodec(deps.cursorSecret);
  return [
    archiveStatsRoute(deps.store),
    ...auditRoutes(deps),
    ...tokenRoutes(deps),
    ...sessionRoutes(deps),
    auditCheckpointsRoute(deps.store),
    messageSearchRoute(deps.store, cursors, { totalsCache: deps.searchTotalsCache ?? true }),
    messageDetailRoute(deps.store),
    ...directoryRoutes(deps.store, cursors),
    adminEventsRoute(deps.store, cursors),
    meRoute(deps.authorizer),
    ...analyticsRoutes(deps.store, deps.minGroupSize ?? 5, createAnswerCache(deps.store, { maxStalenessMs: (deps.analyticsMaxStalenessS ?? 0) * 1000 })),
    ...topicRoutes({ store: deps.store, k: deps.minGroupSize ?? 5, ...(deps.jobs ? { pseudonyms: deps.jobs.pseudonyms } : {}) }),
    ...(deps.jobs ? [...jobRoutes({ jobs: deps.jobs.service, cursors, pseudonyms: deps.jobs.pseudonyms }), signingKeysRoute(deps.jobs.signingKeys)] : []),
    ...supervisionPolicyRoutes({ store: deps.store, ...(deps.jobs ? { jobs: deps.jobs.service } : {}) }),
    ...supervisionQueueRoutes(deps.store, cursors),
    ...(deps.jobs ? holdRoutes({ store: deps.store, pseudonyms: deps.jobs.pseudonyms }) : []),
    ...(deps.jobs ? retentionRoutes({ store: deps.store, jobs: deps.jobs.service, pseudonyms: deps.jobs.pseudonyms, ...(deps.retention ? { settings: deps.retention } : {}) }) : []),
    ...(deps.jobs ? subjectRequestRoutes({ store: deps.store, pseudonyms: deps.jobs.pseudonyms, jobs: deps.jobs.service }) : []),
  ];
}
