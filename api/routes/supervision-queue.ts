/**
 * The review queue over HTTP (docs/supervision.md). The list shows authors as
 * pseudonyms; opening an item (a reviewer's scope) reveals the author, the message
 * with its versions and thread and the messages around it, and is recorded as an
 * `opened` action and in the audit log. A review sets the state, a tag and a
 * comment; every action is kept with who, what and when.
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import type { CursorCodec } from '../../common/queries/cursor.js';
import { toStoreTime } from '../../common/events/time.js';
import { loadPseudonymizer, type Pseudonymizer } from '../../common/audit/index.js';
import { getMessageDetail } from '../../common/queries/message-detail.js';
import { loadAuthorPseudonyms, type AuthorPseudonym } from '../../common/supervision/author-pseudonyms.js';
import { conversationWindow } from '../../common/supervision/message-window.js';
import { createReviewQueue, REVIEW_STATES } from '../../common/supervision/review-queue.js';
import { SEVERITIES } from '../../common/supervision/policy-model.js';
import { defineRoute, type Principal, type RouteSpec } from '../route-spec.js';
import { cursorFilters, decodeCursorParam } from '../schemas/cursor.js';
import { checkTimeRange, cursorField, instantField, limitField, orderField, pageOf, queryObject, tenantOnlyParams, wholeNumberPattern } from '../schemas/query-fields.js';
import { messageDetailResponse } from '../schemas/messages.js';
import { actionView, itemView, mappedSupervision, oneItem, policyIdParam, reviewBody, toActionView, toItemView } from '../schemas/supervision.js';
import { checkEscalationHold } from '../../common/supervision/escalation.js';

const windowMessage = z.object({ message_id: z.string(), time: z.string(), author_id: z.string(), text: z.string(), edited: z.boolean() });
const openedView = itemView.extend({
  author_id: z.string().meta({ description: 'The author, revealed (this request is audited)' }),
  message: messageDetailResponse.nullable().meta({ description: 'The message with every version, its deletion, reactions and thread; null when retention or erasure removed it' }),
  context: z.object({ before: z.array(windowMessage), after: z.array(windowMessage) }),
});

export function supervisionQueueRoutes(store: Store, cursors: CursorCodec): RouteSpec[] {
  const queue = createReviewQueue(store);
  let actors: Promise<Pseudonymizer> | undefined;
  let authors: Promise<AuthorPseudonym> | undefined;
  const actorOf = async (p: Principal) => (await (actors ??= loadPseudonymizer(store))).refOf(p.subject);
  const authorPseudonyms = () => (authors ??= loadAuthorPseudonyms(store));

  const list = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/supervision/items', operationId: 'listReviewItems', summary: 'The review queue, newest message first (or oldest first, to work it in order), authors pseudonymized; exact total', tags: ['supervision'],
    scope: 'supervision:read', action: 'supervision.items.list', params: tenantOnlyParams,
    query: queryObject({
      state: z.enum(REVIEW_STATES).optional(),
      policy: policyIdParam.optional(),
      severity: z.enum(SEVERITIES).optional(),
      from: instantField('Messages written at or after this instant').optional(),
      to: instantField('Messages written before this instant').optional(),
      order: orderField('By the flagged message\'s time'),
      limit: limitField(),
      cursor: cursorField.optional(),
    }).superRefine(checkTimeRange),
    response: pageOf(itemView),
    handler: async ({ tenant, query }) => {
      const filters = cursorFilters('supervision.items.list', tenant, query);
      const pos = decodeCursorParam(cursors, query.cursor, filters);
      const page = await queue.list(tenant, { ...(query.state ? { state: query.state } : {}), ...(query.policy ? { policyId: query.policy } : {}), ...(query.severity ? { severity: query.severity } : {}), ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) },
        { limit: query.limit + 1, order: query.order, ...(pos ? { before: { time: pos.t, itemId: pos.k[0]! } } : {}) });
      const shown = page.items.slice(0, query.limit);
      const last = shown[shown.length - 1];
      const next = page.items.length > query.limit && last ? cursors.encode({ t: toStoreTime(Date.parse(last.messageTime)), k: [last.itemId] }, filters) : null;
      const pseudonym = await authorPseudonyms();
      return { body: { items: shown.map((i) => toItemView(i, pseudonym(tenant, i.authorId))), total: page.total, next_cursor: next }, resultCount: shown.length };
    },
  });
  const open = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/supervision/items/:itemId', operationId: 'openReviewItem',
    summary: 'Open an item: the author revealed, the message (versions, thread) and the messages around it; recorded as an `opened` action (not a review)', tags: ['supervision'],
    scope: 'supervision:review', action: 'supervision.items.open', params: oneItem,
    query: queryObject({ context: z.string().regex(new RegExp(wholeNumberPattern(50).replace('^(?:', '^(?:0|')), 'must be a whole number from 0 to 50').meta({ description: 'Messages before and after it in the conversation (0..50, default 5)', minLength: 1, maxLength: 2 }).transform(Number).optional() }),
    response: openedView,
    handler: async ({ tenant, params, query, principal }) => {
      const item = await mappedSupervision(() => queue.get(tenant, params.itemId));
      const [message, context] = await Promise.all([
        getMessageDetail(store, tenant, item.conversationId, item.messageId),
        conversationWindow(store, tenant, item.conversationId, item.messageId, toStoreTime(Date.parse(item.messageTime)), query.context ?? 5),
      ]);
      await queue.opened(tenant, item.itemId, await actorOf(principal));
      const pseudonym = await authorPseudonyms();
      return {
        body: { ...toItemView(item, pseudonym(tenant, item.authorId)), author_id: item.authorId, message: message ?? null, context },
        resultCount: 1 + context.before.length + context.after.length,
        audit: { item_id: item.itemId, policy_id: item.policyId, author_revealed: true, message_id: item.messageId },
      };
    },
  });
  const review = defineRoute({
    method: 'post', path: '/v1/tenants/:tenant/supervision/items/:itemId/review', operationId: 'reviewItem', summary: 'Review an item: state (pending, resolved, false_positive, escalated), tag, comment', tags: ['supervision'],
    scope: 'supervision:review', action: 'supervision.items.review', params: oneItem, body: reviewBody,
    response: z.object({ item: itemView, action: actionView }),
    handler: async ({ tenant, params, body, principal }) => {
      const { item, action } = await mappedSupervision(async () => {
        if (body.escalation_case) await checkEscalationHold(store, tenant, body.escalation_case, await queue.get(tenant, params.itemId));
        return queue.review(tenant, params.itemId, {
          state: body.state, ...(body.tag ? { tag: body.tag } : {}), ...(body.comment !== undefined ? { comment: body.comment } : {}), ...(body.escalation_case ? { escalationCase: body.escalation_case } : {}),
        }, await actorOf(principal));
      });
      const pseudonym = await authorPseudonyms();
      return { body: { item: toItemView(item, pseudonym(tenant, item.authorId)), action: toActionView(action) }, resultCount: 1, audit: { item_id: item.itemId, state: body.state, tag: body.tag ?? null, action_id: action.actionId, escalation_case: body.escalation_case ?? null } };
    },
  });
  const history = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/supervision/items/:itemId/history', operationId: 'reviewItemHistory', summary: "An item's actions, oldest first: who opened or reviewed it, what they set, when", tags: ['supervision'],
    scope: 'supervision:read', action: 'supervision.items.history', params: oneItem, query: queryObject({}),
    response: z.object({ items: z.array(actionView) }),
    handler: async ({ tenant, params }) => {
      const actions = await mappedSupervision(() => queue.history(tenant, params.itemId));
      return { body: { items: actions.map(toActionView) }, resultCount: actions.length };
    },
  });
  return [list, open, review, history] as unknown as RouteSpec[];
}
