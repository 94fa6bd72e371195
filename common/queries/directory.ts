/**
 * Users and conversations "as of now" (the directory views of
 * migrations/0002_directory_views.sql) and membership history (admin events).
 * Lists are ordered by id with keyset paging; totals are exact.
 */
import type { Store } from '../store/store.js';
import { fromStoreTime } from '../events/time.js';
import { defined } from './params.js';

const EPOCH = '1970-01-01 00:00:00.000';
const time = (t: string): string | null => (!t || t.startsWith('1970-01-01 00:00:00') ? null : fromStoreTime(t));
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

export interface ConversationRow {
  conversation_id: string; name: string; conversation_type: string; created_by: string; created_at: string; archived: unknown; updated_at: string; member_count: string;
}
export interface Conversation {
  conversation_id: string; name: string; conversation_type: string | null; created_by: string | null; created_at: string | null; archived: boolean; updated_at: string | null; member_count: number;
}
export function toConversation(r: ConversationRow): Conversation {
  return {
    conversation_id: r.conversation_id,
    name: r.name,
    conversation_type: r.conversation_type || null,
    created_by: r.created_by || null,
    created_at: time(r.created_at),
    archived: bool(r.archived),
    updated_at: time(r.updated_at),
    member_count: Number(r.member_count ?? 0),
  };
}

export interface UserRow {
  user_id: string; email: string; display_name: string; department: string; manager_id: string; title: string; active: unknown; role: string; created_at: string; updated_at: string;
}
export interface User {
  user_id: string; email: string; display_name: string; department: string | null; manager_id: string | null; title: string | null; active: boolean; role: string | null; created_at: string | null; updated_at: string | null;
}
export function toUser(r: UserRow): User {
  return {
    user_id: r.user_id,
    email: r.email,
    display_name: r.display_name,
    department: r.department || null,
    manager_id: r.manager_id || null,
    title: r.title || null,
    active: bool(r.active),
    role: r.role || null,
    created_at: time(r.created_at),
    updated_at: time(r.updated_at),
  };
}

export interface MembershipEventRow { event_id: string; time: string; type: string; conversation_id: string; user_id: string; actor_id: string }
export interface MembershipEvent { event_id: string; time: string; action: 'joined' | 'left'; conversation_id: string; user_id: string; by: string | null }
export function toMembershipEvent(r: MembershipEventRow): MembershipEvent {
  return { event_id: r.event_id, time: fromStoreTime(r.time), action: r.type === 'member.joined' ? 'joined' : 'left', conversation_id: r.conversation_id, user_id: r.user_id, by: r.actor_id || null };
}

export interface Page<T> { items: T[]; total: number; more: boolean }

const CONVERSATION_COLUMNS = 'conversation_id, name, conversation_type, created_by, created_at, archived, updated_at';

export interface ConversationFilter { tenant: string; conversationType?: string; archived?: boolean; limit: number; afterId?: string }

function conversationConditions(f: ConversationFilter, withCursor: boolean): string {
  const c = ['tenant = {tenant:String}'];
  if (f.conversationType !== undefined) c.push('conversation_type = {conversation_type:String}');
  if (f.archived !== undefined) c.push('archived = {archived:Bool}');
  if (withCursor && f.afterId !== undefined) c.push('conversation_id > {after:String}');
  return c.join(' AND ');
}

export async function listConversations(store: Store, f: ConversationFilter): Promise<Page<Conversation>> {
  const params = defined({ tenant: f.tenant, conversation_type: f.conversationType, archived: f.archived, after: f.afterId, limit: f.limit + 1 });
  const rows = await store.query<Omit<ConversationRow, 'member_count'>>('conversations: list', `
    SELECT ${CONVERSATION_COLUMNS} FROM conversations_current
    WHERE ${conversationConditions(f, true)} ORDER BY conversation_id LIMIT {limit:UInt32}`, params);
  const [total] = await store.query<{ total: string }>('conversations: total', `SELECT count() AS total FROM conversations_current WHERE ${conversationConditions(f, false)}`, params);
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  const counts = await store.query<{ conversation_id: string; n: string }>('conversations: member counts', `
    SELECT conversation_id, countIf(is_member) AS n FROM memberships_current
    WHERE tenant = {tenant:String} AND conversation_id IN {ids:Array(String)} GROUP BY conversation_id`, { tenant: f.tenant, ids: page.map((r) => r.conversation_id) });
  const byId = new Map(counts.map((c) => [c.conversation_id, c.n]));
  return { items: page.map((r) => toConversation({ ...r, member_count: byId.get(r.conversation_id) ?? '0' })), total: Number(total?.total ?? 0), more };
}

export interface ConversationDetail { conversation: Conversation; members: Array<{ user_id: string; since: string }>; membership_history: MembershipEvent[] }

export async function getConversation(store: Store, tenant: string, conversationId: string): Promise<ConversationDetail | undefined> {
  const params = { tenant, id: conversationId };
  const [rows, members, history] = await Promise.all([
    store.query<Omit<ConversationRow, 'member_count'>>('conversation: get', `
      SELECT ${CONVERSATION_COLUMNS} FROM conversations_current
      WHERE tenant = {tenant:String} AND conversation_id = {id:String}`, params),
    store.query<{ user_id: string; changed_at: string }>('conversation: members', `
      SELECT user_id, changed_at FROM memberships_current WHERE tenant = {tenant:String} AND conversation_id = {id:String} AND is_member ORDER BY user_id`, params),
    store.query<MembershipEventRow>('conversation: membership history', `
      SELECT event_id, time, type, conversation_id, user_id, actor_id FROM admin_events
      WHERE tenant = {tenant:String} AND conversation_id = {id:String} AND type IN ('member.joined', 'member.left')
      ORDER BY time, event_id LIMIT 1 BY event_id`, params),
  ]);
  const row = rows[0];
  if (!row && history.length === 0) return undefined;
  // A conversation known only from membership events (created before the archive began) is still answered.
  const conversation = toConversation({
    ...(row ?? { conversation_id: conversationId, name: '', conversation_type: '', created_by: '', created_at: EPOCH, archived: false, updated_at: EPOCH }),
    member_count: String(members.length),
  });
  return {
    conversation,
    members: members.map((m) => ({ user_id: m.user_id, since: fromStoreTime(m.changed_at) })),
    membership_history: history.map(toMembershipEvent),
  };
}

export interface UserFilter { tenant: string; department?: string; active?: boolean; limit: number; afterId?: string }

function userConditions(f: UserFilter, withCursor: boolean): string {
  const c = ['tenant = {tenant:String}'];
  if (f.department !== undefined) c.push('department = {department:String}');
  if (f.active !== undefined) c.push('active = {active:Bool}');
  if (withCursor && f.afterId !== undefined) c.push('user_id > {after:String}');
  return c.join(' AND ');
}

const USER_COLUMNS = 'user_id, email, display_name, department, manager_id, title, active, role, created_at, updated_at';

export async function listUsers(store: Store, f: UserFilter): Promise<Page<User>> {
  const params = defined({ tenant: f.tenant, department: f.department, active: f.active, after: f.afterId, limit: f.limit + 1 });
  const [rows, totals] = await Promise.all([
    store.query<UserRow>('users: list', `SELECT ${USER_COLUMNS} FROM users_current WHERE ${userConditions(f, true)} ORDER BY user_id LIMIT {limit:UInt32}`, params),
    store.query<{ total: string }>('users: total', `SELECT count() AS total FROM users_current WHERE ${userConditions(f, false)}`, params),
  ]);
  const more = rows.length > f.limit;
  return { items: (more ? rows.slice(0, f.limit) : rows).map(toUser), total: Number(totals[0]?.total ?? 0), more };
}

export interface UserDetail { user: User; conversations: Array<{ conversation_id: string; since: string }>; membership_history: MembershipEvent[] }

export async function getUser(store: Store, tenant: string, userId: string): Promise<UserDetail | undefined> {
  const params = { tenant, id: userId };
  const [rows, conversations, history] = await Promise.all([
    store.query<UserRow>('user: get', `SELECT ${USER_COLUMNS} FROM users_current WHERE tenant = {tenant:String} AND user_id = {id:String}`, params),
    store.query<{ conversation_id: string; changed_at: string }>('user: conversations', `
      SELECT conversation_id, changed_at FROM memberships_current WHERE tenant = {tenant:String} AND user_id = {id:String} AND is_member ORDER BY conversation_id`, params),
    store.query<MembershipEventRow>('user: membership history', `
      SELECT event_id, time, type, conversation_id, user_id, actor_id FROM admin_events
      WHERE tenant = {tenant:String} AND user_id = {id:String} AND type IN ('member.joined', 'member.left')
      ORDER BY time, event_id LIMIT 1 BY event_id`, params),
  ]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    user: toUser(row),
    conversations: conversations.map((c) => ({ conversation_id: c.conversation_id, since: fromStoreTime(c.changed_at) })),
    membership_history: history.map(toMembershipEvent),
  };
}
