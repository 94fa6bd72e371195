/**
 * The plain-text transcript of a conversation-day. Message text is written as it is,
 * never indented or quoted, so a reviewer's search for a phrase finds it; the lines
 * around it say who, when, which version, and what happened to it.
 */
import type { ConversationDay, ExportContext, ExportMessage } from '../export-record.js';
import { arrangeTranscript, conversationTitle, DayPeople, type Membership, type TranscriptItem } from './transcript.js';
import { readableUtc } from './utc-time.js';

const RULE = '-'.repeat(72);

export function renderTextTranscript(group: ConversationDay, ctx: ExportContext): string {
  const people = new DayPeople(group, ctx.tenant);
  const lines = [...textPreamble(group, ctx), 'Participants:', ...people.involved().map((id) => `  ${people.roster(id)}`)];
  for (const item of arrangeTranscript(group)) lines.push(...textItem(item, people));
  return lines.join('\n') + '\n';
}

function textPreamble(group: ConversationDay, ctx: ExportContext): string[] {
  const c = group.conversation;
  return [
    `Conversation: ${conversationTitle(group)} (${c.conversation_type}, id ${c.conversation_id})`,
    `Day: ${group.day} (all times UTC)`,
    `Tenant: ${ctx.tenant}; package ${ctx.packageId}; as of ${readableUtc(ctx.asOf)}`,
    `Messages: ${group.messages.length}; membership changes: ${group.membership.length}`,
  ];
}

function textItem(item: TranscriptItem, people: DayPeople): string[] {
  if (item.kind === 'membership') return ['', RULE, membershipLine(item.change, people)];
  const lines = ['', RULE, ...textMessage(item.message, people, '')];
  if (item.rootMissing) lines.splice(3, 0, `Reply ${item.message.thread_position} in thread #${item.message.thread_id} (its root is not in this file)`);
  for (const reply of item.replies) {
    lines.push('', ...textMessage(reply, people, `  -> reply ${reply.thread_position} in thread #${item.message.message_id}: `));
  }
  return lines;
}

export function membershipLine(change: Membership, people: DayPeople): string {
  const verb = change.type === 'joined' ? 'joined' : 'left';
  const by = change.by !== '' && change.by !== change.user_id ? ` (by ${people.label(change.by)})` : '';
  return `${readableUtc(change.time)}  ${people.label(change.user_id)} ${verb} the conversation${by}`;
}

function textMessage(m: ExportMessage, people: DayPeople, prefix: string): string[] {
  const lines = [`${prefix}${readableUtc(m.time)}  ${people.label(m.author_id)}  #${m.message_id}`];
  lines.push(...textVersions(m, people));
  if (m.deletion) lines.push(`[Deleted ${readableUtc(m.deletion.time)} by ${people.label(m.deletion.deleted_by)}]`);
  for (const a of m.attachments) lines.push(`[${attachmentLine(a)}]`);
  if (m.mentions.length > 0) lines.push(`[Mentions: ${m.mentions.map((id) => people.label(id)).join(', ')}]`);
  lines.push(...textReactions(m, people));
  if (m.context) lines.push('[Context: shown around a hit, not itself a hit]');
  return lines;
}

function textVersions(m: ExportMessage, people: DayPeople): string[] {
  if (m.versions.length <= 1) return m.versions.map((v) => v.text);
  return m.versions.flatMap((v) => [
    `[Version ${v.index}${v.current ? ', current' : ''}: ${v.kind} ${readableUtc(v.time)} by ${people.label(v.by)}]`,
    v.text,
  ]);
}

function textReactions(m: ExportMessage, people: DayPeople): string[] {
  const lines: string[] = [];
  for (const [emoji, users] of currentReactions(m)) {
    lines.push(`[Reaction ${emoji} now: ${users.map((u) => people.label(u)).join(', ')}]`);
  }
  for (const r of m.reactions.history) {
    lines.push(`[Reaction ${r.emoji} ${r.action} by ${people.label(r.user_id)} at ${readableUtc(r.time)}]`);
  }
  return lines;
}

export function attachmentLine(a: ExportMessage['attachments'][number]): string {
  return `Attachment: ${a.name} (${a.mime}, ${a.size} bytes, SHA-256 ${a.sha256}; metadata only)`;
}

/** Emoji to the people reacting with it now, in the order they appear. */
export function currentReactions(m: ExportMessage): Map<string, string[]> {
  const byEmoji = new Map<string, string[]>();
  for (const r of m.reactions.current) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r.user_id]);
  return byEmoji;
}
