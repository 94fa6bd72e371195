/** audit_log rows (snake_case, as stored) <-> entries (camelCase). */
import type { AuditOutcome, ChainedEntry } from './entry.js';

export interface AuditRow {
  tenant: string;
  seq: string | number;
  time_ms: string | number;
  subject_ref: string;
  subject_kind: string;
  roles: string[];
  auth_method: string;
  operation_id: string;
  action: string;
  http_method: string;
  route: string;
  params: string;
  result_count: string | number | null;
  status: string | number;
  outcome: string;
  ip: string;
  user_agent: string;
  request_id: string;
  prev_hash: string;
  hash: string;
}

/** The columns to SELECT so a row converts back exactly (time as epoch ms, not a formatted string). */
export const AUDIT_COLUMNS =
  'tenant, seq, toUnixTimestamp64Milli(time) AS time_ms, subject_ref, subject_kind, roles, auth_method, operation_id, action, http_method, route, params, result_count, status, outcome, ip, user_agent, request_id, prev_hash, hash';

export function toInsertRow(e: ChainedEntry): Record<string, unknown> {
  return {
    tenant: e.tenant,
    seq: e.seq,
    time: new Date(e.timeMs).toISOString(),
    subject_ref: e.subjectRef,
    subject_kind: e.subjectKind,
    roles: e.roles,
    auth_method: e.authMethod,
    operation_id: e.operationId,
    action: e.action,
    http_method: e.httpMethod,
    route: e.route,
    params: e.paramsJson,
    result_count: e.resultCount,
    status: e.status,
    outcome: e.outcome,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

function parseParams(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { _unparsable: text };
  } catch {
    // A tampered row may hold anything; keep the text so its hash simply will not match.
    return { _unparsable: text };
  }
}

export function fromRow(r: AuditRow): ChainedEntry {
  return {
    tenant: r.tenant,
    seq: Number(r.seq),
    timeMs: Number(r.time_ms),
    subjectRef: r.subject_ref,
    subjectKind: r.subject_kind,
    roles: r.roles,
    authMethod: r.auth_method,
    operationId: r.operation_id,
    action: r.action,
    httpMethod: r.http_method,
    route: r.route,
    params: parseParams(r.params),
    paramsJson: r.params,
    resultCount: r.result_count === null ? null : Number(r.result_count),
    status: Number(r.status),
    // As stored, even if tampered: the hash covers it, so verify reports a changed outcome.
    outcome: r.outcome as AuditOutcome,
    ip: r.ip,
    userAgent: r.user_agent,
    requestId: r.request_id,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The public shape of an entry in API answers. */
export function toApiEntry(e: ChainedEntry, who?: { subject: string; name: string }): Record<string, unknown> {
  return {
    seq: e.seq,
    time: new Date(e.timeMs).toISOString(),
    subject_ref: e.subjectRef,
    subject: who?.subject ?? null,
    subject_name: who?.name ?? null,
    subject_kind: e.subjectKind,
    roles: e.roles,
    auth_method: e.authMethod,
    operation_id: e.operationId,
    action: e.action,
    method: e.httpMethod.toUpperCase(),
    route: e.route,
    params: e.params,
    result_count: e.resultCount,
    status: e.status,
    outcome: e.outcome,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}
