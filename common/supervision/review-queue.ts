/**
 * The review queue: supervision_items (one row per item, the newest version is its
 * state) and supervision_actions (every action: who, what, when). Ingest writes
 * items at version 0; a review writes the item again at a version taken from the
 * clock, so a Kafka replay re-writing the flag never undoes a review. Reads use
 * FINAL: totals are exact before a merge.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { fromStoreTime, toStoreTime } from '../events/time.js';
import { defined } from '../queries/params.js';
import { ReviewItemNotFoundError } from './errors.js';
import type { Flag } from './flagging.js';
import type { Hit } from './matcher.js';
import type { Severity } from './policy-model.js';
import { orderSql, type ListOrder } from '../queries/list-order.js';

export const REVIEW_STATES = ['pending', 'resolved', 'false_positive', 'escalated'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const REVIEW_TAGS = ['compliant', 'non_compliant', 'questionable'] as const;
export type ReviewTag = (typeof REVIEW_TAGS)[number];

/** A flagged message as the queue keeps it: the flag's fields, where it matched, and its review state. */
export interface ReviewItem extends Omit<Flag, 'hits' | 'sampled'> {
  matches: Hit[];
  flaggedAt: string;
  state: ReviewState;
  tag: ReviewTag | null;
  comment: string;
  escalationCase: string | null;
  updatedBy: string | null;
  updatedAt: string;
}

export interface ReviewAction {
  actionId: string;
  itemId: string;
  action: string;
  state: string | null;
  tag: string | null;
  comment: string;
  escalationCase: string | null;
  actor: string;
  time: string;
}

interface ItemRow {
  item_id: string; tenant: string; policy_id: string; policy_version: number | string; policy_name: string; severity: Severity;
  event_id: string; message_id: string; conversation_id: string; conversation_type: string; thread_id: string; author_id: string;
  message_time: string; version_kind: 'created' | 'edited'; matches: string; flagged_at: string; state: ReviewState; tag: ReviewTag | '';
  comment: string; escalation_case: string; updated_by: string; updated_at: string;
}

const ITEM_COLUMNS = 'item_id, tenant, policy_id, policy_version, policy_name, severity, event_id, message_id, conversation_id, conversation_type, thread_id, author_id, message_time, version_kind, matches, flagged_at, state, tag, comment, escalation_case, updated_by, updated_at';

function toItem(r: ItemRow): ReviewItem {
  return {
    itemId: r.item_id, tenant: r.tenant, policyId: r.policy_id, policyVersion: Number(r.policy_version), policyName: r.policy_name, severity: r.severity,
    eventId: r.event_id, messageId: r.message_id, conversationId: r.conversation_id, conversationType: r.conversation_type, threadId: r.thread_id, authorId: r.author_id,
    messageTime: fromStoreTime(r.message_time), versionKind: r.version_kind, matches: JSON.parse(r.matches) as Hit[], flaggedAt: fromStoreTime(r.flagged_at),
    state: r.state, tag: r.tag || null, comment: r.comment, escalationCase: r.escalation_case || null, updatedBy: r.updated_by || null, updatedAt: fromStoreTime(r.updated_at),
  };
}

/** The stored row of an item (times back in store form), for a review to write it again with its new state. */
function itemRow(i: ReviewItem): Record<string, unknown> {
  const t = (iso: string) => toStoreTime(Date.parse(iso));
  return {
    tenant: i.tenant, item_id: i.itemId, policy_id: i.policyId, policy_version: i.policyVersion, policy_name: i.policyName, severity: i.severity,
    event_id: i.eventId, message_id: i.messageId, conversation_id: i.conversationId, conversation_type: i.conversationType, thread_id: i.threadId,
    author_id: i.authorId, message_time: t(i.messageTime), version_kind: i.versionKind, matches: JSON.stringify(i.matches), flagged_at: t(i.flaggedAt),
  };
}

export interface ItemFilters {
  state?: ReviewState;
  policyId?: string;
  severity?: Severity;
  /** Message time bounds, store time, [from, to). */
  from?: string;
  to?: string;
}

export interface ItemPage {
  items: ReviewItem[];
  total: number;
}

export interface ReviewChange {
  state: ReviewState;
  tag?: ReviewTag;
  comment?: string;
  escalationCase?: string;
}

export interface ReviewQueue {
  /** Writes the sampled flags as pending items (idempotent: the same flag is the same item). */
  write(flags: readonly Flag[]): Promise<number>;
  list(tenant: string, filters: ItemFilters, page: { limit: number; order?: ListOrder; before?: { time: string; itemId: string } }): Promise<ItemPage>;
  get(tenant: string, itemId: string): Promise<ReviewItem>;
  /** Records that `actor` opened the item (not a review: FINRA 3110.07). */
  opened(tenant: string, itemId: string, actor: string): Promise<ReviewAction>;
  review(tenant: string, itemId: string, change: ReviewChange, actor: string): Promise<{ item: ReviewItem; action: ReviewAction }>;
  history(tenant: string, itemId: string): Promise<ReviewAction[]>;
}

function whereOf(tenant: string, f: ItemFilters): { sql: string; params: Record<string, unknown> } {
  const clauses = ['tenant = {tenant:String}'];
  if (f.state) clauses.push('state = {state:String}');
  if (f.policyId) clauses.push('policy_id = {policyId:String}');
  if (f.severity) clauses.push('severity = {severity:String}');
  if (f.from) clauses.push('message_time >= {from:DateTime64(3, \'UTC\')}');
  if (f.to) clauses.push('message_time < {to:DateTime64(3, \'UTC\')}');
  return { sql: clauses.join(' AND '), params: defined({ tenant, state: f.state, policyId: f.policyId, severity: f.severity, from: f.from, to: f.to }) };
}

export function createReviewQueue(store: Store): ReviewQueue {
  /** Versions of review writes: microseconds of the clock, above ingest's 0 and increasing. */
  let lastVersion = 0;
  const nextVersion = () => (lastVersion = Math.max(lastVersion + 1, Date.now() * 1000));

  /**
   * The action carries its item's message keys and time so that retention and holds
   * reach the evidence of review exactly as they reach the flagged message.
   */
  async function addAction(item: ReviewItem, action: string, change: Partial<ReviewChange>, actor: string): Promise<ReviewAction> {
    const { tenant, itemId } = item;
    const a: ReviewAction = {
      actionId: randomUUID(), itemId, action, state: change.state ?? null, tag: change.tag ?? null, comment: change.comment ?? '',
      escalationCase: change.escalationCase ?? null, actor, time: new Date().toISOString(),
    };
    await store.insert('supervision: record action', 'supervision_actions', [{
      tenant, item_id: itemId, action_id: a.actionId, action, state: a.state ?? '', tag: a.tag ?? '', comment: a.comment, escalation_case: a.escalationCase ?? '', actor, time: toStoreTime(Date.parse(a.time)),
      conversation_id: item.conversationId, message_id: item.messageId, message_time: toStoreTime(Date.parse(item.messageTime)),
    }]);
    return a;
  }

  const self: ReviewQueue = {
    async write(flags) {
      const rows = flags.filter((f) => f.sampled).map((f) => ({
        tenant: f.tenant, item_id: f.itemId, policy_id: f.policyId, policy_version: f.policyVersion, policy_name: f.policyName, severity: f.severity,
        event_id: f.eventId, message_id: f.messageId, conversation_id: f.conversationId, conversation_type: f.conversationType, thread_id: f.threadId,
        author_id: f.authorId, message_time: f.messageTime, version_kind: f.versionKind, matches: JSON.stringify(f.hits), state: 'pending', tag: '',
        comment: '', escalation_case: '', updated_by: '', version: 0,
      }));
      await store.insert('supervision: write review items', 'supervision_items', rows);
      return rows.length;
    },
    async list(tenant, filters, page) {
      const where = whereOf(tenant, filters);
      const { direction, comparison } = orderSql(page.order);
      const keyset = page.before ? ` AND (message_time, item_id) ${comparison} ({beforeTime:DateTime64(3, 'UTC')}, {beforeId:String})` : '';
      const [rows, totals] = await Promise.all([
        store.query<ItemRow>(
          'supervision: list items',
          `SELECT ${ITEM_COLUMNS} FROM supervision_items FINAL WHERE ${where.sql}${keyset} ORDER BY message_time ${direction}, item_id ${direction} LIMIT {limit:UInt32}`,
          { ...where.params, limit: page.limit, ...(page.before ? { beforeTime: page.before.time, beforeId: page.before.itemId } : {}) },
        ),
        store.query<{ n: string }>('supervision: count items', `SELECT count() AS n FROM supervision_items FINAL WHERE ${where.sql}`, where.params),
      ]);
      return { items: rows.map(toItem), total: Number(totals[0]?.n ?? 0) };
    },
    async get(tenant, itemId) {
      const rows = await store.query<ItemRow>('supervision: read item', `SELECT ${ITEM_COLUMNS} FROM supervision_items FINAL WHERE tenant = {tenant:String} AND item_id = {itemId:String}`, { tenant, itemId });
      if (rows.length === 0) throw new ReviewItemNotFoundError(tenant, itemId);
      return toItem(rows[0]!);
    },
    async opened(tenant, itemId, actor) {
      return addAction(await self.get(tenant, itemId), 'opened', {}, actor);
    },
    async review(tenant, itemId, change, actor) {
      const current = await self.get(tenant, itemId);
      await store.insert('supervision: review item', 'supervision_items', [{
        ...itemRow(current), state: change.state, tag: change.tag ?? '', comment: change.comment ?? '', escalation_case: change.escalationCase ?? '',
        updated_by: actor, updated_at: toStoreTime(Date.now()), version: nextVersion(),
      }]);
      const action = await addAction(current, change.state === current.state ? 'commented' : change.state, change, actor);
      return { item: await self.get(tenant, itemId), action };
    },
    async history(tenant, itemId) {
      await self.get(tenant, itemId);
      const rows = await store.query<{ action_id: string; item_id: string; action: string; state: string; tag: string; comment: string; escalation_case: string; actor: string; time: string }>(
        'supervision: item history',
        'SELECT action_id, item_id, action, state, tag, comment, escalation_case, actor, time FROM supervision_actions FINAL WHERE tenant = {tenant:String} AND item_id = {itemId:String} ORDER BY time, action_id',
        { tenant, itemId },
      );
      return rows.map((r) => ({ actionId: r.action_id, itemId: r.item_id, action: r.action, state: r.state || null, tag: r.tag || null, comment: r.comment, escalationCase: r.escalation_case || null, actor: r.actor, time: fromStoreTime(r.time) }));
    },
  };
  return self;
}
