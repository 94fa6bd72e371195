/**
 * How a route is declared. Every /v1 route is a RouteSpec; api/app.ts turns each one
 * into an Express route with the same chain: authenticate -> tenant check ->
 * authorize(scope) -> step-up (if the scope needs it) -> validate -> handler ->
 * audit. The OpenAPI document is generated from the same specs, so a route cannot
 * exist without being documented and covered by the permission matrix test.
 */
import type { z } from 'zod';
import type { Scope } from '../policies/scopes.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who is calling, as established by authentication. */
export interface Principal {
  /** Stable subject id: IdP `sub` (prefixed with the issuer) or `token:<id>` for API tokens. */
  subject: string;
  /** Display name for logs and the audit log (never a secret). */
  name: string;
  kind: 'person' | 'api_token';
  /** Tenant -> roles; a principal may hold roles in several tenants. */
  roles: Record<string, string[]>;
  /** How the caller authenticated: 'oidc_session' | 'oidc_bearer' | 'api_token'. */
  method: 'oidc_session' | 'oidc_bearer' | 'api_token';
  /** Epoch seconds of the last MFA sign-in, when the IdP said so (amr/acr). */
  mfaAt?: number;
  /**
   * The sign-in's email (an IdP's `email` claim unless `email_verified` is false, or an
   * API token whose name is an email): how a manager is found in the directory.
   */
  email?: string;
}

export interface HandlerContext<P, Q, B> {
  tenant: string;
  params: P;
  query: Q;
  body: B;
  principal: Principal;
}

export interface HandlerResult {
  status?: number;
  body: unknown;
  /** Number of records the answer holds, for the audit log. */
  resultCount?: number;
  /** Answer with this file instead of `body` (downloads); the path comes from the server, never the request. */
  file?: { path: string; name: string; contentType: string; sha256: string };
  /** Facts the audit entry records beside the parameters (a download's package id and hash). */
  audit?: Record<string, unknown>;
}

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** Express-style path under /v1, e.g. `/v1/tenants/:tenant/messages/:messageId`. */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  scope: Scope;
  /** Audit action name, e.g. `messages.search`. */
  action: string;
  params?: P;
  query?: Q;
  body?: B;
  /** zod schema of the success body, for the OpenAPI document. */
  response: z.ZodType;
  /** The status of a success, when not 200 (what the handler returns as `status`). */
  successStatus?: 201 | 202;
  /** When the route can answer 409: what conflict it means (documented in the OpenAPI document). */
  conflict?: string;
  handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<HandlerResult>;
}

/** Helper that keeps the generic parameters inferred at the declaration site. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}
