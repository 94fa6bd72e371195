/**
 * Teams system messages (`messageType: systemEventMessage`) to events. Graph names
 * the event by `eventDetail["@odata.type"]`, `#microsoft.graph.<type>`, one of the
 * eventMessageDetail subtypes of learn.microsoft.com/graph/system-messages. Each
 * becomes the contract's admin or call event where the contract has one; the
 * others (pins, tabs, descriptions, recordings, ...) and any type Graph adds later
 * are kept as a message record of that subtype with the whole detail, so nothing
 * a system message says is lost and none of them reads as someone's chat message.
 */
import type { EventFactory } from './event-ids.js';
import { htmlToText } from './html-text.js';
import type { EventItem, ProblemItem, RawEvent } from './types.js';

type Json = Record<string, unknown>;
export type ConvType = 'channel' | 'private' | 'dm' | 'group_dm';
export type Out = Omit<EventItem, 'file'> | Omit<ProblemItem, 'file'>;
export interface Conversation {
  id: string;
  type: ConvType;
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const graphTime = (v: unknown): number => (typeof v === 'string' && v ? Date.parse(v) : NaN);

/** A user, an application (bot) or nobody, from an identitySet (`{user}`, `{application}`). */
export function identityOf(from: unknown): { id: string; app: boolean } | undefined {
  const f = obj(from);
  const user = obj(f.user);
  if (str(user.id)) return { id: str(user.id), app: false };
  const app = obj(f.application);
  if (str(app.id)) return { id: str(app.id), app: true };
  return undefined;
}

/** ISO 8601 duration such as PT1H2M3.5S to whole seconds. */
export function durationSeconds(d: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d);
  if (!m) return undefined;
  return Math.round(Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0));
}

const CALL_KIND: Record<string, 'audio' | 'video' | 'screen_share'> = { call: 'audio', meeting: 'video', screenShare: 'screen_share' };

/** What one system message is about, for the mappers below. */
interface SystemMessage {
  f: EventFactory;
  conv: Conversation;
  m: Json;
  detail: Json;
  /** The eventMessageDetail subtype, e.g. `membersAddedEventMessageDetail`. */
  kind: string;
  time: number;
  id: string;
  /** Who caused the event (`initiator`), or `unknown`. */
  by: string;
  at: string;
}

type Mapper = (s: SystemMessage) => Out[];

const event = (s: SystemMessage, e: RawEvent, sub = ''): Out => ({ kind: 'event', event: e, at: s.at + sub });
const detailOf = (s: SystemMessage) => ({ event_detail: s.kind });

/** One member event per listed member; joined/left members act themselves, added/removed ones by the initiator. */
function members(type: 'member.joined' | 'member.left', self: boolean): Mapper {
  return (s) => {
    const list = Array.isArray(s.detail.members) ? (s.detail.members as unknown[]).map(obj) : [];
    if (list.length === 0) return [{ kind: 'problem', at: s.at + '.eventDetail.members', reason: 'no_members', detail: `${s.kind} names no members` }];
    return list.map((mem, i) => event(s, s.f.make(type, s.time, [s.conv.id, s.id, str(mem.id)], {
      conversation_id: s.conv.id, user_id: str(mem.id), by: self ? str(mem.id) : s.by, ...detailOf(s),
      ...(str(mem.userIdentityType) ? { user_identity_type: str(mem.userIdentityType) } : {}),
    }), `.eventDetail.members[${i}]`));
  };
}

/** The conversation the event is about: the detail's own channel or chat id, else the one the message is in. */
const subject = (s: SystemMessage, key: string) => str(s.detail[key]) || s.conv.id;

function renamed(nameKey: string, idKey: string): Mapper {
  return (s) => [event(s, s.f.make('conversation.renamed', s.time, [subject(s, idKey), s.id], {
    conversation_id: subject(s, idKey), name: str(s.detail[nameKey]), by: s.by, ...detailOf(s),
  }))];
}

function created(nameKey: string, idKey: string | undefined, type: (s: SystemMessage) => ConvType): Mapper {
  return (s) => {
    const id = idKey ? subject(s, idKey) : s.conv.id;
    return [event(s, s.f.make('conversation.created', s.time, [id, s.id], {
      conversation_id: id, name: str(s.detail[nameKey]), conversation_type: type(s), created_by: s.by, ...detailOf(s),
      ...(str(s.detail.teamId) ? { team_id: str(s.detail.teamId) } : {}),
      ...(str(s.detail.teamDescription) ? { team_description: str(s.detail.teamDescription) } : {}),
    }))];
  };
}

/** A deleted channel stays in the archive, as a deleted Teams channel stays restorable: it is archived. */
function archived(type: 'conversation.archived' | 'conversation.unarchived', idKey?: string): Mapper {
  return (s) => {
    const id = idKey ? subject(s, idKey) : s.conv.id;
    return [event(s, s.f.make(type, s.time, [id, s.id], {
      conversation_id: id, by: s.by, ...detailOf(s),
      ...(str(s.detail.teamId) ? { team_id: str(s.detail.teamId) } : {}),
      ...(str(s.detail.channelDisplayName) ? { name: str(s.detail.channelDisplayName) } : {}),
    }))];
  };
}

function app(type: 'app.installed' | 'app.removed'): Mapper {
  return (s) => [event(s, s.f.make(type, s.time, [s.conv.id, s.id], {
    app_id: str(s.detail.teamsAppId), by: s.by, conversation_id: s.conv.id, ...detailOf(s),
    ...(str(s.detail.teamsAppDisplayName) ? { app_name: str(s.detail.teamsAppDisplayName) } : {}),
  }))];
}

/** Graph lists the member's roles now; an empty list is a plain member. */
const roleChanged: Mapper = (s) => {
  // The resource page spells the member property "converstaionMemberUser"; the example response "conversationMemberUser".
  const user = obj(s.detail.conversationMemberUser ?? s.detail.converstaionMemberUser);
  const roles = Array.isArray(s.detail.conversationMemberRoles) ? (s.detail.conversationMemberRoles as unknown[]).map(str).filter(Boolean) : [];
  return [event(s, s.f.make('role.changed', s.time, [s.conv.id, s.id, str(user.id)], {
    user_id: str(user.id), role: roles.length ? roles.join(',') : 'member', by: s.by, conversation_id: s.conv.id, ...detailOf(s),
  }))];
};

const callStarted: Mapper = (s) => [event(s, s.f.make('call.started', s.time, [s.conv.id, s.id], {
  call_id: str(s.detail.callId) || s.id, conversation_id: s.conv.id, initiator_id: s.by, kind: CALL_KIND[str(s.detail.callEventType)] ?? 'audio', ...detailOf(s),
}))];

const callEnded: Mapper = (s) => {
  const secs = durationSeconds(str(s.detail.callDuration));
  if (secs === undefined) {
    return [{ kind: 'problem', at: s.at + '.eventDetail.callDuration', reason: 'invalid_duration', detail: `callDuration "${str(s.detail.callDuration).slice(0, 40)}" is not an ISO 8601 duration` }];
  }
  const participants = (Array.isArray(s.detail.callParticipants) ? (s.detail.callParticipants as unknown[]).map(obj) : [])
    .map((p) => identityOf(p.participant)?.id).filter((x): x is string => !!x);
  return [event(s, s.f.make('call.ended', s.time, [s.conv.id, s.id], {
    call_id: str(s.detail.callId) || s.id, conversation_id: s.conv.id, participants, duration_s: secs, call_kind: str(s.detail.callEventType), ...detailOf(s),
  }))];
};

/** No event of the contract says this: kept as a record of its subtype, with the whole detail. */
const kept: Mapper = (s) => [event(s, s.f.make('message.created', s.time, [s.conv.id, s.id], {
  message_id: s.id, conversation_id: s.conv.id, conversation_type: s.conv.type, author_id: s.by === 'unknown' ? 'system' : s.by,
  text: htmlToText(str(obj(s.m.body).content)), subtype: s.kind || 'systemEventMessage', event_detail: s.detail,
}))];

const chatType = (s: SystemMessage): ConvType => s.conv.type;

/** Every eventMessageDetail subtype Microsoft documents, and the one event (or record) each becomes. */
export const SYSTEM_EVENT_MAPPERS: Readonly<Record<string, Mapper>> = {
  callEndedEventMessageDetail: callEnded,
  callRecordingEventMessageDetail: kept,
  callStartedEventMessageDetail: callStarted,
  callTranscriptEventMessageDetail: kept,
  channelAddedEventMessageDetail: created('channelDisplayName', 'channelId', () => 'channel'),
  channelDeletedEventMessageDetail: archived('conversation.archived', 'channelId'),
  channelDescriptionUpdatedEventMessageDetail: kept,
  channelRenamedEventMessageDetail: renamed('channelDisplayName', 'channelId'),
  channelSetAsFavoriteByDefaultEventMessageDetail: kept,
  channelSharingUpdatedEventMessageDetail: kept,
  channelUnsetAsFavoriteByDefaultEventMessageDetail: kept,
  chatRenamedEventMessageDetail: renamed('chatDisplayName', 'chatId'),
  conversationMemberRoleUpdatedEventMessageDetail: roleChanged,
  meetingPolicyUpdatedEventMessageDetail: kept,
  membersAddedEventMessageDetail: members('member.joined', false),
  membersDeletedEventMessageDetail: members('member.left', false),
  membersJoinedEventMessageDetail: members('member.joined', true),
  membersLeftEventMessageDetail: members('member.left', true),
  messagePinnedEventMessageDetail: kept,
  messageUnpinnedEventMessageDetail: kept,
  tabUpdatedEventMessageDetail: kept,
  teamArchivedEventMessageDetail: archived('conversation.archived'),
  // A team's creation is its primary channel's, where Graph posts this message.
  teamCreatedEventMessageDetail: created('teamDisplayName', undefined, () => 'channel'),
  teamDescriptionUpdatedEventMessageDetail: kept,
  teamJoiningDisabledEventMessageDetail: kept,
  teamJoiningEnabledEventMessageDetail: kept,
  // The team's name is not its channel's (the primary channel stays "General"): kept, not a rename.
  teamRenamedEventMessageDetail: kept,
  teamsAppInstalledEventMessageDetail: app('app.installed'),
  teamsAppRemovedEventMessageDetail: app('app.removed'),
  // An upgraded app is still installed, at its new version (as Slack's "updated" integrations).
  teamsAppUpgradedEventMessageDetail: app('app.installed'),
  teamUnarchivedEventMessageDetail: archived('conversation.unarchived'),
  // Not in Microsoft's list, but sent for new chats.
  chatCreatedEventMessageDetail: created('chatDisplayName', 'chatId', chatType),
};

export function systemEvents(f: EventFactory, conv: Conversation, m: Json, at: string): Out[] {
  const detail = obj(m.eventDetail);
  const kind = str(detail['@odata.type']).replace(/^#?microsoft\.graph\./, '');
  const s: SystemMessage = { f, conv, m, detail, kind, time: graphTime(m.createdDateTime), id: str(m.id), by: identityOf(detail.initiator)?.id ?? 'unknown', at };
  return (Object.hasOwn(SYSTEM_EVENT_MAPPERS, kind) ? SYSTEM_EVENT_MAPPERS[kind]! : kept)(s);
}
