/**
 * The operations /openapi.json lists beside the /v1 RouteSpecs, and the whole
 * document as `custos serve` serves it, built without a store or a job runner (the
 * route factories only capture them). The web UI build (scripts/build-ui.mjs)
 * generates its TypeScript types from this document, so an API change that the UI
 * does not follow fails `npm run build`, not a person's browser.
 */
import { AUTH_OPERATIONS } from './auth/auth-operations.js';
import { SYSTEM_OPERATIONS, openApiDocument, type ExtraOperation } from './openapi.js';
import { apiRoutes } from './routes/index.js';
import { WEB_UI_OPERATIONS } from './routes/web-ui.js';

export const EXTRA_OPERATIONS: readonly ExtraOperation[] = [...SYSTEM_OPERATIONS, ...AUTH_OPERATIONS, ...WEB_UI_OPERATIONS];

/** Anything a route factory would call while only being listed is a bug: say so instead of answering undefined. */
function untouchable<T extends object>(what: string): T {
  return new Proxy({} as T, { get: (_t, key) => { throw new Error(`the OpenAPI document build used ${what}.${String(key)}: route factories must only capture it`); } });
}

export function servedOpenApiDocument(): Record<string, unknown> {
  const routes = apiRoutes({
    store: untouchable('store'),
    jobs: { service: untouchable('jobs'), pseudonyms: untouchable('pseudonyms'), signingKeys: () => { throw new Error('signing keys are not read while building the document'); } },
  });
  return openApiDocument(routes, EXTRA_OPERATIONS);
}
