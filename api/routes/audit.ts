/** The audit log over HTTP: auditors search it and anyone allowed can have the chain recomputed. */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import { AUDIT_OUTCOMES, SUBJECT_REF_PATTERN, searchAuditLog, toApiEntry, verifyAuditChain } from '../../common/audit/index.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { checkTimeRange, instantMsField, limitField, orderField, queryObject, tenantOnlyParams } from '../schemas/query-fields.js';
import type { ListOrder } from '../../common/queries/list-order.js';

const tenantParams = tenantOnlyParams;
const AUDIT_CURSOR = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Cursors are opaque to clients: base64url JSON holding the last seq of the previous
 * page, as `before` (newest first) or `after` (oldest first), so a cursor says which
 * order it pages.
 */
export function encodeAuditCursor(seq: number, order: ListOrder = 'newest'): string {
  return Buffer.from(JSON.stringify(order === 'oldest' ? { v: 1, after: seq } : { v: 1, before: seq })).toString('base64url');
}

export function decodeAuditCursor(cursor: string): { seq: number; order: ListOrder } | undefined {
  if (!AUDIT_CURSOR.test(cursor)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; before?: unknown; after?: unknown };
    if (v.v !== 1 || (v.before === undefined) === (v.after === undefined)) return undefined;
    const seq = v.before ?? v.after;
    return Number.isSafeInteger(seq) && (seq as number) > 0 ? { seq: seq as number, order: v.before !== undefined ? 'newest' : 'oldest' } : undefined;
  } catch {
    return undefined;
  }
}

function checkCursorOrder(q: { cursor?: string; order: ListOrder }, ctx: z.RefinementCtx): void {
  const c = q.cursor === undefined ? undefined : decodeAuditCursor(q.cursor);
  if (c && c.order !== q.order) ctx.addIssue({ code: 'custom', path: ['cursor'], message: `pages the ${c.order}-first order, not ${q.order}-first` });
}

const searchQuery = queryObject({
  action: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/, 'must be an action name such as messages.search').meta({ maxLength: 64 }).optional(),
  subject_ref: z.string().regex(SUBJECT_REF_PATTERN, 'must be a subject reference as shown in audit entries (sr_...)').meta({ maxLength: 35 }).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: instantMsField('At or after (inclusive)').optional(),
  to: instantMsField('Before (exclusive)').optional(),
  cursor: z.string().regex(AUDIT_CURSOR, 'is not a cursor this API returned').meta({ maxLength: 200 })
    .refine((c) => decodeAuditCursor(c) !== undefined, 'is not a cursor this API returned')
    .meta({ description: 'Opaque cursor from the `next_cursor` of the previous page' })
    .optional(),
  order: orderField('By seq, the chain\'s order'),
  limit: limitField(200, 50),
}).superRefine(checkTimeRange).superRefine(checkCursorOrder);

const auditEntry = z.object({
  seq: z.number().int(),
  time: z.string(),
  subject_ref: z.string(),
  /** Who is behind subject_ref; null once the person was erased (the chain keeps only the pseudonym). */
  subject: z.string().nullable(),
  subject_name: z.string().nullable(),
  subject_kind: z.string(),
  roles: z.array(z.string()),
  auth_method: z.string(),
  operation_id: z.string(),
  action: z.string(),
  method: z.string(),
  route: z.string(),
  params: z.record(z.string(), z.unknown()),
  result_count: z.number().int().nullable(),
  status: z.number().int(),
  outcome: z.enum(AUDIT_OUTCOMES),
  ip: z.string(),
  user_agent: z.string(),
  request_id: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});

const verifyResponse = z.object({
  tenant: z.string(),
  ok: z.boolean(),
  entries: z.number().int(),
  head_seq: z.number().int(),
  head_hash: z.string(),
  first_bad: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
});

export function auditRoutes(deps: { store: Store }): RouteSpec[] {
  const search = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/audit',
    operationId: 'searchAuditLog',
    summary: "Search Custos' own audit log (who did what, when, from where), newest first or oldest first",
    tags: ['audit'],
    scope: 'audit:read',
    action: 'audit.search',
    params: tenantParams,
    query: searchQuery,
    response: z.object({ items: z.array(auditEntry), total: z.number().int(), next_cursor: z.string().nullable() }),
    handler: async ({ tenant, query }) => {
      const page = await searchAuditLog(deps.store, {
        tenant,
        limit: query.limit,
        ...(query.action ? { action: query.action } : {}),
        ...(query.subject_ref ? { subjectRef: query.subject_ref } : {}),
        ...(query.outcome ? { outcome: query.outcome } : {}),
        ...(query.from !== undefined ? { fromMs: query.from } : {}),
        ...(query.to !== undefined ? { toMs: query.to } : {}),
        order: query.order,
        ...(query.cursor ? { pastSeq: decodeAuditCursor(query.cursor)!.seq } : {}),
      });
      return {
        body: { items: page.items.map((e) => toApiEntry(e, page.subjects.get(e.subjectRef))), total: page.total, next_cursor: page.nextPastSeq === null ? null : encodeAuditCursor(page.nextPastSeq, query.order) },
        resultCount: page.items.length,
      };
    },
  });
  const verify = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/audit/verify',
    operationId: 'verifyAuditLog',
    summary: "Recompute the tenant's audit hash chain and name the first entry that does not match",
    tags: ['audit'],
    scope: 'audit:verify',
    action: 'audit.verify',
    params: tenantParams,
    query: queryObject({}),
    response: verifyResponse,
    handler: async ({ tenant }) => {
      const result = await verifyAuditChain(deps.store, tenant);
      return { body: result, resultCount: result.entries };
    },
  });
  return [search, verify] as unknown as RouteSpec[];
}
