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

/** Name and type of each conversation of a batch, from the directory; the type its messages carry when it has none. */
export async function lookupConversations(store: Store, tenant: string, batch: ReadonlyArray<{ conversation_id: string; conversation_type: string }>): Promise<Map<string, ExportConversation>> {
  const rows = await store.query<{ conversation_id: string; name: string; conversation_type: string }>('export: conversations', `
    SELECT conversation_id, name, conversation_type FROM conversations_current WHERE tenant = {tenant:String} AND conversation_id IN {cs:Array(String)}`, { tenant, cs: batch.map((c) => c.conversation_id) });
  const known = new Map(rows.map((r) => [r.conversation_id, r]));
  return new Map(batch.map((c) => {
    const k = known.get(c.conversation_id);
    return [c.conversation_id, { conversation_id: c.conversation_id, name: k?.name || c.conversation_id, conversation_type: k?.conversation_type || c.conversation_type }];
  }));
}

/** Up to this many people, the tenant's directory is read once, whole, when an export starts. */
export const DIRECTORY_PRELOAD_MAX = 200_000;

/**
 * The directory as an export needs it: people looked up once each (a day of a busy
 * channel names the same people as the day before), and a directory of ordinary
 * size read whole in one query at the start (an archive of sparse conversations has
 * a day with someone new for almost every query otherwise). Bounded by the tenant's
 * directory.
 */
export async function createPeopleCache(store: Store, tenant: string): Promise<(ids: readonly string[]) => Promise<Map<string, ExportPerson>>> {
  const known = new Map<string, ExportPerson>();
  const [size] = await store.query<{ n: string }>('export: directory size', 'SELECT count() AS n FROM users_current WHERE tenant = {tenant:String}', { tenant });
  const whole = Number(size?.n ?? 0) <= DIRECTORY_PRELOAD_MAX;
  if (whole) {
    const rows = await store.query<{ user_id: string; display_name: string; email: string }>('export: directory', 'SELECT user_id, display_name, email FROM users_current WHERE tenant = {tenant:String}', { tenant });
    for (const r of rows) known.set(r.user_id, { user_id: r.user_id, display_name: r.display_name, email: r.email });
  }
  return async (ids) => {
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0 && !whole) {
      const rows = await store.query<{ user_id: string; display_name: string; email: string }>('export: people', `
        SELECT user_id, display_name, email FROM users_current WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)}`, { tenant, ids: missing });
      for (const r of rows) known.set(r.user_id, { user_id: r.user_id, display_name: r.display_name, email: r.email });
    }
    // Someone the directory does not know (yet) is shown by id.
    return new Map(ids.map((id) => [id, known.get(id) ?? { user_id: id, display_name: '', email: '' }]));
  };
}

type Membership = ConversationDay['membership'];

/** Every join and leave of a batch's conversations, by conversation and UTC day: one query per batch. */
async function membershipByDay(store: Store, tenant: string, ids: readonly string[], asOf: string): Promise<Map<string, Membership>> {
  const rows = await store.query<{ event_id: string; time: string; type: string; conversation_id: string; user_id: string; actor_id: string }>('export: membership', `
    SELECT event_id, time, type, conversation_id, user_id, actor_id FROM admin_events
    WHERE tenant = {tenant:String} AND conversation_id IN {cs:Array(String)} AND type IN ('member.joined', 'member.left') AND ingested_at <= {as_of:${T}}
    ORDER BY time, event_id LIMIT 1 BY event_id`, { tenant, cs: [...ids], as_of: toStoreTime(Date.parse(asOf)) });
  const days = new Map<string, Membership>();
  for (const r of rows) {
    const time = fromStoreTime(r.time);
    const k = `${r.conversation_id}\u0000${time.slice(0, 10)}`;
    const list = days.get(k) ?? [];
    list.push({ event_id: r.event_id, time, type: r.type === 'member.joined' ? 'joined' : 'left', user_id: r.user_id, by: r.actor_id });
    days.set(k, list);
  }
  return days;
}

export interface DayContext {
  store: Store;
  tenant: string;
  asOf: string;
  /** Undefined when no writer of the export shows people: the days then carry an empty map. */
  people: Awaited<ReturnType<typeof createPeopleCache>> | undefined;
}

/** A batch's messages (by conversation, then time) as conversation-days. */
export async function* conversationDays(c: DayContext, conversations: ReadonlyMap<string, ExportConversation>, messages: AsyncIterable<ExportMessage>): AsyncGenerator<ConversationDay> {
  const membership = await membershipByDay(c.store, c.tenant, [...conversations.keys()], c.asOf);
  let key = '';
  let batch: ExportMessage[] = [];
  const flush = async (): Promise<ConversationDay> => {
    const first = batch[0]!;
    const day = first.time.slice(0, 10);
    const changes = membership.get(`${first.conversation_id}\u0000${day}`) ?? [];
    let people = new Map<string, ExportPerson>();
    if (c.people) {
      const ids = new Set([...peopleIn(batch), ...changes.flatMap((e) => [e.user_id, e.by].filter(Boolean))]);
      people = await c.people([...ids].sort());
    }
    return { conversation: conversations.get(first.conversation_id)!, day, messages: batch, people, membership: changes };
  };
  for await (const m of messages) {
    const k = `${m.conversation_id}\u0000${m.time.slice(0, 10)}`;
    if (k !== key && batch.length > 0) {
      yield await flush();
      batch = [];
    }
    key = k;
    batch.push(m);
  }
  if (batch.length > 0) yield await flush();
}
