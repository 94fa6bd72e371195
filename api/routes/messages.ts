/** GET /v1/tenants/{tenant}/messages: search the archive (see docs/api.md for the semantics). */
import type { Store } from '../../common/store/store.js';
import type { CursorCodec } from '../../common/queries/cursor.js';
import { searchMessages, type MessageSearch } from '../../common/queries/message-search.js';
import { fetchMessageItems } from '../../common/queries/message-state.js';
import { tokenize } from '../../common/queries/tokens.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { cursorFilters, decodeCursorParam } from '../schemas/cursor.js';
import { messageSearchParams, messageSearchQuery, messageSearchResponse, type MessageSearchQuery } from '../schemas/messages.js';

/** The validated query as the repository's search description. */
export function toMessageSearch(tenant: string, q: MessageSearchQuery, after: MessageSearch['after']): MessageSearch {
  return {
    tenant,
    ...(q.q !== undefined ? { words: { mode: q.match, tokens: tokenize(q.q) } } : {}),
    author: q.author,
    conversation: q.conversation,
    conversationType: q.conversation_type,
    thread: q.thread,
    fromTime: q.from,
    toTime: q.to,
    includeDeleted: q.include_deleted,
    hasMentions: q.has_mentions,
    mentions: q.mentions,
    hasAttachments: q.has_attachments,
    limit: q.limit,
    after,
  };
}

export function messageSearchRoute(store: Store, cursors: CursorCodec): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/messages',
    operationId: 'searchMessages',
    summary: 'Search messages by words, author, conversation, thread, time and more; newest first, exact total, cursor paging',
    tags: ['messages'],
    scope: 'messages:read',
    action: 'messages.search',
    params: messageSearchParams,
    query: messageSearchQuery,
    response: messageSearchResponse,
    handler: async ({ tenant, query }) => {
      const filters = cursorFilters('messages.search', tenant, query);
      const pos = decodeCursorParam(cursors, query.cursor, filters);
      const after = pos && pos.k.length === 2 ? { time: pos.t, conversationId: pos.k[0]!, messageId: pos.k[1]! } : undefined;
      const page = await searchMessages(store, toMessageSearch(tenant, query, after));
      const items = await fetchMessageItems(store, tenant, page.hits.map((h) => ({ conversationId: h.conversation_id, messageId: h.message_id, time: h.time })));
      const last = page.hits[page.hits.length - 1];
      const next = page.more && last ? cursors.encode({ t: last.time, k: [last.conversation_id, last.message_id] }, filters) : null;
      return { body: { items, total: page.total, next_cursor: next }, resultCount: items.length };
    },
  }) as unknown as RouteSpec;
}
