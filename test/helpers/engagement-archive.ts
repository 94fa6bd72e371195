/**
 * A generated company for the analytics tests: Europe/Paris, two weeks across the
 * spring DST switch (2026-03-29), messages just before and after local midnight,
 * threads, direct messages, calls (one across midnight), apps, a department change
 * just after a local midnight, a department of two people and a group DM of three.
 * Deterministic (seeded). It returns only events: tests compute every expectation
 * from them on their own (engagement-expectations.ts), never from the code under test.
 */
import { cloudEvent, type CloudEvent } from './events.js';
import { mulberry32 } from '../../cli/demo/sample-company.js';

export const PARIS = 'Europe/Paris';
export const FIRST_DAY = '2026-03-23';
export const LAST_DAY = '2026-04-05';

export interface Person {
  id: string;
  email: string;
  department: string;
  manager: string;
}

export interface EngagementArchive {
  tenant: string;
  people: Person[];
  /** Directory events (user.created/updated, conversations, members). */
  admin: CloudEvent[];
  /** Message-topic events, in each conversation's order. */
  activity: CloudEvent[];
  /** The department change: who, to which department and manager, when (UTC ms). */
  move: { user: string; department: string; manager: string; timeMs: number };
}

/** UTC ms of a Paris wall-clock time (the hours used here are never in a DST gap or overlap). */
export function parisToUtc(date: string, hour: number, minute: number, second = 0, ms = 0): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  // Paris is UTC+1 before 2026-03-29 01:00 UTC and UTC+2 after.
  const switchUtc = Date.UTC(2026, 2, 29, 1, 0, 0);
  const winter = wall - 3_600_000;
  return winter < switchUtc ? winter : wall - 7_200_000;
}

const DAY = 86_400_000;
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += DAY) out.push(new Date(ms).toISOString().slice(0, 10));
  return out;
}

export function engagementArchive(tenant: string, seed = 11): EngagementArchive {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const people: Person[] = [
    { id: 'U00', email: 'ceo@paris.test', department: 'Board', manager: '' },
    { id: 'U01', email: 'eng.lead@paris.test', department: 'Engineering', manager: 'U00' },
    ...['U02', 'U03', 'U04', 'U05', 'U06', 'U07'].map((id) => ({ id, email: `${id.toLowerCase()}@paris.test`, department: 'Engineering', manager: 'U01' })),
    { id: 'U08', email: 'sales.lead@paris.test', department: 'Sales', manager: 'U00' },
    ...['U09', 'U10', 'U11', 'U12', 'U13'].map((id) => ({ id, email: `${id.toLowerCase()}@paris.test`, department: 'Sales', manager: 'U08' })),
    { id: 'U14', email: 'u14@paris.test', department: 'Legal', manager: 'U00' },
    { id: 'U15', email: 'u15@paris.test', department: 'Legal', manager: 'U00' },
  ];
  const all = people.map((p) => p.id);
  const conversations = [
    { id: 'C-all', type: 'channel', members: all },
    { id: 'C-eng', type: 'channel', members: ['U01', 'U02', 'U03', 'U04', 'U05', 'U06', 'U07'] },
    { id: 'P-sales', type: 'private', members: ['U08', 'U09', 'U10', 'U11', 'U12', 'U13'] },
    { id: 'G-legal', type: 'group_dm', members: ['U00', 'U14', 'U15'] },
    ...[['U02', 'U03'], ['U09', 'U10'], ['U04', 'U11'], ['U05', 'U06'], ['U12', 'U13'], ['U01', 'U08']].map((m, i) => ({ id: `D-${i + 1}`, type: 'dm', members: m })),
  ];
  let n = 0;
  const iso = (ms: number) => new Date(ms).toISOString();
  const ev = (type: string, data: Record<string, unknown>, ms: number) => cloudEvent(type, data, { id: `${tenant}-${n++}`, tenant, time: iso(ms), source: 'slack://TPARIS' });
  const t0 = parisToUtc('2026-03-01', 9, 0);
  const admin: CloudEvent[] = [];
  for (const p of people) admin.push(ev('user.created', { user_id: p.id, email: p.email, display_name: `Person ${p.id}`, department: p.department, ...(p.manager ? { manager_id: p.manager } : {}) }, t0));
  for (const c of conversations) {
    admin.push(ev('conversation.created', { conversation_id: c.id, name: `name of ${c.id}`, conversation_type: c.type, created_by: c.members[0] }, t0 + 1000));
    for (const u of c.members) admin.push(ev('member.joined', { conversation_id: c.id, user_id: u, by: c.members[0] }, t0 + 2000));
  }
  // U07 moves to Sales 30 minutes after local midnight starting 1 April: 31 March still counts for Engineering.
  const move = { user: 'U07', department: 'Sales', manager: 'U08', timeMs: parisToUtc('2026-04-01', 0, 30) };
  admin.push(ev('user.updated', { user_id: 'U07', email: 'u07@paris.test', display_name: 'Person U07', department: 'Sales', manager_id: 'U08' }, move.timeMs));

  // Every activity time is distinct: a counter adds milliseconds.
  let tick = 0;
  const at = (date: string, h: number, m: number) => parisToUtc(date, h, m, Math.floor(rnd() * 50)) + (tick++ % 1000);
  const byConversation = new Map<string, Array<{ ms: number; e: CloudEvent }>>();
  const push = (conversation: string, ms: number, type: string, data: Record<string, unknown>) => {
    const list = byConversation.get(conversation) ?? [];
    list.push({ ms, e: ev(type, data, ms) });
    byConversation.set(conversation, list);
  };
  let m = 0;
  const message = (c: (typeof conversations)[number], author: string, ms: number, thread = '') => {
    const id = `${c.id}-m${m++}`;
    const mentions = rnd() < 0.3 ? [pick(c.members)] : [];
    push(c.id, ms, 'message.created', { message_id: id, conversation_id: c.id, conversation_type: c.type, ...(thread ? { thread_id: thread } : {}), author_id: author, text: `text ${id}`, mentions });
    if (rnd() < 0.25) push(c.id, ms + 60_000, 'reaction.added', { message_id: id, conversation_id: c.id, user_id: pick(c.members), emoji: 'thumbsup' });
    if (rnd() < 0.05) push(c.id, ms + 120_000, 'reaction.removed', { message_id: id, conversation_id: c.id, user_id: author, emoji: 'thumbsup' });
    return id;
  };
  const days = daysBetween(FIRST_DAY, LAST_DAY);
  for (const date of days) {
    for (const c of conversations) {
      if (c.type === 'dm') {
        if (rnd() < 0.3) continue;
        const opener = pick(c.members);
        const other = c.members.find((u) => u !== opener)!;
        const start = at(date, 7 + Math.floor(rnd() * 14), Math.floor(rnd() * 60));
        message(c, opener, start);
        if (rnd() < 0.5) message(c, opener, start + 30_000 + Math.floor(rnd() * 60_000));
        if (rnd() < 0.8) message(c, other, start + 120_000 + Math.floor(rnd() * 3_600_000));
        continue;
      }
      const roots = c.type === 'group_dm' ? 2 : 3 + Math.floor(rnd() * 4);
      for (let r = 0; r < roots; r++) {
        const author = pick(c.members);
        const hour = rnd() < 0.15 ? pick([0, 23]) : 7 + Math.floor(rnd() * 15);
        const rootMs = at(date, hour, Math.floor(rnd() * 60));
        const root = message(c, author, rootMs);
        const replies = Math.floor(rnd() * 4);
        let last = rootMs;
        for (let k = 0; k < replies; k++) {
          last += 60_000 + Math.floor(rnd() * 5 * 3_600_000);
          message(c, pick(c.members), last, root);
        }
      }
    }
    // Messages just before and just after local midnight.
    message(conversations[0]!, 'U03', parisToUtc(date, 23, 59, 30, tick++ % 1000));
    message(conversations[0]!, 'U10', parisToUtc(date, 0, 0, 30, tick++ % 1000));
    // Calls: two a day in the team channels; on 2026-03-27 one starts at 23:50 and ends after midnight.
    for (const c of [conversations[1]!, conversations[2]!]) {
      const crossing = date === '2026-03-27' && c.id === 'C-eng';
      const startMs = crossing ? parisToUtc(date, 23, 50) : at(date, 9 + Math.floor(rnd() * 8), Math.floor(rnd() * 60));
      const call = `K-${c.id}-${date}`;
      const initiator = pick(c.members);
      const participants = [...new Set([initiator, ...c.members.filter(() => rnd() < 0.6)])];
      const duration = crossing ? 1800 : 60 + Math.floor(rnd() * 3600);
      push(c.id, startMs, 'call.started', { call_id: call, conversation_id: c.id, initiator_id: initiator, kind: pick(['audio', 'video', 'screen_share']) });
      push(c.id, startMs + duration * 1000, 'call.ended', { call_id: call, conversation_id: c.id, participants, duration_s: duration });
    }
    // Apps.
    for (const p of all) {
      if (rnd() < 0.5) continue;
      const times = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < times; k++) push('C-all', at(date, 8 + Math.floor(rnd() * 10), Math.floor(rnd() * 60)), 'app.invoked', { app_id: pick(['asana', 'github', 'zapier', 'salesforce']), user_id: p, conversation_id: 'C-all', command: '/do something' });
    }
  }
  const activity: CloudEvent[] = [];
  for (const list of byConversation.values()) activity.push(...list.sort((a, b) => a.ms - b.ms).map((x) => x.e));
  return { tenant, people, admin, activity, move };
}
