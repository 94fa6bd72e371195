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

async function lookupPeople(store: Store, tenant: string, ids: string[]): Promise<Map<string, ExportPerson>> {
  const rows = ids.length === 0 ? [] : await store.query<{ user_id: string; display_name: string; email: string }>('export: people', `
    SELECT user_id, display_name, email FROM users_current WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)}`, { tenant, ids });
  const known = new Map(rows.map((r) => [r.user_id, r]));
  return new Map(ids.map((id) => [id, { user_id: id, display_name: known.get(id)?.display_name ?? '', email: known.get(id)?.email ?? '' }]));
}

async function lookupMembership(store: Store, tenant: string, conversationId: string, day: string, asOf: string): Promise<ConversationDay['membership']> {
  const from = Date.parse(`${day}T00:00:00.000Z`);
  const rows = await store.query<{ event_id: string; time: string; type: string; user_id: string; actor_id: string }>('export: membership', `
    SELECT event_id, time, type, user_id, actor_id FROM admin_events
    WHERE tenant = {tenant:String} AND conversation_id = {c:String} AND type IN ('member.joined', 'member.left')
      AND time >= {from:${T}} AND time < {to:${T}} AND ingested_at <= {as_of:${T}}
    ORDER BY time, event_id LIMIT 1 BY event_id`, { tenant, c: conversationId, from: toStoreTime(from), to: toStoreTime(from + 86_400_000), as_of: toStoreTime(Date.parse(asOf)) });
  return rows.map((r) => ({ event_id: r.event_id, time: fromStoreTime(r.time), type: r.type === 'member.joined' ? 'joined' as const : 'left' as const, user_id: r.user_id, by: r.actor_id }));
}

/** One conversation's messages (in time order) as conversation-days. */
export async function* conversationDays(store: Store, tenant: string, conversation: ExportConversation, messages: AsyncIterable<ExportMessage>, asOf: string): AsyncGenerator<ConversationDay> {
  let day = '';
  let batch: ExportMessage[] = [];
  const flush = async (): Promise<ConversationDay> => {
    const membership = await lookupMembership(store, tenant, conversation.conversation_id, day, asOf);
    const ids = new Set([...peopleIn(batch), ...membership.flatMap((e) => [e.user_id, e.by].filter(Boolean))]);
    const people = await lookupPeople(store, tenant, [...ids].sort());
    return { conversation, day, messages: batch, people, membership };
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
