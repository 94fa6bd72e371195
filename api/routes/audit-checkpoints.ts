/**
 * GET /v1/tenants/{t}/audit/checkpoints: the signed checkpoints of the tenant's audit
 * chain head (common/audit/checkpoint.ts), newest first, as published. Fetch them and
 * keep them outside Custos: `custos audit verify --checkpoints DIR` checks the log
 * against such copies, and each one verifies with the tenant's public key
 * (GET .../signing-keys) over the bytes docs/security.md describes.
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import { fromStoreTime } from '../../common/events/time.js';
import { CHECKPOINT_FORMAT } from '../../common/audit/index.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { limitField, queryObject, tenantOnlyParams } from '../schemas/query-fields.js';

const checkpointView = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  tenant: z.string(),
  seq: z.number().int(),
  hash: z.string(),
  time: z.string(),
  key_id: z.string(),
  signature: z.string(),
});

export function auditCheckpointsRoute(store: Store): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/audit/checkpoints',
    operationId: 'listAuditCheckpoints',
    summary: "Signed checkpoints of the tenant's audit chain head, newest first (keep copies outside Custos)",
    tags: ['audit'],
    scope: 'audit:read',
    action: 'audit.checkpoints',
    params: tenantOnlyParams,
    query: queryObject({ limit: limitField(1000, 100) }),
    response: z.object({ items: z.array(checkpointView), total: z.number().int(), next_cursor: z.null() }),
    handler: async ({ tenant, query }) => {
      const rows = await store.query<{ seq: string; hash: string; time: string; key_id: string; signature: string }>(
        'audit checkpoints: list',
        'SELECT seq, hash, time, key_id, signature FROM audit_checkpoints FINAL WHERE tenant = {tenant:String} ORDER BY seq DESC LIMIT {limit:UInt32}',
        { tenant, limit: query.limit },
      );
      const [count] = await store.query<{ n: string }>('audit checkpoints: count', 'SELECT count() AS n FROM audit_checkpoints FINAL WHERE tenant = {tenant:String}', { tenant });
      const items = rows.map((r) => ({ format: CHECKPOINT_FORMAT, tenant, seq: Number(r.seq), hash: r.hash, time: fromStoreTime(r.time), key_id: r.key_id, signature: r.signature }));
      return { body: { items, total: Number(count?.n ?? 0), next_cursor: null }, resultCount: items.length };
    },
  }) as unknown as RouteSpec;
}
