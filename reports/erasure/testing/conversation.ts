/**
 * A conversation among four people for erasure tests, with everything the registry
 * names about a person: profiles (e-mail, display name, manager), memberships, login
 * events, messages with edits, reactions both ways, a deletion, a mention with the
 * name and e-mail in another's text, a call, an app invocation, a thread. Ada is the
 * person erased; the expectations are counted here from the events, never from output.
 * Distinctive random tokens mark text only Ada wrote (must be gone from every file)
 * and text only the others wrote (must stay: the control).
 */
import { randomBytes } from 'node:crypto';
import type { SubjectIdentifiers } from '../../../common/subjects/subject-request.js';

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const token = (prefix: string) => prefix + [...randomBytes(24)].map((b) => B62[b % 62]).join('');

export interface Person { id: string; email: string; name: string; newName?: string }

export interface Conversation {
  tenant: string;
  conv: string;
  people: { ada: Person; bob: Person; cy: Person; dee: Person };
  events: Array<Record<string, unknown>>;
  /** Ada's identifiers as the resolver would find them (ids, e-mails, names over time). */
  ada: SubjectIdentifiers;
  strings: { adaOnly: string; adaEdit: string; kept: string };
  expect: {
    /** Message ids Ada wrote (every version goes). */
    adaMessages: string[];
    /** Versions (rows) of Ada's messages. */
    adaVersions: number;
    /** Others' messages that mention Ada (by id or in text): they stay, pseudonymized. */
    mentioning: string[];
    /** Messages of the others (all stay). */
    othersMessages: string[];
    /** Reactions by Ada, and others' reactions on Ada's messages. */
    reactionsGone: number;
    reactionsLeft: number;
    calls: string[];
    adminAboutAda: number;
  };
}

export function conversation(tenant: string, start = Date.parse('2026-10-05T09:00:00Z')): Conversation {
  const s = randomBytes(3).toString('hex');
  // Her later name has letters only, so it becomes a topic term (words with a digit never do): the erasure must remove it there too.
  const letters = s.replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
  const ada: Person = { id: `U-ada-${s}`, email: `ada.lovelace.${s}@example.org`, name: `Ada Lovelace${s}`, newName: `Ada King${letters}` };
  const bob: Person = { id: `U-bob-${s}`, email: `bob.${s}@example.org`, name: `Bob Babbage${s}` };
  const cy: Person = { id: `U-cy-${s}`, email: `cy.${s}@example.org`, name: `Cy Somerville${s}` };
  const dee: Person = { id: `U-dee-${s}`, email: `dee.${s}@example.org`, name: `Dee Herschel${s}` };
  const conv = `C-erasure-${s}`;
  const strings = { adaOnly: token('AD'), adaEdit: token('AE'), kept: token('KP') };
  const events: Array<Record<string, unknown>> = [];
  let n = 0;
  const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  const ev = (type: string, minute: number, data: Record<string, unknown>) => {
    n += 1;
    events.push({ specversion: '1.0', id: `evt-${s}-${n}`, source: 'test://erasure', type, time: at(minute), tenant, data });
  };
  const e = { adaMessages: [] as string[], adaVersions: 0, mentioning: [] as string[], othersMessages: [] as string[], reactionsGone: 0, reactionsLeft: 0, calls: [] as string[], adminAboutAda: 0 };
  for (const p of [ada, bob, cy, dee]) {
    ev('user.created', 0, { user_id: p.id, email: p.email, display_name: p.name, department: 'Research', ...(p === ada ? {} : { manager_id: ada.id }) });
    ev('member.joined', 1, { conversation_id: conv, user_id: p.id, by: ada.id });
    ev('auth.login', 2, { user_id: p.id, ip: '192.0.2.7', user_agent: 'test', method: 'password' });
  }
  e.adminAboutAda = 3 + 1; // created, joined, login + the rename below
  ev('user.updated', 3, { user_id: ada.id, email: ada.email, display_name: ada.newName!, department: 'Research' });
  ev('conversation.created', 1, { conversation_id: conv, name: 'analytical engine', conversation_type: 'channel', created_by: ada.id });
  const msg = (id: string, author: Person, minute: number, text: string, mentions: string[] = [], thread?: string) => {
    ev('message.created', minute, { message_id: id, conversation_id: conv, conversation_type: 'channel', author_id: author.id, text, mentions, ...(thread ? { thread_id: thread } : {}) });
    if (author === ada) {
      e.adaMessages.push(id);
      e.adaVersions += 1;
    } else e.othersMessages.push(id);
  };
  for (let i = 0; i < 6; i += 1) {
    msg(`M-ada-${s}-${i}`, ada, 10 + i * 10, `notes on the engine ${strings.adaOnly} part ${i}`);
    msg(`M-bob-${s}-${i}`, bob, 11 + i * 10, `bob replies ${strings.kept} ${i}`, [], `M-ada-${s}-${i}`);
  }
  // Ada edits one of hers; the edit's text is only hers too.
  ev('message.edited', 70, { message_id: `M-ada-${s}-0`, conversation_id: conv, editor_id: ada.id, text: `revised ${strings.adaEdit}` });
  e.adaVersions += 1;
  // Cy mentions Ada by id, by name and by e-mail; Dee names her only in text (the later name).
  msg(`M-cy-${s}-0`, cy, 80, `thanks ${ada.name}, mail ${ada.email} for the tables`, [ada.id]);
  e.mentioning.push(`M-cy-${s}-0`);
  msg(`M-dee-${s}-0`, dee, 81, `${ada.newName!.toUpperCase()} wrote the first program`);
  e.mentioning.push(`M-dee-${s}-0`);
  // Ada edits nothing of others; Bob edits his own with her name.
  ev('message.edited', 82, { message_id: `M-bob-${s}-1`, conversation_id: conv, editor_id: bob.id, text: `bob replies ${strings.kept} (as ${ada.name} said)` });
  // Reactions: Bob on Ada's (goes with her message), Ada on Bob's (hers: goes), Cy on Bob's (stays).
  ev('reaction.added', 90, { message_id: `M-ada-${s}-1`, conversation_id: conv, user_id: bob.id, emoji: 'tada' });
  ev('reaction.added', 91, { message_id: `M-bob-${s}-1`, conversation_id: conv, user_id: ada.id, emoji: 'heart' });
  ev('reaction.added', 92, { message_id: `M-bob-${s}-2`, conversation_id: conv, user_id: cy.id, emoji: 'eyes' });
  e.reactionsGone = 2;
  e.reactionsLeft = 1;
  // Ada deletes one of Bob's messages (the mark stays, pseudonymized) and one of hers.
  ev('message.deleted', 95, { message_id: `M-bob-${s}-5`, conversation_id: conv, deleted_by: ada.id });
  ev('message.deleted', 96, { message_id: `M-ada-${s}-5`, conversation_id: conv, deleted_by: ada.id });
  // A call Ada started with Bob and Cy: it stays, Ada pseudonymized.
  ev('call.started', 100, { call_id: `K-${s}`, conversation_id: conv, initiator_id: ada.id, kind: 'video' });
  ev('call.ended', 130, { call_id: `K-${s}`, conversation_id: conv, participants: [ada.id, bob.id, cy.id], duration_s: 1800 });
  e.calls.push(`K-${s}`);
  ev('app.invoked', 140, { app_id: 'A-poll', user_id: ada.id, conversation_id: conv, command: `/poll ${strings.adaOnly}` });
  ev('app.invoked', 141, { app_id: 'A-poll', user_id: bob.id, conversation_id: conv, command: '/poll lunch' });
  return {
    tenant, conv, people: { ada, bob, cy, dee }, events, strings, expect: e,
    ada: { userIds: [ada.id], emails: [ada.email], displayNames: [ada.name, ada.newName!] },
  };
}
