/**
 * The OpenAPI 3.1 document, generated from the same RouteSpecs the app mounts, so
 * the document cannot drift from the routes. Request parameters come from the
 * params/query zod schemas (input form: what a client sends), responses from the
 * response schemas (output form). Every error is RFC 9457 problem+json.
 */
import { z } from 'zod';
import type { RouteSpec } from './route-spec.js';

type Json = Record<string, unknown>;

/** A path outside the RouteSpec table (health, metrics, login...), described by hand. */
export interface ExtraOperation {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  /** Content type and description of the 200 answer. */
  response: { description: string; contentType: string; schema?: Json };
  /** Redirects answer 302 instead of 200. */
  redirect?: boolean;
  /** Public endpoints have no security requirement. */
  public?: boolean;
}

export const PROBLEM_SCHEMA: Json = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    field: { type: 'string', description: 'The request field (path/query parameter or body property) that is wrong' },
  },
  required: ['title', 'status'],
};

export const SYSTEM_OPERATIONS: ExtraOperation[] = [
  { method: 'get', path: '/healthz', operationId: 'getHealth', summary: 'Liveness', tags: ['system'], public: true, response: { description: 'alive', contentType: 'application/json' } },
  { method: 'get', path: '/readyz', operationId: 'getReadiness', summary: 'Readiness (store reachable)', tags: ['system'], public: true, response: { description: 'ready', contentType: 'application/json' } },
  { method: 'get', path: '/metrics', operationId: 'getMetrics', summary: 'Prometheus metrics', tags: ['system'], public: true, response: { description: 'Prometheus text format', contentType: 'text/plain', schema: { type: 'string' } } },
  { method: 'get', path: '/openapi.json', operationId: 'getOpenApi', summary: 'This document', tags: ['system'], public: true, response: { description: 'OpenAPI 3.1 document', contentType: 'application/json', schema: { type: 'object' } } },
];

const problem = (description: string): Json => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

const ERRORS: Record<string, Json> = {
  400: problem('Invalid request: the problem names the `field`'),
  401: problem('Not authenticated, or step-up (recent MFA) needed'),
  403: problem('Authenticated but not allowed (role, or another tenant)'),
  404: problem('Not found'),
  413: problem('Request too large'),
  429: problem('Too many requests'),
  500: problem('Internal error (no details are disclosed; see the server log)'),
};

/** Express `/a/:b` to OpenAPI `/a/{b}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete s.$schema;
  return s;
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, p]) => {
    const { description, ...rest } = p;
    return {
      name,
      in: location,
      required: location === 'path' ? true : required.has(name) && !('default' in rest),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function routeOperation(r: RouteSpec): Json {
  return {
    operationId: r.operationId,
    summary: r.summary,
    tags: r.tags,
    parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } },
      ...ERRORS,
    },
    'x-scope': r.scope,
    'x-audit-action': r.action,
  };
}

function extraOperation(o: ExtraOperation): Json {
  const ok = { description: o.response.description, content: { [o.response.contentType]: { schema: o.response.schema ?? { type: 'object' } } } };
  return {
    operationId: o.operationId,
    summary: o.summary,
    tags: o.tags,
    ...(o.public ? { security: [] } : {}),
    responses: o.redirect ? { 302: { description: o.response.description }, 400: ERRORS[400], 401: ERRORS[401] } : { 200: ok, 500: ERRORS[500] },
  };
}

export function openApiDocument(routes: readonly RouteSpec[], extra: readonly ExtraOperation[] = SYSTEM_OPERATIONS, info: { version?: string } = {}): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const add = (path: string, method: string, op: Json) => {
    const p = (paths[toOpenApiPath(path)] ??= {});
    if (p[method]) throw new Error(`two operations for ${method.toUpperCase()} ${path}`);
    p[method] = op;
  };
  for (const r of routes) add(r.path, r.method, routeOperation(r));
  for (const o of extra) add(o.path, o.method, extraOperation(o));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Custos API',
      version: info.version ?? '0.1.0',
      description: 'Compliance archive of workplace chat: search, directory, admin events, audit. Errors are application/problem+json (RFC 9457). See docs/api.md.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [...new Set([...routes.flatMap((r) => r.tags), ...extra.flatMap((o) => o.tags)])].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An access token from the identity provider (JWT, checked against its JWKS) or a Custos API token' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'custos_session', description: 'Browser session after OIDC login (authorization code + PKCE)' },
      },
      schemas: { Problem: PROBLEM_SCHEMA },
    },
  };
}
