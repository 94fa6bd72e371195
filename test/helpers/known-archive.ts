/**
 * A deterministic archive for export tests: conversations of each type, messages
 * over several days with same-millisecond ones, edits (one adding a word), deletions,
 * reactions added and removed, a thread, membership changes and a directory. It
 * keeps the truth beside the events, so a test computes every expectation from it.
 */
import { cloudEvent, type CloudEvent } from './events.js';

export interface KnownMessage {
  conversation_id: string;
  message_id: string;
  author_id: string;
  timeMs: number;
  thread_id: string;
  texts: string[];
  editors: string[];
  deleted_by?: string;
  reactions: Array<{ action: 'added' | 'removed'; user_id: string; emoji: string }>;
}

export interface KnownArchive {
  tenant: string;
  events: CloudEvent[];
  messages: KnownMessage[];
  conversations: Array<{ id: string; type: string; name: string }>;
  users: Array<{ id: string; name: string; email: string }>;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 5, 8, 0, 0);
const WORDS = ['budget', 'planning', 'réunion', 'release', 'coffee', 'review', 'incident', 'merci'];

export function knownArchive(tenant: string, perConversation = 40): KnownArchive {
  const users = Array.from({ length: 6 }, (_, i) => ({ id: `U${i + 1}`, name: i === 4 ? 'Zoë Ñúñez' : `User ${i + 1}`, email: i === 5 ? '' : `user${i + 1}@example.org` }));
  const conversations = [
    { id: 'C-general', type: 'channel', name: 'général' },
    { id: 'C-private', type: 'private', name: 'board' },
    { id: 'D-12', type: 'dm', name: 'U1, U2' },
  ];
  const events: CloudEvent[] = [];
  let n = 0;
  const at = (ms: number) => new Date(ms).toISOString();
  const ev = (type: string, data: Record<string, unknown>, timeMs: number) => events.push(cloudEvent(type, data, { id: `${tenant}-e${n++}`, tenant, time: at(timeMs) }));
  for (const u of users) ev('user.created', { user_id: u.id, email: u.email, display_name: u.name }, T0 - DAY);
  for (const c of conversations) ev('conversation.created', { conversation_id: c.id, name: c.name, conversation_type: c.type, created_by: 'U1' }, T0 - DAY);
  const messages: KnownMessage[] = [];
  conversations.forEach((c, ci) => {
    const authors = c.type === 'dm' ? ['U1', 'U2'] : users.map((u) => u.id);
    for (let i = 0; i < perConversation; i++) {
      // Three days; every fifth message shares its millisecond with the one before.
      const timeMs = T0 + Math.floor(i / (perConversation / 3)) * DAY + (i % 5 === 4 ? i - 1 : i) * 60_000 + ci;
      const m: KnownMessage = {
        conversation_id: c.id, message_id: `${c.id}-m${i}`, author_id: authors[(i * 7 + ci) % authors.length]!, timeMs,
        thread_id: i > 2 && i % 6 === 0 ? `${c.id}-m${i - 3}` : '', texts: [`${WORDS[i % WORDS.length]} note ${i}, "quoted", comma; à bientôt ✨`], editors: [], reactions: [],
      };
      m.editors.push(m.author_id);
      messages.push(m);
    }
  });
  for (const m of messages) {
    const c = conversations.find((x) => x.id === m.conversation_id)!;
    ev('message.created', { message_id: m.message_id, conversation_id: m.conversation_id, conversation_type: c.type, author_id: m.author_id, text: m.texts[0], ...(m.thread_id ? { thread_id: m.thread_id } : {}), mentions: m.message_id.endsWith('m7') ? ['U3'] : [], attachments: m.message_id.endsWith('m9') ? [{ name: 'plan.pdf', mime: 'application/pdf', size: 1234, sha256: 'ab'.repeat(32) }] : [] }, m.timeMs);
  }
  messages.forEach((m, i) => {
    if (i % 7 === 3) {
      // An edit that adds a word the first version lacked: word searches must find it.
      const text = `${m.texts[0]} (edited: budget revised)`;
      m.texts.push(text);
      m.editors.push(m.author_id);
      ev('message.edited', { message_id: m.message_id, conversation_id: m.conversation_id, editor_id: m.author_id, text }, m.timeMs + 30_000);
    }
    if (i % 11 === 5) {
      m.deleted_by = 'U1';
      ev('message.deleted', { message_id: m.message_id, conversation_id: m.conversation_id, deleted_by: 'U1' }, m.timeMs + 45_000);
    }
    if (i % 4 === 1) {
      m.reactions.push({ action: 'added', user_id: 'U3', emoji: 'thumbsup' }, { action: 'added', user_id: 'U4', emoji: 'eyes' });
      ev('reaction.added', { message_id: m.message_id, conversation_id: m.conversation_id, user_id: 'U3', emoji: 'thumbsup' }, m.timeMs + 10_000);
      ev('reaction.added', { message_id: m.message_id, conversation_id: m.conversation_id, user_id: 'U4', emoji: 'eyes' }, m.timeMs + 11_000);
      if (i % 8 === 1) {
        m.reactions.push({ action: 'removed', user_id: 'U4', emoji: 'eyes' });
        ev('reaction.removed', { message_id: m.message_id, conversation_id: m.conversation_id, user_id: 'U4', emoji: 'eyes' }, m.timeMs + 12_000);
      }
    }
  });
  ev('member.joined', { conversation_id: 'C-general', user_id: 'U6', by: 'U1' }, T0 + 5 * 60_000 + 30_000);
  ev('member.left', { conversation_id: 'C-general', user_id: 'U6', by: 'U6' }, T0 + DAY + 90_000);
  return { tenant, events, messages, conversations, users };
}

/** Messages in export order: conversation id, then time, then message id. */
export function exportOrder(ms: readonly KnownMessage[]): KnownMessage[] {
  return [...ms].sort((a, b) => (a.conversation_id !== b.conversation_id ? (a.conversation_id < b.conversation_id ? -1 : 1) : a.timeMs !== b.timeMs ? a.timeMs - b.timeMs : a.message_id < b.message_id ? -1 : 1));
}
