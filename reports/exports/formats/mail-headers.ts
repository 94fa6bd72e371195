/**
 * The RFC 5322 header block both mail formats put on a conversation-day: who (From
 * the first author, To everyone else involved), when (the first event), a Subject
 * naming conversation and day, a Message-ID derived from package, conversation and
 * day (stable across re-runs, distinct across packages and formats), and the
 * X-Custos-* fields that tie the file back to the archive.
 */
import { createHash } from 'node:crypto';
import type { ConversationDay, ExportContext } from '../export-record.js';
import { addressField, asciiField, unstructuredField } from './mime-header.js';
import { conversationTitle, DayPeople } from './transcript.js';
import { rfc5322Date } from './utc-time.js';

export function firstEventTime(group: ConversationDay): string {
  const times = [...group.messages.map((m) => m.time), ...group.membership.map((c) => c.time)].sort();
  return times[0] ?? `${group.day}T00:00:00.000Z`;
}

export function messageIdFor(format: string, group: ConversationDay, ctx: ExportContext): string {
  const seed = JSON.stringify([format, ctx.tenant, ctx.packageId, group.conversation.conversation_id, group.day]);
  return `<${createHash('sha256').update(seed, 'utf8').digest('hex').slice(0, 40)}.${format}@custos.invalid>`;
}

export function dayHeaders(format: string, group: ConversationDay, ctx: ExportContext): string {
  const people = new DayPeople(group, ctx.tenant);
  const [first, ...others] = people.involved();
  const c = group.conversation;
  let out = '';
  if (first !== undefined) out += addressField('From', [people.identity(first)]);
  if (others.length > 0) out += addressField('To', others.map((id) => people.identity(id)));
  out += asciiField('Date', rfc5322Date(firstEventTime(group)));
  out += unstructuredField('Subject', `Custos export: ${conversationTitle(group)} (${c.conversation_type}), ${group.day} UTC`);
  out += asciiField('Message-ID', messageIdFor(format, group, ctx));
  out += asciiField('MIME-Version', '1.0');
  out += unstructuredField('X-Custos-Conversation-Id', c.conversation_id);
  out += unstructuredField('X-Custos-Package-Id', ctx.packageId);
  out += unstructuredField('X-Custos-Tenant', ctx.tenant);
  out += asciiField('X-Custos-Day', group.day);
  return out;
}
