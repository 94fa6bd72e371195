/**
 * The platform's admin events (logins, role changes, app installs, membership...),
 * newest first, filtered by type, user, conversation and time, with an exact total
 * and keyset paging on (time, event_id). `user` matches the user an event is about
 * or the one who did it (actor), since both questions are asked.
 */
import type { Store } from '../store/store.js';
import { fromStoreTime } from '../events/time.js';
import { defined } from './params.js';

const T = "DateTime64(3, 'UTC')";

export interface AdminEventFilter {
  tenant: string;
  types?: string[];
  user?: string;
  conversation?: string;
  fromTime?: string;
  toTime?: string;
  limit: number;
  after?: { time: string; eventId: string };
}

export interface AdminEventRow { event_id: string; time: string; source: string; type: string; user_id: string; conversation_id: string; app_id: string; actor_id: string; data: string }
export interface AdminEvent {
  event_id: string; time: string; source: string; type: string;
  user_id: string | null; conversation_id: string | null; app_id: string | null; actor_id: string | null;
  data: Record<string, unknown>;
}

export function toAdminEvent(r: AdminEventRow): AdminEvent {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(r.data);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
  } catch {
    // Ingest stores JSON.stringify output; anything else is shown as empty data rather than failing the page.
  }
  return {
    event_id: r.event_id, time: fromStoreTime(r.time), source: r.source, type: r.type,
    user_id: r.user_id || null, conversation_id: r.conversation_id || null, app_id: r.app_id || null, actor_id: r.actor_id || null,
    data,
  };
}

function conditions(f: AdminEventFilter, withCursor: boolean): string {
  const c = ['tenant = {tenant:String}'];
  if (f.types !== undefined) c.push('type IN {types:Array(String)}');
  if (f.user !== undefined) c.push('(user_id = {user:String} OR actor_id = {user:String})');
  if (f.conversation !== undefined) c.push('conversation_id = {conversation:String}');
  if (f.fromTime !== undefined) c.push(`time >= {from:${T}}`);
  if (f.toTime !== undefined) c.push(`time < {to:${T}}`);
  if (withCursor && f.after) c.push(`time <= {after_time:${T}}`, `(time, event_id) < ({after_time:${T}}, {after_event:String})`);
  return c.join(' AND ');
}

export async function searchAdminEvents(store: Store, f: AdminEventFilter): Promise<{ items: AdminEvent[]; total: number; more: boolean }> {
  const params = defined({
    tenant: f.tenant, types: f.types, user: f.user, conversation: f.conversation, from: f.fromTime, to: f.toTime,
    after_time: f.after?.time, after_event: f.after?.eventId, limit: f.limit + 1,
  });
  const [rows, totals] = await Promise.all([
    store.query<AdminEventRow>('admin events: search', `
      SELECT event_id, time, source, type, user_id, conversation_id, app_id, actor_id, data FROM admin_events
      WHERE ${conditions(f, true)} ORDER BY time DESC, event_id DESC LIMIT 1 BY event_id LIMIT {limit:UInt32}`, params),
    store.query<{ total: string }>('admin events: total', `SELECT uniqExact(event_id) AS total FROM admin_events WHERE ${conditions(f, false)}`, params),
  ]);
  const more = rows.length > f.limit;
  return { items: (more ? rows.slice(0, f.limit) : rows).map(toAdminEvent), total: Number(totals[0]?.total ?? 0), more };
}
