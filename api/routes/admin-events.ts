/** GET /v1/tenants/{tenant}/admin-events: the platform's admin events, newest first. */
import type { Store } from '../../common/store/store.js';
import type { CursorCodec } from '../../common/queries/cursor.js';
import { searchAdminEvents } from '../../common/queries/admin-events.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { cursorFilters, decodeCursorParam } from '../schemas/cursor.js';
import { adminEventQuery, adminEventSearchResponse } from '../schemas/admin-events.js';
import { tenantOnlyParams } from '../schemas/directory.js';

export function adminEventsRoute(store: Store, cursors: CursorCodec): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/admin-events',
    operationId: 'searchAdminEvents',
    summary: 'Admin events (logins, role changes, app installs, membership, ...) by type, user, conversation and time; newest first',
    tags: ['admin events'],
    scope: 'admin_events:read',
    action: 'admin_events.search',
    params: tenantOnlyParams,
    query: adminEventQuery,
    response: adminEventSearchResponse,
    handler: async ({ tenant, query }) => {
      const filters = cursorFilters('admin_events.search', tenant, query);
      const pos = decodeCursorParam(cursors, query.cursor, filters);
      const after = pos && pos.k.length === 1 ? { time: pos.t, eventId: pos.k[0]! } : undefined;
      const page = await searchAdminEvents(store, {
        tenant, types: query.type, user: query.user, conversation: query.conversation, fromTime: query.from, toTime: query.to, limit: query.limit, after,
      });
      const last = page.items[page.items.length - 1];
      const next = page.more && last ? cursors.encode({ t: last.time.slice(0, 23).replace('T', ' '), k: [last.event_id] }, filters) : null;
      return { body: { items: page.items, total: page.total, next_cursor: next }, resultCount: page.items.length };
    },
  }) as unknown as RouteSpec;
}
