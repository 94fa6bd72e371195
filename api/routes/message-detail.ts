/** GET /v1/tenants/{tenant}/conversations/{conversationId}/messages/{messageId}: one message, all it went through. */
import type { Store } from '../../common/store/store.js';
import { getMessageDetail } from '../../common/queries/message-detail.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { notFound } from '../schemas/cursor.js';
import { holdField, messageDetailParams, messageDetailResponse } from '../schemas/messages.js';
import { queryObject } from '../schemas/query-fields.js';

export function messageDetailRoute(store: Store): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/conversations/:conversationId/messages/:messageId',
    operationId: 'getMessage',
    summary: 'One message with all its versions, its deletion, its reactions (now and history) and its thread',
    tags: ['messages'],
    scope: 'messages:read',
    action: 'messages.get',
    params: messageDetailParams,
    query: queryObject({ hold: holdField }),
    response: messageDetailResponse,
    handler: async ({ tenant, params, query }) => {
      const detail = await getMessageDetail(store, tenant, params.conversationId, params.messageId, { visibleHolds: query.hold ? [query.hold] : [] });
      if (!detail) throw notFound('the message');
      return { body: detail, resultCount: 1 };
    },
  }) as unknown as RouteSpec;
}
