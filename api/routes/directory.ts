/** Conversations and users as of now, with members and membership history. */
import type { Store } from '../../common/store/store.js';
import type { CursorCodec } from '../../common/queries/cursor.js';
import { getConversation, getUser, listConversations, listUsers } from '../../common/queries/directory.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { cursorFilters, decodeCursorParam, notFound } from '../schemas/cursor.js';
import {
  conversationDetailResponse, conversationListQuery, conversationListResponse, conversationParams,
  tenantOnlyParams, userDetailResponse, userListQuery, userListResponse, userParams,
} from '../schemas/directory.js';
import { queryObject } from '../schemas/query-fields.js';

const EPOCH = '1970-01-01 00:00:00.000';

export function directoryRoutes(store: Store, cursors: CursorCodec): RouteSpec[] {
  const conversations = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/conversations',
    operationId: 'listConversations',
    summary: 'Conversations as of now (latest admin events), by id, with member counts',
    tags: ['directory'],
    scope: 'conversations:read',
    action: 'conversations.list',
    params: tenantOnlyParams,
    query: conversationListQuery,
    response: conversationListResponse,
    handler: async ({ tenant, query }) => {
      const filters = cursorFilters('conversations.list', tenant, query);
      const pos = decodeCursorParam(cursors, query.cursor, filters);
      const page = await listConversations(store, { tenant, conversationType: query.conversation_type, archived: query.archived, limit: query.limit, afterId: pos?.k[0] });
      const last = page.items[page.items.length - 1];
      const next = page.more && last ? cursors.encode({ t: EPOCH, k: [last.conversation_id] }, filters) : null;
      return { body: { items: page.items, total: page.total, next_cursor: next }, resultCount: page.items.length };
    },
  });
  const conversation = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/conversations/:conversationId',
    operationId: 'getConversation',
    summary: 'One conversation as of now, its members and its membership history',
    tags: ['directory'],
    scope: 'conversations:read',
    action: 'conversations.get',
    params: conversationParams,
    query: queryObject({}),
    response: conversationDetailResponse,
    handler: async ({ tenant, params }) => {
      const detail = await getConversation(store, tenant, params.conversationId);
      if (!detail) throw notFound('the conversation');
      return { body: detail, resultCount: 1 };
    },
  });
  const users = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/users',
    operationId: 'listUsers',
    summary: 'Users as of now (latest admin events), by id',
    tags: ['directory'],
    scope: 'users:read',
    action: 'users.list',
    params: tenantOnlyParams,
    query: userListQuery,
    response: userListResponse,
    handler: async ({ tenant, query }) => {
      const filters = cursorFilters('users.list', tenant, query);
      const pos = decodeCursorParam(cursors, query.cursor, filters);
      const page = await listUsers(store, { tenant, department: query.department, active: query.active, limit: query.limit, afterId: pos?.k[0] });
      const last = page.items[page.items.length - 1];
      const next = page.more && last ? cursors.encode({ t: EPOCH, k: [last.user_id] }, filters) : null;
      return { body: { items: page.items, total: page.total, next_cursor: next }, resultCount: page.items.length };
    },
  });
  const user = defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/users/:userId',
    operationId: 'getUser',
    summary: 'One user as of now, the conversations they are in and their membership history',
    tags: ['directory'],
    scope: 'users:read',
    action: 'users.get',
    params: userParams,
    query: queryObject({}),
    response: userDetailResponse,
    handler: async ({ tenant, params }) => {
      const detail = await getUser(store, tenant, params.userId);
      if (!detail) throw notFound('the user');
      return { body: detail, resultCount: 1 };
    },
  });
  return [conversations, conversation, users, user] as unknown as RouteSpec[];
}
