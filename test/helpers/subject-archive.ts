/**
 * A small archive around one data subject ("Sam"), for subject request and access
 * package tests: Sam has two accounts (Slack and Teams, one e-mail in two cases) and
 * changed display name; others talk with and about Sam, and among themselves without
 * Sam. Every event is generated here and the truth about Sam is computed from the
 * events by the helpers below, so tests never copy expectations from output.
 */
import { cloudEvent, type CloudEvent } from './events.js';
import type { Store } from '../../common/store/store.js';
import { insertEvents } from './store-events.js';

export const SUBJECT_ARCHIVE_TENANT = 'acme';

export interface ArchivePerson { ids: Array<{ id: string; source: string }>; names: string[]; email: string }

export const SAM: ArchivePerson = {
  ids: [{ id: 'U-SAM', source: 'slack://T1' }, { id: 'sam.teams', source: 'teams://acme' }],
  names: ['Sam Subjecto', 'Samantha Subjecto', 'S. Subjecto'],
  email: 'sam.subjecto@example.org',
};
export const OTHERS: ArchivePerson[] = [
  { ids: [{ id: 'U-ANA', source: 'slack://T1' }], names: ['Anabel Quorra'], email: 'anabel.quorra@example.org' },
  { ids: [{ id: 'U-BEN', source: 'slack://T1' }], names: ['Benedikt Varga'], email: 'benedikt.varga@example.org' },
  { ids: [{ id: 'U-CID', source: 'slack://T1' }], names: ['Cidonia Marsh'], email: 'cidonia.marsh@example.org' },
  { ids: [{ id: 'U-DEE', source: 'slack://T1' }], names: ['Deirdre Holm'], email: 'deirdre.holm@example.org' },
];
export const SAM_IDS = SAM.ids.map((i) => i.id);

const T0 = Date.UTC(2026, 8, 1, 9, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** The generated events (all valid against the contract). */
export function subjectArchive(tenant = SUBJECT_ARCHIVE_TENANT): CloudEvent[] {
  const ev: CloudEvent[] = [];
  let n = 0;
  const e = (type: string, minutes: number, data: Record<string, unknown>, source = 'slack://T1') => ev.push(cloudEvent(type, data, { id: `${tenant}-sa-${++n}`, time: at(minutes), tenant, source }));
  // Directory: Sam's Slack account renamed later; the Teams account with the e-mail in capitals.
  e('user.created', 0, { user_id: 'U-SAM', email: SAM.email, display_name: SAM.names[0] });
  e('user.updated', 5000, { user_id: 'U-SAM', email: SAM.email, display_name: SAM.names[1], department: 'Sales' });
  e('user.created', 1, { user_id: 'sam.teams', email: SAM.email.toUpperCase(), display_name: SAM.names[2] }, 'teams://acme');
  for (const [i, p] of OTHERS.entries()) e('user.created', 2 + i, { user_id: p.ids[0]!.id, email: p.email, display_name: p.names[0] });
  e('conversation.created', 10, { conversation_id: 'C-GEN', name: 'general', conversation_type: 'channel', created_by: 'U-ANA' });
  e('conversation.created', 11, { conversation_id: 'C-FAR', name: 'far-away', conversation_type: 'private', created_by: 'U-DEE' });
  e('member.joined', 12, { conversation_id: 'C-GEN', user_id: 'U-SAM', by: 'U-ANA' });
  e('member.left', 4000, { conversation_id: 'C-GEN', user_id: 'U-SAM', by: 'U-SAM' });
  e('member.joined', 4100, { conversation_id: 'C-GEN', user_id: 'U-SAM', by: 'U-ANA' });
  e('member.joined', 13, { conversation_id: 'C-DM', user_id: 'sam.teams', by: 'sam.teams' }, 'teams://acme');
  e('member.joined', 14, { conversation_id: 'C-FAR', user_id: 'U-DEE', by: 'U-DEE' });
  e('role.changed', 15, { user_id: 'U-SAM', role: 'manager', by: 'U-ANA' });
  e('auth.login', 16, { user_id: 'U-SAM', ip: '192.0.2.7', user_agent: 'Slack/5', method: 'sso' });
  e('user.deactivated', 17, { user_id: 'U-DEE', by: 'U-ANA' });
  // The general channel: Sam and three others, mentions both ways, names in text.
  const gen: Array<[string, string, string[]]> = [
    ['U-ANA', 'Morning all, Benedikt Varga has the agenda', []],
    ['U-SAM', 'I will send the quarterly figures to Anabel Quorra today', ['U-ANA']],
    ['U-BEN', 'Thanks, ping Cidonia Marsh too', []],
    ['U-CID', 'Sam Subjecto please also copy anabel.quorra@example.org', ['U-SAM']],
    ['U-SAM', 'Done, the zephyrine numbers are attached', []],
    ['U-ANA', 'Great work', ['U-SAM']],
    ['U-BEN', 'Lunch at noon?', []],
    ['U-CID', 'Yes', []],
    ['U-BEN', 'Booking for four', []],
    ['U-SAM', 'Count me in', ['U-BEN']],
    ['U-ANA', 'See you there', []],
  ];
  gen.forEach(([author, text, mentions], i) => e('message.created', 100 + i * 10, { message_id: `g${i}`, conversation_id: 'C-GEN', conversation_type: 'channel', author_id: author, text, ...(mentions.length ? { mentions } : {}) }));
  e('message.edited', 150, { message_id: 'g4', conversation_id: 'C-GEN', editor_id: 'U-SAM', text: 'Done, the zephyrine numbers are attached (v2)' });
  e('message.edited', 155, { message_id: 'g4', conversation_id: 'C-GEN', editor_id: 'U-SAM', text: 'Done, the zephyrine numbers are attached (v3)' });
  e('reaction.added', 160, { message_id: 'g0', conversation_id: 'C-GEN', user_id: 'U-SAM', emoji: 'wave' });
  e('reaction.added', 161, { message_id: 'g4', conversation_id: 'C-GEN', user_id: 'U-ANA', emoji: 'tada' });
  e('reaction.added', 162, { message_id: 'g6', conversation_id: 'C-GEN', user_id: 'U-BEN', emoji: 'fork' });
  // A DM on Teams: Sam's second account.
  e('message.created', 200, { message_id: 't1', conversation_id: 'C-DM', conversation_type: 'dm', author_id: 'sam.teams', text: 'Private note about the zephyrine plan', attachments: [{ name: 'zephyrine-plan.pdf', mime: 'application/pdf', size: 4096, sha256: 'b'.repeat(64) }] }, 'teams://acme');
  e('message.created', 210, { message_id: 't2', conversation_id: 'C-DM', conversation_type: 'dm', author_id: 'U-ANA', text: 'Got it', mentions: ['sam.teams'] }, 'teams://acme');
  e('reaction.added', 215, { message_id: 't2', conversation_id: 'C-DM', user_id: 'sam.teams', emoji: 'ok' }, 'teams://acme');
  e('reaction.removed', 216, { message_id: 't2', conversation_id: 'C-DM', user_id: 'sam.teams', emoji: 'ok' }, 'teams://acme');
  // Far away: Sam is not there.
  for (let i = 0; i < 6; i++) e('message.created', 300 + i, { message_id: `f${i}`, conversation_id: 'C-FAR', conversation_type: 'private', author_id: i % 2 ? 'U-DEE' : 'U-BEN', text: `far message ${i} from Deirdre Holm` });
  e('call.started', 400, { call_id: 'K1', conversation_id: 'C-GEN', initiator_id: 'U-ANA', kind: 'video' });
  e('call.ended', 430, { call_id: 'K1', conversation_id: 'C-GEN', participants: ['U-ANA', 'U-SAM', 'U-BEN'], duration_s: 1800 });
  e('call.started', 500, { call_id: 'K2', conversation_id: 'C-FAR', initiator_id: 'U-DEE', kind: 'audio' });
  e('call.ended', 510, { call_id: 'K2', conversation_id: 'C-FAR', participants: ['U-DEE', 'U-BEN'], duration_s: 600 });
  e('app.invoked', 600, { app_id: 'A-POLL', user_id: 'sam.teams', conversation_id: 'C-DM', command: '/poll lunch' }, 'teams://acme');
  e('app.invoked', 601, { app_id: 'A-POLL', user_id: 'U-BEN', conversation_id: 'C-GEN', command: '/poll dinner' });
  return ev;
}

const isSam = (id: unknown) => typeof id === 'string' && SAM_IDS.includes(id);

/** What the events say about Sam, per record family (the truth tests compare with). */
export function samTruth(events: CloudEvent[]) {
  const d = (e: CloudEvent) => e.data as Record<string, unknown>;
  const created = events.filter((e) => e.type === 'message.created');
  const written = created.filter((e) => isSam(d(e).author_id));
  const writtenIds = new Set(written.map((e) => `${d(e).conversation_id}/${d(e).message_id}`));
  const versions = events.filter((e) => (e.type === 'message.created' && isSam(d(e).author_id)) || (e.type === 'message.edited' && writtenIds.has(`${d(e).conversation_id}/${d(e).message_id}`)));
  const mentioning = created.filter((e) => !isSam(d(e).author_id) && ((d(e).mentions as string[] | undefined) ?? []).some(isSam));
  const reactions = events.filter((e) => e.type.startsWith('reaction.') && isSam(d(e).user_id));
  const calls = new Set(events.filter((e) => (e.type === 'call.started' && isSam(d(e).initiator_id)) || (e.type === 'call.ended' && (d(e).participants as string[]).some(isSam))).map((e) => d(e).call_id as string));
  const apps = events.filter((e) => e.type === 'app.invoked' && isSam(d(e).user_id));
  const admin = events.filter((e) => !e.type.startsWith('message.') && !e.type.startsWith('reaction.') && !e.type.startsWith('call.') && e.type !== 'app.invoked' && (isSam(d(e).user_id) || isSam(d(e).by) || isSam(d(e).created_by)));
  const memberships = new Set(events.filter((e) => e.type.startsWith('member.') && isSam(d(e).user_id)).map((e) => d(e).conversation_id as string));
  return { written, versions, mentioning, reactions, calls, apps, admin, memberships };
}

/** Stores the events as ingest would (validated, routed to their tables). */
export async function storeSubjectArchive(store: Store, events: CloudEvent[]): Promise<void> {
  await insertEvents(store, events, { label: 'subject archive', origin: (e) => `test:${String(e.id)}` });
}
