/**
 * A small archive for the search and route tests, stored through the real ingest
 * path (validate -> toRow -> event writer), so the tests read what ingest writes.
 * Each message exists to make one filter make a difference; see the comments.
 */
import type { Store } from '../../common/store/store.js';
import { validateEvent } from '../../common/events/validate.js';
import { toRow, type RoutedRow } from '../../common/events/rows.js';
import { createEventWriter } from '../../ingest/event-writer.js';

type Ev = { id: string; type: string; time: string; tenant?: string; data: Record<string, unknown> };

const T = (day: number, h = 10, m = 0, s = 0) => new Date(Date.UTC(2026, 9, day, h, m, s)).toISOString();
const sha = 'b'.repeat(64);

export const FIXTURE_TENANT = 'acme';
export const OTHER_TENANT = 'globex';

/** Time shared by five messages in three conversations: paging must break the tie by (conversation_id, message_id). */
export const TIE_TIME = T(10, 12);

export const FIXTURE_EVENTS: Ev[] = [
  // m1: a channel message by U1 mentioning U2, with an attachment, later edited (word "draft" removed, "final" added).
  { id: 'e-m1', type: 'message.created', time: T(1), data: { message_id: 'm1', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U1', text: 'The draft budget for Q3 is ready', mentions: ['U2'], attachments: [{ name: 'budget.xlsx', mime: 'application/vnd.ms-excel', size: 2048, sha256: sha }] } },
  { id: 'e-m1-edit', type: 'message.edited', time: T(1, 11), data: { message_id: 'm1', conversation_id: 'C1', editor_id: 'U1', text: 'The final budget for Q3 is ready' } },
  // m2: French, private conversation, by U2; thread root of m3 and m4.
  { id: 'e-m2', type: 'message.created', time: T(2), data: { message_id: 'm2', conversation_id: 'C2', conversation_type: 'private', author_id: 'U2', text: 'Réunion demain à 9h : budget et planning' } },
  { id: 'e-m3', type: 'message.created', time: T(2, 11), data: { message_id: 'm3', conversation_id: 'C2', conversation_type: 'private', thread_id: 'm2', author_id: 'U3', text: 'Oui, le planning est prêt' } },
  { id: 'e-m4', type: 'message.created', time: T(2, 12), data: { message_id: 'm4', conversation_id: 'C2', conversation_type: 'private', thread_id: 'm2', author_id: 'U1', text: 'Planning release next week', mentions: ['U3'] } },
  // m5: a DM, deleted later; words "release plan" as a phrase.
  { id: 'e-m5', type: 'message.created', time: T(3), data: { message_id: 'm5', conversation_id: 'D1', conversation_type: 'dm', author_id: 'U3', text: 'Here is the release plan, keep it secret' } },
  { id: 'e-m5-del', type: 'message.deleted', time: T(3, 13), data: { message_id: 'm5', conversation_id: 'D1', deleted_by: 'U3' } },
  // m6: same words as m5 but not a phrase ("plan" ... "release").
  { id: 'e-m6', type: 'message.created', time: T(4), data: { message_id: 'm6', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U2', text: 'We plan the prerelease; release later' } },
  // m7: same message id as m1 but in another conversation: a different message.
  { id: 'e-m7', type: 'message.created', time: T(5), data: { message_id: 'm1', conversation_id: 'C3', conversation_type: 'group_dm', author_id: 'U4', text: 'Other conversation, same message id' } },
  // Five messages at the same millisecond, for tie-breaking in paging.
  ...['C1', 'C2', 'C3'].flatMap((c, i) => [
    { id: `e-tie-${c}-a`, type: 'message.created', time: TIE_TIME, data: { message_id: `t${i}a`, conversation_id: c, conversation_type: 'channel', author_id: 'U5', text: `tie message ${i} a` } },
    ...(i < 2 ? [{ id: `e-tie-${c}-b`, type: 'message.created', time: TIE_TIME, data: { message_id: `t${i}b`, conversation_id: c, conversation_type: 'channel', author_id: 'U5', text: `tie message ${i} b` } }] : []),
  ]),
  // Reactions on m1: U2 adds then removes thumbsup, U3 adds tada.
  { id: 'e-r1', type: 'reaction.added', time: T(1, 12), data: { message_id: 'm1', conversation_id: 'C1', user_id: 'U2', emoji: 'thumbsup' } },
  { id: 'e-r2', type: 'reaction.removed', time: T(1, 13), data: { message_id: 'm1', conversation_id: 'C1', user_id: 'U2', emoji: 'thumbsup' } },
  { id: 'e-r3', type: 'reaction.added', time: T(1, 14), data: { message_id: 'm1', conversation_id: 'C1', user_id: 'U3', emoji: 'tada' } },
  // Another tenant with the same words: must never show up.
  { id: 'g-m1', type: 'message.created', time: T(1), tenant: OTHER_TENANT, data: { message_id: 'm1', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U1', text: 'The draft budget of globex' } },
  // Directory.
  { id: 'a-u1', type: 'user.created', time: T(1, 8), data: { user_id: 'U1', email: 'ada@example.org', display_name: 'Ada', department: 'R&D' } },
  { id: 'a-u2', type: 'user.created', time: T(1, 8, 1), data: { user_id: 'U2', email: 'bob@example.org', display_name: 'Bob', department: 'Sales' } },
  { id: 'a-u1b', type: 'user.updated', time: T(6, 8), data: { user_id: 'U1', email: 'ada@example.org', display_name: 'Ada Lovelace', department: 'R&D', title: 'Lead' } },
  { id: 'a-u2d', type: 'user.deactivated', time: T(7, 8), data: { user_id: 'U2', by: 'U9' } },
  { id: 'a-c1', type: 'conversation.created', time: T(1, 7), data: { conversation_id: 'C1', name: 'general', conversation_type: 'channel', created_by: 'U9' } },
  { id: 'a-c1r', type: 'conversation.renamed', time: T(8, 7), data: { conversation_id: 'C1', name: 'general-fr', by: 'U9' } },
  { id: 'a-c2', type: 'conversation.created', time: T(1, 7, 1), data: { conversation_id: 'C2', name: 'projet', conversation_type: 'private', created_by: 'U2' } },
  { id: 'a-c2a', type: 'conversation.archived', time: T(9, 7), data: { conversation_id: 'C2', by: 'U9' } },
  { id: 'a-j1', type: 'member.joined', time: T(1, 9), data: { conversation_id: 'C1', user_id: 'U1', by: 'U1' } },
  { id: 'a-j2', type: 'member.joined', time: T(1, 9, 1), data: { conversation_id: 'C1', user_id: 'U2', by: 'U2' } },
  { id: 'a-l2', type: 'member.left', time: T(5, 9), data: { conversation_id: 'C1', user_id: 'U2', by: 'U9' } },
  { id: 'a-login1', type: 'auth.login', time: T(3, 6), data: { user_id: 'U1', ip: '192.0.2.1', user_agent: 'Mozilla/5.0', method: 'sso' } },
  { id: 'a-login2', type: 'auth.failed', time: T(3, 6, 5), data: { user_id: 'U2', ip: '192.0.2.2', user_agent: 'curl/8', method: 'password' } },
  { id: 'a-role', type: 'role.changed', time: T(4, 6), data: { user_id: 'U3', role: 'admin', by: 'U1' } },
  { id: 'a-app', type: 'app.installed', time: T(4, 7), data: { app_id: 'A1', by: 'U1' } },
];

export function fixtureRows(events: readonly Ev[] = FIXTURE_EVENTS): RoutedRow[] {
  return events.map((e) => {
    const v = validateEvent({ specversion: '1.0', source: 'slack://T1', tenant: e.tenant ?? FIXTURE_TENANT, ...e });
    if (!v.ok) throw new Error(`fixture event ${e.id} is invalid: ${v.detail}`);
    return toRow(v, `fixture#${e.id}`);
  });
}

export async function loadFixture(store: Store): Promise<void> {
  await createEventWriter(store).write(fixtureRows());
}

/** Stores more events (a test's own, in the fixture's shape) through the same ingest path. */
export async function loadEvents(store: Store, events: readonly Ev[]): Promise<void> {
  await createEventWriter(store).write(fixtureRows(events));
}

/** Rows in every table, to prove a request changed nothing. */
export async function countAllRows(store: Store): Promise<number> {
  const [r] = await store.query<{ n: string }>('test: count rows', `SELECT
    (SELECT count() FROM message_versions) + (SELECT count() FROM message_deletions) + (SELECT count() FROM reactions)
    + (SELECT count() FROM admin_events) + (SELECT count() FROM calls) + (SELECT count() FROM app_invocations) AS n`);
  return Number(r!.n);
}
