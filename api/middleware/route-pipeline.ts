/**
 * Turns one RouteSpec into the Express handler every /v1 route runs through, after
 * authentication and rate limiting: tenant check -> authorize (Casbin) -> step-up ->
 * validate -> handler -> audit. The audit entry is written before the answer is
 * sent, for allowed and refused requests alike; if it cannot be written, the caller
 * gets a 500 and no data (fail closed). A request for a tenant where the caller holds
 * no role is written to the caller's own tenant chain(s), not the one asked for:
 * otherwise anyone signed in could start a chain per made-up tenant name.
 */
import { basename, dirname } from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import { StoreError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import type { AuditOutcome, AuditWriter, Pseudonymizer } from '../../common/audit/index.js';
import type { Authorizer } from '../../policies/authorize.js';
import { STEP_UP_SCOPES } from '../../policies/scopes.js';
import { HttpProblem, sendProblem } from '../problem.js';
import type { Principal, RouteSpec } from '../route-spec.js';
import { mfaIsRecent } from '../auth/mfa.js';
import { stepUpLoginPath } from '../auth/login-routes.js';
import { auditParams, cutName } from './audit-params.js';
import { PROBLEM_BASE, ProblemWithHeaders, answerProblem, problems } from './problems.js';

export interface PipelineDeps {
  authorizer: Authorizer;
  /** Absent only in the benchmark that measures what auditing costs. */
  audit?: AuditWriter;
  pseudonyms: Pseudonymizer;
  stepUpMaxAgeS: number;
  mfaAcr: string[];
  log: Logger;
}

function parseOrThrow<S extends z.ZodType>(schema: S | undefined, value: unknown, where: 'path' | 'query' | 'body'): z.output<S> | undefined {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = cutName(issue.path.length > 0 ? issue.path.map(String).join('.') : where);
  throw problems.invalid(field, `${where} parameter ${field}: ${issue.message}`);
}

function stepUpRequired(principal: Principal, deps: PipelineDeps, req: Request): HttpProblem {
  const description = `this action needs a sign-in with multi-factor authentication within the last ${deps.stepUpMaxAgeS} seconds`;
  const challenge = [
    'Bearer error="insufficient_user_authentication"',
    `error_description="${description}"`,
    ...(deps.mfaAcr.length > 0 ? [`acr_values="${deps.mfaAcr.join(' ')}"`] : []),
    `max_age=${deps.stepUpMaxAgeS}`,
  ].join(', ');
  return new ProblemWithHeaders(
    {
      status: 401,
      type: `${PROBLEM_BASE}step-up-required`,
      title: 'Recent multi-factor sign-in required',
      detail: principal.kind === 'person' ? description : 'API tokens cannot perform this action: it needs a person who signed in with MFA',
      ...(principal.method === 'oidc_session' ? { login_url: stepUpLoginPath(req.originalUrl) } : {}),
    },
    { 'WWW-Authenticate': challenge },
  );
}

function toProblem(err: unknown, log: Logger, spec: RouteSpec): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof StoreError && (err.code === '159' || err.code === '160' || err.type === 'TIMEOUT_EXCEEDED')) {
    return new HttpProblem({ status: 503, type: `${PROBLEM_BASE}query-timeout`, title: 'The query took too long', detail: 'narrow the filter (time range, conversation) and try again' });
  }
  const e = err as { type?: unknown; status?: unknown };
  if (e && e.type === 'entity.too.large') return new HttpProblem({ status: 413, type: `${PROBLEM_BASE}body-too-large`, title: 'Request body too large', detail: 'the request body exceeds the configured limit', field: 'body' });
  if (e && e.type === 'entity.parse.failed') return problems.invalid('body', 'the request body is not valid JSON');
  log.error({ err, operation: spec.operationId }, 'request failed');
  return new HttpProblem({ status: 500, type: `${PROBLEM_BASE}internal`, title: 'Internal error', detail: 'the request failed; the server log has the cause' });
}

function clientIp(req: Request): string {
  return req.socket.remoteAddress ?? '';
}

function rolesIn(principal: Principal, tenant: string): string[] {
  return Object.hasOwn(principal.roles, tenant) ? principal.roles[tenant]! : [];
}

/**
 * The chains a request is written to: the tenant asked for when the caller holds a
 * role there; otherwise every tenant where the caller does, so an auditor of the
 * caller's own tenant sees the probing (the tenant asked for is in `params.path`).
 */
export function auditTenants(principal: Principal, tenant: string): string[] {
  if (TENANT_PATTERN.test(tenant) && rolesIn(principal, tenant).length > 0) return [tenant];
  return Object.keys(principal.roles).filter((t) => TENANT_PATTERN.test(t) && rolesIn(principal, t).length > 0).sort();
}

export function routeHandler(spec: RouteSpec, deps: PipelineDeps): RequestHandler {
  return async (req: Request, res: Response) => {
    const principal = res.locals.principal as Principal;
    const tenant = String(req.params.tenant ?? '');
    let status = 500;
    let outcome: AuditOutcome | undefined;
    let resultCount: number | null = null;
    let validated: { path: unknown; query: unknown; body: unknown } | undefined;
    let answer: (() => void) | undefined;
    let auditExtra: Record<string, unknown> | undefined;
    try {
      if (!TENANT_PATTERN.test(tenant)) throw problems.invalid('tenant', 'path parameter tenant: must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}');
      // Same answer whether the tenant exists or not: a caller learns nothing about tenants it has no role in.
      if (rolesIn(principal, tenant).length === 0) {
        outcome = 'denied';
        throw problems.tenantNotVisible(tenant);
      }
      if (!(await deps.authorizer.authorize(principal, tenant, spec.scope))) throw problems.forbidden(spec.scope);
      if (STEP_UP_SCOPES.has(spec.scope) && !(principal.kind === 'person' && mfaIsRecent(principal.mfaAt, deps.stepUpMaxAgeS))) {
        throw stepUpRequired(principal, deps, req);
      }
      const params = parseOrThrow(spec.params, req.params, 'path');
      const query = parseOrThrow(spec.query, req.query, 'query');
      const body = parseOrThrow(spec.body, req.body ?? {}, 'body');
      validated = { path: params, query, body };
      const result = await spec.handler({ tenant, params, query, body, principal });
      status = result.status ?? 200;
      resultCount = result.resultCount ?? null;
      auditExtra = result.audit;
      const file = result.file;
      answer = file
        ? () => {
          res.status(status).type(file.contentType).set({ 'Content-Disposition': `attachment; filename="${file.name}"`, 'Repr-Digest': `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:` });
          // The folder is the server's own (a data directory may sit under a dot-folder); only the name is checked.
          res.sendFile(basename(file.path), { root: dirname(file.path), dotfiles: 'deny', headers: { 'Cache-Control': 'no-store' } });
        }
        : () => res.status(status).json(result.body);
    } catch (err) {
      const problem = toProblem(err, deps.log, spec);
      status = problem.problem.status;
      answer = () => answerProblem(res, problem);
    }
    if (deps.audit) {
      const chains = auditTenants(principal, tenant);
      if (chains.length === 0) {
        // A principal without any role has no chain of its own; a log line, not a new chain per name it tries.
        deps.log.warn({ subject: principal.subject, tenant: tenant.slice(0, 64), operation: spec.operationId, status }, 'request of a principal without any tenant role: not in any audit chain');
      }
      try {
        const ref = deps.pseudonyms.refOf(principal.subject);
        if (chains.length > 0) await deps.audit.rememberSubject({ ref, subject: principal.subject, name: principal.name, kind: principal.kind });
        const params = auditParams(validated ?? { path: req.params, query: req.query, body: req.body });
        await Promise.all(chains.map((chain) => deps.audit!.append({
          tenant: chain,
          timeMs: Date.now(),
          subjectRef: ref,
          subjectKind: principal.kind,
          roles: rolesIn(principal, chain),
          authMethod: principal.method,
          operationId: spec.operationId,
          action: spec.action,
          // HEAD runs the GET route (Express); the entry says what was asked.
          httpMethod: req.method.toLowerCase(),
          route: spec.path,
          params: { ...params, ...(auditExtra ? { answer: auditExtra } : {}) },
          resultCount,
          status,
          ...(outcome ? { outcome } : {}),
          ip: clientIp(req),
          userAgent: String(req.headers['user-agent'] ?? '').slice(0, 512),
          requestId: String(res.locals.requestId ?? ''),
        })));
      } catch (err) {
        deps.log.error({ err, operation: spec.operationId, tenant }, 'audit append failed: answering 500');
        sendProblem(res, { status: 500, type: `${PROBLEM_BASE}audit-unavailable`, title: 'Internal error', detail: 'the request could not be recorded in the audit log, so it was not answered' });
        return;
      }
    }
    answer();
  };
}
