/**
 * A sample company for `custos demo`: "Lumen & Co", a bilingual (English/French)
 * firm with a few hundred people, dozens of channels, DMs, threads, edits,
 * deletions, reactions, calls, app use and admin events over a few months.
 * Deterministic (seeded), so running the demo twice stores nothing twice.
 */
import type { EventType } from '../../common/events/schemas.js';

export interface DemoEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: EventType;
  time: string;
  tenant: string;
  data: Record<string, unknown>;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same company, here and in the tests' generators. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ada', 'Louis', 'Chloé', 'Hugo', 'Amira', 'Noah', 'Léa', 'Omar', 'Sofia', 'Jules', 'Inès', 'Lucas', 'Maya', 'Théo', 'Zoé', 'Ethan', 'Camille', 'Yanis', 'Grace', 'Mathis', 'Aïcha', 'Paul', 'Nina', 'Victor'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'Smith', 'Jones', 'Brown', 'Nguyen', 'Okafor'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Legal', 'Marketing', 'Support', 'People', 'Operations'];
const CHANNELS = [
  'general', 'random', 'annonces', 'engineering', 'releases', 'incidents', 'sales-emea', 'sales-na', 'deals', 'finance', 'budget-2027', 'legal',
  'contrats', 'marketing', 'campagnes', 'support', 'support-escalations', 'people', 'recrutement', 'ops', 'facilities', 'security', 'data',
  'design', 'product', 'roadmap', 'customer-acme', 'customer-globex', 'projet-orion', 'projet-vega', 'paris-office', 'london-office',
  'lunch', 'books', 'running', 'help-it', 'devops', 'qa', 'partners', 'board-prep',
];
const EN = [
  'Can we move the {x} review to Thursday?', 'The {x} numbers look better than last quarter.', 'I pushed a fix for the {x} issue, please review.',
  'Customer asked about the {x} contract renewal.', 'Reminder: {x} deadline is Friday.', 'Who owns the {x} follow-up?',
  'Great work on the {x} launch everyone!', 'I will be out tomorrow, {x} questions go to my backup.', 'Does anyone have the latest {x} deck?',
  'Incident on {x} is resolved, postmortem to follow.', 'Let us keep the {x} discussion in the thread.', 'Budget for {x} is approved.',
];
const FR = [
  'Est-ce qu’on peut décaler la revue {x} à jeudi ?', 'Les chiffres {x} sont meilleurs que le trimestre dernier.', 'J’ai poussé un correctif pour {x}, merci de relire.',
  'Le client demande le renouvellement du contrat {x}.', 'Rappel : la date limite pour {x} est vendredi.', 'Qui s’occupe du suivi {x} ?',
  'Bravo à tous pour le lancement {x} !', 'Je suis absent demain, les questions {x} vont à mon binôme.', 'Quelqu’un a la dernière présentation {x} ?',
  'L’incident sur {x} est résolu, post-mortem à suivre.', 'Gardons la discussion {x} dans le fil.', 'Le budget {x} est validé.',
];
/** Now and then someone asks to move off the archived channel: what the demo's supervision policy flags. */
const OFF_CHANNEL_EN = 'Can we take this to WhatsApp? The {x} details are sensitive.';
const OFF_CHANNEL_FR = 'On passe sur WhatsApp pour {x} ?';
const TOPICS = ['Orion', 'Vega', 'billing', 'onboarding', 'Q4', 'pricing', 'API v2', 'SSO', 'audit', 'roadmap', 'hiring', 'EMEA'];
const EMOJI = ['thumbsup', 'tada', 'eyes', 'white_check_mark', 'heart', 'rocket', 'pray', 'joy'];
const APPS = [{ id: 'A-JIRA', cmd: ['/jira create', '/jira search'] }, { id: 'A-POLL', cmd: ['/poll "Lunch?" yes no'] }, { id: 'A-DEPLOY', cmd: ['/deploy staging', '/deploy prod'] }];

export interface DemoOptions {
  tenant: string;
  users: number;
  days: number;
  messagesPerDay: number;
  /** Last day of the sample (UTC midnight after it). */
  end: Date;
}

/** Person `i` (from 0) of the sample company: the first eight head a department each, the others report to one of them. */
export function samplePerson(i: number): { id: string; name: string; email: string; dept: string; fr: boolean } {
  const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
  return {
    id: `U${String(i + 1).padStart(4, '0')}`,
    name,
    email: `${name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(' ', '.')}@lumen.example`,
    dept: DEPARTMENTS[i % DEPARTMENTS.length]!,
    fr: i % 3 !== 0,
  };
}

export function* sampleCompany(o: DemoOptions): Generator<DemoEvent> {
  const rnd = mulberry32(20261125);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const source = 'slack://T0LUMEN';
  let seq = 0;
  const ev = (type: EventType, timeMs: number, data: Record<string, unknown>): DemoEvent => ({
    specversion: '1.0', id: `demo-${o.tenant}-${++seq}`, source, type, time: new Date(timeMs).toISOString(), tenant: o.tenant, data,
  });
  const start = o.end.getTime() - o.days * 86_400_000;
  const admin = 'U0001';
  const users = Array.from({ length: o.users }, (_, i) => samplePerson(i));
  for (const [i, u] of users.entries()) {
    yield ev('user.created', start + i * 1000, {
      user_id: u.id, email: u.email,
      display_name: u.name, department: u.dept, title: i < 8 ? 'Head of ' + u.dept : 'Specialist', ...(i >= 8 ? { manager_id: users[i % 8]!.id } : {}),
    });
  }
  const channels = CHANNELS.map((name, i) => ({ id: `C${String(i + 1).padStart(3, '0')}`, name, type: i % 9 === 8 ? 'private' : 'channel', members: [] as string[] }));
  for (const c of channels) {
    yield ev('conversation.created', start + 600_000, { conversation_id: c.id, name: c.name, conversation_type: c.type, created_by: admin });
    const size = 8 + Math.floor(rnd() * 40);
    for (let k = 0; k < size; k++) {
      const u = pick(users).id;
      if (c.members.includes(u)) continue;
      c.members.push(u);
      yield ev('member.joined', start + 700_000 + k * 1000, { conversation_id: c.id, user_id: u, by: u });
    }
  }
  yield ev('app.installed', start + 800_000, { app_id: 'A-JIRA', by: admin });
  yield ev('app.installed', start + 800_001, { app_id: 'A-POLL', by: admin });
  yield ev('app.installed', start + 800_002, { app_id: 'A-DEPLOY', by: admin });
  const dms = Array.from({ length: 60 }, (_, i) => {
    const a = pick(users).id;
    const b = pick(users).id;
    return { id: `D${String(i + 1).padStart(3, '0')}`, type: i % 6 === 5 ? 'group_dm' : 'dm', members: i % 6 === 5 ? [a, b, pick(users).id] : [a, b] };
  });

  for (let day = 0; day < o.days; day++) {
    const dayStart = start + day * 86_400_000;
    const weekday = new Date(dayStart).getUTCDay();
    const volume = weekday === 0 || weekday === 6 ? Math.floor(o.messagesPerDay / 8) : o.messagesPerDay;
    yield* dayOfChat(dayStart, volume);
    if (day % 7 === 3) {
      const u = pick(users);
      yield ev('auth.mfa_enrolled', dayStart + 9 * 3_600_000, { user_id: u.id, ip: `198.51.100.${day % 250}`, user_agent: 'Mozilla/5.0', method: 'totp' });
    }
    if (day % 20 === 10) {
      const c = pick(channels);
      yield ev('conversation.renamed', dayStart + 10 * 3_600_000, { conversation_id: c.id, name: `${c.name}-${day}`, by: admin });
    }
    if (day % 30 === 15) {
      const u = pick(users);
      yield ev('user.deactivated', dayStart + 17 * 3_600_000, { user_id: u.id, by: admin });
      yield ev('role.changed', dayStart + 17 * 3_600_000 + 1, { user_id: pick(users).id, role: 'admin', by: admin });
    }
  }
  yield ev('conversation.archived', o.end.getTime() - 3_600_000, { conversation_id: channels[channels.length - 1]!.id, by: admin });

  function* dayOfChat(dayStart: number, volume: number): Generator<DemoEvent> {
    for (const u of users.slice(0, Math.min(users.length, 40 + Math.floor(rnd() * 60)))) {
      const ok = rnd() > 0.03;
      yield ev(ok ? 'auth.login' : 'auth.failed', dayStart + 8 * 3_600_000 + Math.floor(rnd() * 3_600_000), { user_id: u.id, ip: `203.0.113.${Math.floor(rnd() * 250)}`, user_agent: 'Slack/4.41 (Mac OS X)', method: 'sso' });
    }
    const recent: Array<{ id: string; root: string; conv: string; type: string; author: string; at: number }> = [];
    for (let i = 0; i < volume; i++) {
      const at = dayStart + 8 * 3_600_000 + Math.floor((i / volume) * 10 * 3_600_000) + Math.floor(rnd() * 60_000);
      const inDm = rnd() < 0.25;
      const conv = inDm ? pick(dms) : pick(channels);
      const author = conv.members.length ? pick(conv.members) : pick(users).id;
      const user = users[Number(author.slice(1)) - 1];
      // Off-channel requests every 150th message of a day (by position, so the seeded stream is unchanged).
      const template = i % 150 === 41 ? (user?.fr ? OFF_CHANNEL_FR : OFF_CHANNEL_EN) : user?.fr ? pick(FR) : pick(EN);
      const text = template.replace('{x}', pick(TOPICS));
      const parent = recent.length && rnd() < 0.3 ? recent[Math.floor(rnd() * recent.length)] : undefined;
      const id = `${Math.floor(at / 1000)}.${String(i).padStart(6, '0')}`;
      const mention = rnd() < 0.15 ? pick(conv.members.length ? conv.members : [admin]) : undefined;
      yield ev('message.created', at, {
        message_id: id, conversation_id: parent?.conv ?? conv.id, conversation_type: parent?.type ?? conv.type, author_id: author,
        text: mention ? `<@${mention}> ${text}` : text,
        // A reply goes to its parent's conversation, in the thread of the parent's root.
        ...(parent ? { thread_id: parent.root } : {}),
        ...(mention ? { mentions: [mention] } : {}),
        ...(rnd() < 0.04 ? { attachments: [{ name: `${pick(TOPICS).replace(' ', '-')}.pdf`, mime: 'application/pdf', size: 20_000 + Math.floor(rnd() * 2e6) }] } : {}),
      });
      const msg = { id, root: parent?.root ?? id, conv: parent?.conv ?? conv.id, type: parent?.type ?? conv.type, author, at };
      recent.push(msg);
      if (recent.length > 50) recent.shift();
      const r = rnd();
      if (r < 0.05) yield ev('message.edited', at + 90_000, { message_id: id, conversation_id: msg.conv, editor_id: author, text: text + ' (edited)' });
      else if (r < 0.065) yield ev('message.deleted', at + 300_000, { message_id: id, conversation_id: msg.conv, deleted_by: author });
      if (rnd() < 0.2) {
        const emoji = pick(EMOJI);
        const who = pick(users).id;
        yield ev('reaction.added', at + 30_000, { message_id: id, conversation_id: msg.conv, user_id: who, emoji });
        if (rnd() < 0.1) yield ev('reaction.removed', at + 45_000, { message_id: id, conversation_id: msg.conv, user_id: who, emoji });
      }
      if (rnd() < 0.01) {
        const callId = `K${id}`;
        const kind = pick(['audio', 'video', 'screen_share'] as const);
        yield ev('call.started', at + 1000, { call_id: callId, conversation_id: msg.conv, initiator_id: author, kind });
        yield ev('call.ended', at + 1000 + 60_000 * (1 + Math.floor(rnd() * 45)), { call_id: callId, conversation_id: msg.conv, participants: [author, pick(users).id], duration_s: 60 * (1 + Math.floor(rnd() * 45)) });
      }
      if (rnd() < 0.01) {
        const app = pick(APPS);
        yield ev('app.invoked', at + 2000, { app_id: app.id, user_id: author, conversation_id: msg.conv, command: pick(app.cmd) });
      }
    }
  }
}
