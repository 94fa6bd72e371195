/** GET /openapi.json: the document, built once from the mounted routes (public, like /healthz). */
import { Router } from 'express';
import type { RouteSpec } from '../route-spec.js';
import { openApiDocument, SYSTEM_OPERATIONS, type ExtraOperation } from '../openapi.js';

export function openApiRouter(routes: readonly RouteSpec[], extra: readonly ExtraOperation[] = SYSTEM_OPERATIONS): Router {
  const body = JSON.stringify(openApiDocument(routes, extra));
  const r = Router();
  r.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  return r;
}
