/** GET /v1/tenants/{tenant}/archive/stats: what the archive covers (counts and time span, no content). */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import { getArchiveStats } from '../../common/queries/archive-stats.js';
import { queryObject, tenantOnlyParams } from '../schemas/query-fields.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

const count = z.number().int().nonnegative();

export const archiveStatsResponse = z.object({
  tenant: z.string(),
  messages: count,
  message_versions: count,
  edited_messages: count,
  deleted_messages: count,
  reactions: count,
  reaction_events: count,
  calls: count,
  app_invocations: count,
  admin_events: count,
  users: count,
  conversations: count,
  first_event_time: z.string().nullable(),
  last_event_time: z.string().nullable(),
  events: count,
  sources: z.record(z.string(), count),
  event_types: z.record(z.string(), count),
  restricted: z.object({
    messages: count,
    calls: count,
    app_invocations: count,
  }).meta({
    description: 'Records of an erased person that a legal hold keeps (GDPR Art. 18, restricted: stored, processed only for the hold\'s case), per family: '
      + 'every other figure of this answer leaves them out (their versions, reactions, deletion marks and events included); these are the distinct records left out',
  }),
});

export function archiveStatsRoute(store: Store): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/archive/stats',
    operationId: 'getArchiveStats',
    summary: 'What the archive holds for the tenant: counts per event family and source, first and last event time; restricted records (kept by a legal hold after an erasure) are left out and counted apart',
    tags: ['archive'],
    scope: 'archive:read',
    action: 'archive.stats',
    params: tenantOnlyParams,
    query: queryObject({}),
    response: archiveStatsResponse,
    handler: async ({ tenant }) => ({ body: await getArchiveStats(store, tenant), resultCount: 1 }),
  }) as unknown as RouteSpec;
}
