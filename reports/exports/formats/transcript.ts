/**
 * The reading order of one conversation-day, shared by the text and HTML transcripts
 * of EML and the body of RSMF: messages in the group's order with thread replies
 * moved under their root (when the root is in the same file), and membership changes
 * placed among them by time.
 */
import type { ConversationDay, ExportMessage } from '../export-record.js';
import { mailIdentity, type MailIdentity } from './mail-address.js';

export type Membership = ConversationDay['membership'][number];

export type TranscriptItem =
  | { kind: 'message'; message: ExportMessage; replies: ExportMessage[]; rootMissing: boolean }
  | { kind: 'membership'; change: Membership };

export function isReply(m: ExportMessage): boolean {
  return m.thread_id !== '' && m.thread_id !== m.message_id;
}

export function arrangeTranscript(group: ConversationDay): TranscriptItem[] {
  const ids = new Set(group.messages.map((m) => m.message_id));
  const replies = new Map<string, ExportMessage[]>();
  for (const m of group.messages) {
    if (isReply(m) && ids.has(m.thread_id)) replies.set(m.thread_id, [...(replies.get(m.thread_id) ?? []), m]);
  }
  const items: TranscriptItem[] = [];
  for (const m of group.messages) {
    if (isReply(m) && ids.has(m.thread_id)) continue;
    const own = (replies.get(m.message_id) ?? []).sort(byThreadPosition);
    items.push({ kind: 'message', message: m, replies: own, rootMissing: isReply(m) });
  }
  return mergeMembership(items, group.membership);
}

function byThreadPosition(a: ExportMessage, b: ExportMessage): number {
  return a.thread_position - b.thread_position || a.time.localeCompare(b.time) || a.message_id.localeCompare(b.message_id);
}

/** A stable merge: messages keep the group's order, a change goes before the first later message. */
function mergeMembership(items: TranscriptItem[], changes: Membership[]): TranscriptItem[] {
  const pending = [...changes].sort((a, b) => a.time.localeCompare(b.time) || a.event_id.localeCompare(b.event_id));
  const out: TranscriptItem[] = [];
  for (const item of items) {
    const time = item.kind === 'message' ? item.message.time : item.change.time;
    while (pending.length > 0 && pending[0]!.time < time) out.push({ kind: 'membership', change: pending.shift()! });
    out.push(item);
  }
  for (const change of pending) out.push({ kind: 'membership', change });
  return out;
}

/** Resolves user ids to what a reader sees and to mail identities, for one tenant and day. */
export class DayPeople {
  constructor(
    private readonly group: ConversationDay,
    private readonly tenant: string,
  ) {}

  identity(userId: string): MailIdentity {
    return mailIdentity(userId, this.group.people.get(userId), this.tenant);
  }

  /** `Alice Martin (alice)`; the id alone when the directory has no name. */
  label(userId: string): string {
    const display = this.group.people.get(userId)?.display_name ?? '';
    return display === '' ? userId : `${display} (${userId})`;
  }

  /** `Alice Martin (alice) <alice@example.com>`: the label with the directory's address, whatever its form. */
  roster(userId: string): string {
    const email = this.group.people.get(userId)?.email ?? '';
    return email === '' ? this.label(userId) : `${this.label(userId)} <${email}>`;
  }

  /** Everyone the day involves, in first-appearance order: authors first, then the rest. */
  involved(): string[] {
    const seen = new Set<string>();
    const add = (id: string): void => {
      if (id !== '') seen.add(id);
    };
    for (const m of this.group.messages) add(m.author_id);
    for (const m of this.group.messages) {
      m.versions.forEach((v) => add(v.by));
      if (m.deletion) add(m.deletion.deleted_by);
      m.reactions.history.forEach((r) => add(r.user_id));
      m.reactions.current.forEach((r) => add(r.user_id));
      m.mentions.forEach(add);
    }
    for (const c of this.group.membership) {
      add(c.user_id);
      add(c.by);
    }
    for (const id of this.group.people.keys()) add(id);
    return [...seen];
  }
}

export function conversationTitle(group: ConversationDay): string {
  return group.conversation.name === '' ? group.conversation.conversation_id : group.conversation.name;
}
