/** GET /v1/tenants/{tenant}/messages: search the archive (see docs/api.md and docs/search.md for the semantics). */
import type { Store } from '../../common/store/store.js';
import type { CursorCodec } from '../../common/queries/cursor.js';
import { searchMessages, type MessageSearch } from '../../common/queries/message-search.js';
import { createTotalsCache, type TotalsCache } from '../../common/queries/totals-cache.js';
import { fetchMessageItemsWith } from '../../common/queries/message-state.js';
import { orderVersions, type MessageItem, type VersionRow } from '../../common/queries/message-rows.js';
import { fromStoreTime, toStoreTime } from '../../common/events/time.js';
import { QuerySyntaxError, type Node } from '../../common/queries/search-query/ast.js';
import { parseQuery, phraseQuery } from '../../common/queries/search-query/parser.js';
import { compileQuery } from '../../common/queries/search-query/resolve.js';
import { highlight } from '../../common/queries/search-query/highlight.js';
import { HttpProblem, PROBLEM_BASE } from '../problem.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { cursorFilters, decodeCursorParam } from '../schemas/cursor.js';
import { messageSearchParams, messageSearchQuery, messageSearchResponse, type MessageSearchQuery } from '../schemas/messages.js';

/** A query the parser or the resolver refuses: 400 naming `q`, with where (UTF-16 offsets) and what. */
export function queryProblem(q: string, err: QuerySyntaxError): HttpProblem {
  return new HttpProblem({
    status: 400, type: `${PROBLEM_BASE}invalid-query`, title: 'Invalid search query',
    detail: `query parameter "q" at position ${err.position}: ${err.message}`,
    field: 'q', position: err.position, end: err.end, near: q.slice(err.position, Math.max(err.end, err.position + 1)).slice(0, 40),
  });
}

export interface PreparedSearch {
  search: MessageSearch;
  /** The text part of q, for highlights: which versions match. */
  text?: Node;
  /** Word groups of q mixed with modifiers: also marked in a matching version. */
  marks: Node[];
  exactAccents: boolean;
}

const later = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);
const earlier = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a < b ? a : b);

/** The validated query as the repository's search description: q parsed, resolved and compiled. */
export async function toMessageSearch(store: Store, tenant: string, q: MessageSearchQuery, after: MessageSearch['after'], cache?: TotalsCache): Promise<PreparedSearch> {
  const exactAccents = q.accents === 'exact';
  const base: MessageSearch = {
    tenant,
    visibleHolds: q.hold ? [q.hold] : [],
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
    order: q.order,
    after,
  };
  if (q.q === undefined) return { search: base, marks: [], exactAccents };
  try {
    const tree = q.match === 'phrase' ? phraseQuery(q.q) : parseQuery(q.q, { implicit: q.match === 'any' ? 'or' : 'and' });
    const c = await compileQuery(store, tree, { tenant, exactAccents, timeZone: q.tz, cache });
    const search: MessageSearch = {
      ...base,
      text: c.textSql,
      filters: c.filterSql,
      queryParams: c.params,
      authors: c.authors,
      conversations: c.conversations,
      fromTime: later(base.fromTime, c.from !== undefined ? toStoreTime(c.from) : undefined),
      toTime: earlier(base.toTime, c.to !== undefined ? toStoreTime(c.to) : undefined),
    };
    return { search, text: c.text, marks: c.marks, exactAccents };
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw queryProblem(q.q, err);
    throw err;
  }
}

function withHighlights(text: Node | undefined, marks: readonly Node[], exact: boolean) {
  // A version that matches the text also shows where the word groups mixed with modifiers are.
  const marked = text && marks.length > 0 ? { type: 'or' as const, children: [text, ...marks], span: text.span } : text;
  return (item: MessageItem, versions: readonly VersionRow[]) => {
    if (!text || !marked) return { ...item, highlights: [] };
    const ordered = orderVersions(versions);
    const latest = ordered.at(-1);
    const highlights = ordered.flatMap((v) => {
      const h = highlight(v.text, marked, exact);
      return h.matches && (marked === text || highlight(v.text, text, exact).matches) ? [{ event_id: v.event_id, kind: v.kind, time: fromStoreTime(v.time), current: v === latest, text: v.text, ranges: h.ranges }] : [];
    });
    return { ...item, highlights };
  };
}

export function messageSearchRoute(store: Store, cursors: CursorCodec, opts: { totalsCache?: boolean } = {}): RouteSpec {
  // One per app: totals of searches repeated or paged while the archive is unchanged.
  const totals = opts.totalsCache === false ? undefined : createTotalsCache(store);
  return defineRoute({
    method: 'get',
    path: '/v1/tenants/:tenant/messages',
    operationId: 'searchMessages',
    summary: 'Search messages with the query language (words, OR, NOT, phrases, prefixes, from:, in:, dates...) and filters; newest first (or order=oldest), exact total, highlights, cursor paging',
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
      const prepared = await toMessageSearch(store, tenant, query, after, totals);
      const page = await searchMessages(store, prepared.search, totals);
      const refs = page.hits.map((h) => ({ conversationId: h.conversation_id, messageId: h.message_id, time: h.time }));
      const items = await fetchMessageItemsWith(store, tenant, refs, withHighlights(prepared.text, prepared.marks, prepared.exactAccents));
      const last = page.hits[page.hits.length - 1];
      const next = page.more && last ? cursors.encode({ t: last.time, k: [last.conversation_id, last.message_id] }, filters) : null;
      return { body: { items, total: page.total, next_cursor: next }, resultCount: items.length };
    },
  }) as unknown as RouteSpec;
}
