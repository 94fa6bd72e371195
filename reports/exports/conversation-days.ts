/**
 * Groups one conversation's exported messages by UTC day and adds what the formats
 * show beside them: the conversation's name and type, the people involved (from
 * the directory), and the membership changes of that day.
 */
import type { Store } from '../../common/store/store.js';
import { fromStoreTime, toStoreTime } from '../../common/events/time.js';
import type { ConversationDay, ExportConversation, ExportMessage, ExportPerson } from './export-record.js';

const T = "DateTime64(3, 'UTC')";

export function peopleIn(messages: readonly ExportMessage[]): string[] {
  const ids = new Set<string>();
  for (const m of messages) {
    ids.add(m.author_id);
    m.mentions.forEach((u) => ids.add(u));
    m.versions.forEach((v) => ids.add(v.by));
    if (m.deletion) ids.add(m.deletion.deleted_by);
    m.reactions.history.forEach((r) => ids.add(r.user_id));
  }
  return [...ids].sort();
}

export async function lookupConversation(store: Store, tenant: string, conversationId: string, fallbackType: string): Promise<ExportConversation> {
  const [row] = await store.query<{ name: string; conversation_type: string }>('export: conversation', `
    SELECT name, conversation_type FROM conversations_current WHERE tenant = {tenant:String} AND conversation_id = {c:String} LIMIT 1`, { tenant, c: conversationId });
  return { conversation_id: conversationId, name: row?.name || conversationId, conversation_type: row?.conversation_type || fallbackType };
}

/**
 * The directory as an export needs it: people looked up once each (a day of a busy
 * channel names the same people as the day before), so the cost follows the number
 * of people, not of days. Bounded by the tenant's directory.
 */
export function createPeopleCache(store: Store, tenant: string): (ids: readonly string[]) => Promise<Map<string, ExportPerson>> {
  const known = new Map<string, ExportPerson>();
  return async (ids) => {
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0) {
      const rows = await store.query<{ user_id: string; display_name: string; email: string }>('export: people', `
        SELECT user_id, display_name, email FROM users_current WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)}`, { tenant, ids: missing });
      const found = new Map(rows.map((r) => [r.user_id, r]));
      for (const id of missing) known.set(id, { user_id: id, display_name: found.get(id)?.display_name ?? '', email: found.get(id)?.email ?? '' });
    }
    return new Map(ids.map((id) => [id, known.get(id)!]));
  };
}

type Membership = ConversationDay['membership'];

/** Every join and leave of one conversation, by UTC day: one query per conversation. */
async function membershipByDay(store: Store, tenant: string, conversationId: string, asOf: string): Promise<Map<string, Membership>> {
  const rows = await store.query<{ event_id: string; time: string; type: string; user_id: string; actor_id: string }>('export: membership', `
    SELECT event_id, time, type, user_id, actor_id FROM admin_events
    WHERE tenant = {tenant:String} AND conversation_id = {c:String} AND type IN ('member.joined', 'member.left') AND ingested_at <= {as_of:${T}}
    ORDER BY time, event_id LIMIT 1 BY event_id`, { tenant, c: conversationId, as_of: toStoreTime(Date.parse(asOf)) });
  const days = new Map<string, Membership>();
  for (const r of rows) {
    const time = fromStoreTime(r.time);
    const list = days.get(time.slice(0, 10)) ?? [];
    list.push({ event_id: r.event_id, time, type: r.type === 'member.joined' ? 'joined' : 'left', user_id: r.user_id, by: r.actor_id });
    days.set(time.slice(0, 10), list);
  }
  return days;
}

export interface DayContext {
  store: Store;
  tenant: string;
  asOf: string;
  people: ReturnType<typeof createPeopleCache>;
}

/** One conversation's messages (in time order) as conversation-days. */
export async function* conversationDays(c: DayContext, conversation: ExportConversation, messages: AsyncIterable<ExportMessage>): AsyncGenerator<ConversationDay> {
  const membership = await membershipByDay(c.store, c.tenant, conversation.conversation_id, c.asOf);
  let day = '';
  let batch: ExportMessage[] = [];
  const flush = async (): Promise<ConversationDay> => {
    const changes = membership.get(day) ?? [];
    const ids = new Set([...peopleIn(batch), ...changes.flatMap((e) => [e.user_id, e.by].filter(Boolean))]);
    return { conversation, day, messages: batch, people: await c.people([...ids].sort()), membership: changes };
  };
  for await (const m of messages) {
    const d = m.time.slice(0, 10);
    if (d !== day && batch.length > 0) {
      yield await flush();
      batch = [];
    }
    day = d;
    batch.push(m);
  }
  if (batch.length > 0) yield await flush();
}
