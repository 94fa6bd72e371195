/**
 * The OpenAPI 3.1 document, generated from the same RouteSpecs the app mounts, so
 * the document cannot drift from the routes. Request parameters come from the
 * params/query zod schemas the server validates with (input form: what a client
 * sends), responses from the response schemas (output form). Every status an
 * operation can answer is listed; every error is RFC 9457 problem+json.
 */
import { z } from 'zod';
import type { RouteSpec } from './route-spec.js';
import { MAX_HEADER_BYTES } from './http-server.js';

type Json = Record<string, unknown>;

/** One documented answer of an operation outside the RouteSpec table. */
export interface ResponseDoc {
  description: string;
  /** Media type -> schema; absent for answers without a body (redirects). */
  content?: Record<string, Json>;
  headers?: Record<string, Json>;
}

/** A path outside the RouteSpec table (health, metrics, login...), described by hand. */
export interface ExtraOperation {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  /** Query parameters, as OpenAPI parameter objects. */
  parameters?: Json[];
  /** Every answer but the ones every operation shares (GLOBAL_ERRORS). */
  responses: Record<number, ResponseDoc>;
  /** Public endpoints have no security requirement. */
  public?: boolean;
}

export const PROBLEM_SCHEMA: Json = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string', description: 'A URI under https://custos.dev/problems/ naming the kind of problem' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    field: { type: 'string', description: 'The request field (path/query parameter or body property) that is wrong' },
    login_url: { type: 'string', description: 'Step-up only: where a browser session signs in again with MFA' },
  },
  required: ['type', 'title', 'status'],
};

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };
const header = (description: string, schema: Json = { type: 'string' }): Json => ({ description, schema });

export function problem(description: string, headers?: Record<string, Json>): ResponseDoc {
  return { description, content: { 'application/problem+json': { schema: PROBLEM_REF } }, ...(headers ? { headers } : {}) };
}

export function json(description: string, schema: Json = { type: 'object' }): ResponseDoc {
  return { description, content: { 'application/json': { schema } } };
}

/** Answers any path can give: a query that is not UTF-8, headers over the bound, a failure. */
export const GLOBAL_ERRORS: Record<number, ResponseDoc> = {
  400: problem('Invalid request: the problem names the `field` (a query value that is not percent-encoded UTF-8 is refused on every path)'),
  408: problem('The request did not arrive in time'),
  431: problem(`The request line and headers exceed ${MAX_HEADER_BYTES} bytes`),
  500: problem('Internal error (no details are disclosed; see the server log)'),
};

const ROUTE_ERRORS: Record<number, ResponseDoc> = {
  ...GLOBAL_ERRORS,
  401: problem('Not authenticated, or step-up (recent MFA) needed', { 'WWW-Authenticate': header('Bearer challenge (RFC 6750, RFC 9470)') }),
  403: problem('Authenticated but no role in this tenant grants the scope'),
  404: problem('No such tenant that you may see, or the record is not in the archive'),
  429: problem('Too many requests', { 'Retry-After': header('Seconds until the window resets', { type: 'integer', minimum: 0 }), RateLimit: header('limit, remaining and reset (draft-7)') }),
  503: problem('The query took longer than the store allows: narrow the filter'),
};

const BODY_ERRORS: Record<number, ResponseDoc> = {
  413: problem('The request body exceeds the configured limit'),
  415: problem('The body is not application/json (UTF-8)', { Accept: header('application/json') }),
};

const METHOD_NOT_ALLOWED = problem('The path exists but not with this method; `Allow` lists the methods it has', { Allow: header('Methods of this path') });

export const SYSTEM_OPERATIONS: ExtraOperation[] = [
  { method: 'get', path: '/healthz', operationId: 'getHealth', summary: 'Liveness', tags: ['system'], public: true,
    responses: { 200: json('alive', { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] }) } },
  { method: 'get', path: '/readyz', operationId: 'getReadiness', summary: 'Readiness (store and, when configured, Kafka reachable)', tags: ['system'], public: true,
    responses: (() => {
      const schema = { type: 'object', properties: { status: { enum: ['ready', 'not ready'] }, checks: { type: 'object', additionalProperties: { enum: ['ok', 'down'] } } }, required: ['status', 'checks'] };
      return { 200: json('ready', schema), 503: json('not ready: `checks` says what is down', schema) };
    })() },
  { method: 'get', path: '/metrics', operationId: 'getMetrics', summary: 'Prometheus metrics', tags: ['system'], public: true,
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } },
  { method: 'get', path: '/openapi.json', operationId: 'getOpenApi', summary: 'This document', tags: ['system'], public: true,
    responses: { 200: json('OpenAPI 3.1 document') } },
];

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
    const { description, 'x-comma-list': list, ...rest } = p;
    return {
      name,
      in: location,
      required: location === 'path' ? true : required.has(name) && !('default' in rest),
      ...(typeof description === 'string' ? { description } : {}),
      // A comma-separated value (`type=a,b`) is, in OpenAPI terms, an array serialized with style form, explode false.
      ...(list ? { style: 'form', explode: false, schema: { type: 'array', ...(list as Json) } } : { schema: rest }),
    };
  });
}

function responses(docs: Record<number, ResponseDoc>): Json {
  return Object.fromEntries(Object.entries(docs).sort(([a], [b]) => Number(a) - Number(b)));
}

function routeOperation(r: RouteSpec): Json {
  const conflict: Record<number, ResponseDoc> = r.conflict ? { 409: problem(r.conflict) } : {};
  return {
    operationId: r.operationId,
    summary: r.summary,
    tags: r.tags,
    parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
    responses: responses({
      [r.successStatus ?? 200]: json(r.successStatus === 201 ? 'Created' : r.successStatus === 202 ? 'Accepted' : 'OK', jsonSchema(r.response, 'output')),
      ...ROUTE_ERRORS,
      ...(r.body ? BODY_ERRORS : {}),
      ...conflict,
    }),
    'x-scope': r.scope,
    'x-audit-action': r.action,
  };
}

function extraOperation(o: ExtraOperation): Json {
  return {
    operationId: o.operationId,
    summary: o.summary,
    tags: o.tags,
    ...(o.public ? { security: [] } : {}),
    ...(o.parameters ? { parameters: o.parameters } : {}),
    responses: responses({ ...GLOBAL_ERRORS, ...o.responses }),
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
      description:
        'Compliance archive of workplace chat: search, directory, admin events, audit. Errors are application/problem+json (RFC 9457). ' +
        'A method a path does not list is answered 405 with `Allow` (components.responses.MethodNotAllowed). See docs/api.md.',
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
      responses: { MethodNotAllowed: METHOD_NOT_ALLOWED },
    },
  };
}

/** Every path of the document with the methods it answers (HEAD with GET, as Express runs GET routes for HEAD): what a 405's `Allow` says. */
export function allowedMethods(routes: readonly Pick<RouteSpec, 'path' | 'method'>[], extra: readonly Pick<ExtraOperation, 'path' | 'method'>[]): Map<string, string[]> {
  const byPath = new Map<string, Set<string>>();
  for (const o of [...routes, ...extra]) {
    const set = byPath.get(o.path) ?? new Set<string>();
    set.add(o.method.toUpperCase());
    if (o.method === 'get') set.add('HEAD');
    byPath.set(o.path, set);
  }
  return new Map([...byPath].map(([p, s]) => [p, [...s].sort()]));
}
