/**
 * The RSMF 2.0.0 manifest (`rsmf_manifest.json`) of one conversation-day, as
 * Relativity's published schema defines it (schemas/rsmf_schema_2_0_0.json):
 * participants, one conversation, and its events (messages with their edits,
 * deletion flag, reactions and thread parent; joins and leaves). What the schema has
 * no field for (attachment metadata without bytes, reaction history, mentions, who
 * deleted) goes into the event's `custom` name/value pairs, which the Relativity
 * viewer shows on hover. See docs/exports.md "RSMF".
 */
import type { ConversationDay, ExportContext, ExportMessage } from '../export-record.js';
import { isInternationalAddrSpec } from './mail-address.js';
import { attachmentLine } from './transcript-text.js';
import { conversationTitle, DayPeople, isReply, type Membership } from './transcript.js';
import { canonicalUtc, readableUtc } from './utc-time.js';
import { planMembership, type MembershipPlan } from './rsmf-membership.js';

export interface RsmfCustom {
  name: string;
  value: string;
}
export interface RsmfParticipant {
  id: string;
  display: string;
  email?: string;
  account_id: string;
}
export interface RsmfConversation {
  id: string;
  display: string;
  platform: string;
  type: 'direct' | 'channel';
  participants: string[];
  custom: RsmfCustom[];
}
export interface RsmfEvent {
  id: string;
  type: 'message' | 'join' | 'leave' | 'history';
  conversation: string;
  participant: string;
  timestamp: string;
  body?: string;
  parent?: string;
  deleted?: boolean;
  edits?: Array<{ participant: string; timestamp: string; previous: string; new: string }>;
  reactions?: Array<{ value: string; count: number; participants: string[] }>;
  custom?: RsmfCustom[];
}
export interface RsmfManifest {
  version: '2.0.0';
  eventcollectionid: string;
  participants: RsmfParticipant[];
  conversations: RsmfConversation[];
  events: RsmfEvent[];
}

const DIRECT_TYPES = new Set(['dm', 'group_dm']);

export function buildManifest(group: ConversationDay, ctx: ExportContext): RsmfManifest {
  const people = new DayPeople(group, ctx.tenant);
  const involved = people.involved();
  const plan = planMembership(group, involved);
  return {
    version: '2.0.0',
    eventcollectionid: eventCollectionId(group, ctx),
    participants: involved.map((id) => participant(group, id)),
    conversations: [conversation(group, involved, plan)],
    events: events(group, people, plan),
  };
}

/** The same for every day of a conversation, so a review tool can put the days back together. */
export function eventCollectionId(group: ConversationDay, ctx: ExportContext): string {
  return `custos:${ctx.tenant}:${group.conversation.conversation_id}`;
}

export function platformOf(group: ConversationDay): string {
  return group.messages.find((m) => m.source !== '')?.source ?? 'custos';
}

function participant(group: ConversationDay, id: string): RsmfParticipant {
  const person = group.people.get(id);
  const email = person?.email ?? '';
  return {
    id,
    display: person?.display_name || id,
    ...(isInternationalAddrSpec(email) ? { email } : {}),
    account_id: id,
  };
}

/** For a channel the schema wants the people present at the first event (rsmf-membership.ts). */
function conversation(group: ConversationDay, involved: string[], plan: MembershipPlan): RsmfConversation {
  const c = group.conversation;
  const direct = DIRECT_TYPES.has(c.conversation_type);
  return {
    id: c.conversation_id,
    display: conversationTitle(group),
    platform: platformOf(group),
    type: direct ? 'direct' : 'channel',
    participants: direct ? involved : involved.filter((id) => plan.presentAtStart.has(id)),
    custom: [{ name: 'Custos conversation type', value: c.conversation_type || 'unknown' }],
  };
}

function events(group: ConversationDay, people: DayPeople, plan: MembershipPlan): RsmfEvent[] {
  const ids = new Set(group.messages.map((m) => m.message_id));
  const all = [
    ...group.messages.map((m) => messageEvent(group, m, people, ids)),
    ...group.membership.map((change) => membershipEvent(group, change, people, plan.eventType.get(change.event_id) ?? 'history')),
  ];
  // Stable: messages keep the group's order (time, then id) among equal timestamps.
  return all.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}

function messageEvent(group: ConversationDay, m: ExportMessage, people: DayPeople, ids: Set<string>): RsmfEvent {
  const current = m.versions[m.versions.length - 1];
  const parent = isReply(m) && ids.has(m.thread_id) ? { parent: m.thread_id } : {};
  const edits = m.versions.slice(1).map((v, i) => ({
    // The schema requires an editor; an edit whose editor the archive lacks is the author's.
    participant: v.by || m.author_id,
    timestamp: canonicalUtc(v.time),
    previous: m.versions[i]!.text,
    new: v.text,
  }));
  const custom = messageCustom(m, people, ids);
  const reactions = reactionsOf(m);
  return {
    id: m.message_id,
    type: 'message',
    conversation: group.conversation.conversation_id,
    participant: m.author_id,
    timestamp: canonicalUtc(m.time),
    body: current?.text ?? '',
    ...parent,
    ...(m.deletion ? { deleted: true } : {}),
    ...(edits.length > 0 ? { edits } : {}),
    ...(reactions.length > 0 ? { reactions } : {}),
    ...(custom.length > 0 ? { custom } : {}),
  };
}

function reactionsOf(m: ExportMessage): NonNullable<RsmfEvent['reactions']> {
  const byEmoji = new Map<string, string[]>();
  for (const r of m.reactions.current) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r.user_id]);
  return [...byEmoji].map(([value, users]) => ({ value, count: users.length, participants: users }));
}

function messageCustom(m: ExportMessage, people: DayPeople, ids: Set<string>): RsmfCustom[] {
  const custom: RsmfCustom[] = [];
  if (m.deletion) {
    custom.push({ name: 'Deleted by', value: people.label(m.deletion.deleted_by) });
    custom.push({ name: 'Deleted at', value: canonicalUtc(m.deletion.time) });
  }
  if (isReply(m) && !ids.has(m.thread_id)) {
    custom.push({ name: 'Thread', value: `reply ${m.thread_position} in thread ${m.thread_id} (its root is not in this file)` });
  }
  m.attachments.forEach((a, i) => custom.push({ name: `Attachment ${i + 1}`, value: attachmentLine(a) }));
  if (m.mentions.length > 0) custom.push({ name: 'Mentions', value: m.mentions.map((id) => people.label(id)).join(', ') });
  m.reactions.history.forEach((r, i) =>
    custom.push({ name: `Reaction ${i + 1}`, value: `${r.emoji} ${r.action} by ${people.label(r.user_id)} at ${readableUtc(r.time)}` }),
  );
  if (m.context) custom.push({ name: 'Context', value: 'shown around a hit, not itself a hit' });
  return custom;
}

function membershipEvent(group: ConversationDay, change: Membership, people: DayPeople, type: 'join' | 'leave' | 'history'): RsmfEvent {
  const by = change.by !== '' && change.by !== change.user_id ? [{ name: 'By', value: people.label(change.by) }] : [];
  const base = { id: `membership-${change.event_id}`, conversation: group.conversation.conversation_id, timestamp: canonicalUtc(change.time) };
  if (type !== 'history') return { ...base, type, participant: change.user_id, ...(by.length > 0 ? { custom: by } : {}) };
  const what = change.type === 'joined' ? 'joined' : 'left';
  return {
    ...base,
    type: 'history',
    // Still present at this point by construction (rsmf-membership.ts), so the validator accepts it.
    participant: change.user_id,
    body: `${people.label(change.user_id)} ${what} the conversation (as the platform recorded it; their activity this day does not fit the recorded membership)`,
    custom: [{ name: 'Membership change', value: what }, { name: 'Member', value: people.label(change.user_id) }, ...by],
  };
}
