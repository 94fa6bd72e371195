/**
 * Every /v1 route of the API, as RouteSpecs. api/app.ts mounts this list behind the
 * auth/audit chain, the OpenAPI document is generated from it, and the permission
 * matrix test walks it: a route added here is documented and tested by construction.
 */
import type { Store } from '../../common/store/store.js';
import type { RouteSpec } from '../route-spec.js';
import { archiveStatsRoute } from './archive-stats.js';

export interface ApiRouteDeps {
  store: Store;
}

export function apiRoutes(deps: ApiRouteDeps): RouteSpec[] {
  return [
    archiveStatsRoute(deps.store),
  ];
}
