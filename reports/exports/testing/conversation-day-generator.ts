/**
 * A deterministic set of conversation-days for format tests: the same input every
 * run, nothing from the clock or Math.random. It holds what formats get wrong most:
 * edited messages (several versions), a deleted one, two messages in the same
 * millisecond, a thread whose replies span two days, reactions added and removed,
 * attachments (metadata only), HTML-like text, multi-line and very long lines,
 * French accents and emoji in names and text, people without an e-mail or without a
 * directory entry, odd ids, a DM and a channel, and membership changes.
 *
 * Every version text is unique and begins with `[<message id> v<index>]`, so a test
 * can count each one in an output and expect exactly one.
 *
 * Reusable by any format: tests compute their expectations from `groups`, never from
 * a format's output.
 */
import { createHash } from 'node:crypto';
import type { ConversationDay, ExportContext, ExportConversation, ExportMessage, ExportPerson } from '../export-record.js';

export interface GeneratedExport {
  ctx: ExportContext;
  groups: ConversationDay[];
  people: Map<string, ExportPerson>;
}

export const TENANT = 'acme';

export const PEOPLE: ExportPerson[] = [
  { user_id: 'alice', display_name: 'Alice Martin', email: 'alice.martin@example.com' },
  { user_id: 'elodie', display_name: 'Élodie Lefèvre-Château', email: 'elodie@example.fr' },
  { user_id: 'bob', display_name: 'Bob "Builder" O\'Neil, Jr.', email: '' },
  { user_id: 'zoe', display_name: 'Zoë Ñandú 🎉', email: 'zoë@exemple.fr' },
  { user_id: 'U:ghost/42', display_name: '', email: '' },
];

export const CHANNEL: ExportConversation = { conversation_id: 'C-Général/ops', name: 'Général ✨ <ops> & "friends"', conversation_type: 'channel' };
export const DM: ExportConversation = { conversation_id: 'D1', name: '', conversation_type: 'dm' };

interface MessageSpec {
  id: string;
  author: string;
  time: string;
  text: string;
  edits?: Array<{ time: string; by?: string; text: string }>;
  deleted?: { time: string; by: string };
  reactions?: Array<{ time: string; user: string; emoji: string; action: 'added' | 'removed' }>;
  thread?: { root: string; position: number };
  attachments?: Array<{ name: string; mime: string; size: number }>;
  mentions?: string[];
}

/** Builds one ExportMessage the way the export job would, from a short description. */
export function makeMessage(conversationId: string, spec: MessageSpec): ExportMessage {
  const texts = [{ time: spec.time, by: spec.author, text: spec.text }, ...(spec.edits ?? []).map((e) => ({ ...e, by: e.by ?? spec.author }))];
  const versions = texts.map((v, index) => ({
    index,
    kind: index === 0 ? ('created' as const) : ('edited' as const),
    event_id: `${spec.id}-e${index}`,
    time: v.time,
    by: v.by,
    text: v.text,
    current: index === texts.length - 1,
    origin: `generator:${spec.id}:${index}`,
  }));
  return {
    tenant: TENANT,
    conversation_id: conversationId,
    message_id: spec.id,
    author_id: spec.author,
    time: spec.time,
    thread_id: spec.thread?.root ?? '',
    thread_position: spec.thread?.position ?? 0,
    mentions: spec.mentions ?? [],
    attachments: (spec.attachments ?? []).map((a) => ({ ...a, sha256: sha256(`${spec.id}/${a.name}`) })),
    versions,
    deletion: spec.deleted ? { event_id: `${spec.id}-del`, time: spec.deleted.time, deleted_by: spec.deleted.by, origin: 'generator' } : null,
    reactions: reactionsOf(spec),
    context: false,
    source: 'slack',
  };
}

function reactionsOf(spec: MessageSpec): ExportMessage['reactions'] {
  const history = (spec.reactions ?? []).map((r, i) => ({
    event_id: `${spec.id}-r${i}`,
    time: r.time,
    action: r.action,
    user_id: r.user,
    emoji: r.emoji,
    origin: 'generator',
  }));
  const current: Array<{ emoji: string; user_id: string }> = [];
  for (const r of history) {
    const at = current.findIndex((c) => c.emoji === r.emoji && c.user_id === r.user_id);
    if (r.action === 'added' && at < 0) current.push({ emoji: r.emoji, user_id: r.user_id });
    if (r.action === 'removed' && at >= 0) current.splice(at, 1);
  }
  return { current, history };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const t = (day: string, time: string): string => `${day}T${time}Z`;
const D1 = '2026-11-24';
const D2 = '2026-11-25';

function channelDay1(): MessageSpec[] {
  return [
    {
      id: 'm-001', author: 'alice', time: t(D1, '09:00:00.000'), text: '[m-001 v0] Bonjour à tous ! Café ☕ à 10h ?',
      edits: [
        { time: t(D1, '09:01:00.000'), text: '[m-001 v1] Bonjour à tous ! Café ☕ à 10h30 ?' },
        { time: t(D1, '09:02:00.000'), text: '[m-001 v2] Bonjour à tous ! Café ☕ à 11h, salle Émile.' },
      ],
      reactions: [
        { time: t(D1, '09:03:00.000'), user: 'bob', emoji: '👍', action: 'added' },
        { time: t(D1, '09:04:00.000'), user: 'elodie', emoji: '👍', action: 'added' },
        { time: t(D1, '09:05:00.000'), user: 'zoe', emoji: '🎉', action: 'added' },
        { time: t(D1, '09:06:00.000'), user: 'zoe', emoji: '🎉', action: 'removed' },
      ],
    },
    {
      id: 'm-002', author: 'bob', time: t(D1, '09:10:00.500'),
      text: `[m-002 v0] <script>alert('x')</script> & "quoted" <b>bold</b> -- must stay text`,
      deleted: { time: t(D1, '09:15:00.000'), by: 'alice' },
    },
    { id: 'm-003', author: 'elodie', time: t(D1, '09:20:00.123'), text: '[m-003 v0] Ligne un\nLigne deux : « guillemets »\n.\nFrom the start of a line\n--=_not a boundary' },
    { id: 'm-004', author: 'zoe', time: t(D1, '09:20:00.123'), text: '[m-004 v0] Même milliseconde 🎯' },
    { id: 'm-005', author: 'alice', time: t(D1, '09:30:00.000'), text: '[m-005 v0] Fil : plan de release ?', thread: { root: 'm-005', position: 0 } },
    {
      id: 'm-006', author: 'bob', time: t(D1, '09:31:00.000'), text: '[m-006 v0] Friday works', thread: { root: 'm-005', position: 1 },
      edits: [{ time: t(D1, '09:32:00.000'), text: '[m-006 v1] Friday works, après-midi' }],
    },
    {
      id: 'm-007', author: 'zoe', time: t(D1, '09:33:00.000'), text: '[m-007 v0] Voici le résumé @alice', thread: { root: 'm-005', position: 2 },
      attachments: [{ name: 'résumé final.pdf', mime: 'application/pdf', size: 123456 }], mentions: ['alice'],
    },
    {
      id: 'm-008', author: 'U:ghost/42', time: t(D1, '09:40:00.000'), text: `[m-008 v0] ${'très long '.repeat(150)}end`,
      attachments: [{ name: 'photo 📷.png', mime: 'image/png', size: 2048 }, { name: 'data.csv', mime: 'text/csv', size: 17 }],
    },
  ];
}

function channelDay2(): MessageSpec[] {
  return [
    { id: 'm-009', author: 'elodie', time: t(D2, '08:00:00.000'), text: '[m-009 v0] Réponse tardive dans le fil', thread: { root: 'm-005', position: 3 } },
    { id: 'm-010', author: 'bob', time: t(D2, '08:05:00.000'), text: '[m-010 v0] Last one from me 👋' },
  ];
}

function dmDay1(): MessageSpec[] {
  return [
    { id: 'm-101', author: 'alice', time: t(D1, '12:00:00.000'), text: '[m-101 v0] Salut Zoë, ça va ? 😀' },
    {
      id: 'm-102', author: 'zoe', time: t(D1, '12:01:00.000'), text: '[m-102 v0] Très bien, merci ! 🇫🇷',
      reactions: [{ time: t(D1, '12:02:00.000'), user: 'alice', emoji: '❤️', action: 'added' }],
    },
  ];
}

function buildDay(conversation: ExportConversation, day: string, specs: MessageSpec[], membership: ConversationDay['membership']): ConversationDay {
  const messages = specs
    .map((s) => makeMessage(conversation.conversation_id, s))
    .sort((a, b) => a.time.localeCompare(b.time) || a.message_id.localeCompare(b.message_id));
  return { conversation, day, messages, people: peopleOf(messages), membership };
}

/** Everyone who appears in the messages, as ConversationDay.people promises. */
export function peopleOf(messages: ExportMessage[]): Map<string, ExportPerson> {
  const ids = new Set<string>();
  for (const m of messages) {
    ids.add(m.author_id);
    m.versions.forEach((v) => ids.add(v.by));
    if (m.deletion) ids.add(m.deletion.deleted_by);
    m.reactions.history.forEach((r) => ids.add(r.user_id));
    m.mentions.forEach((id) => ids.add(id));
  }
  const people = new Map<string, ExportPerson>();
  for (const p of PEOPLE) if (ids.has(p.user_id)) people.set(p.user_id, p);
  return people;
}

export function generateConversationDays(): GeneratedExport {
  const ctx: ExportContext = { packageId: 'job-0001', tenant: TENANT, asOf: '2026-11-30T00:00:00.000Z', generator: 'Custos 0.1.0 (test)' };
  const groups = [
    buildDay(CHANNEL, D1, channelDay1(), [{ event_id: 'mem-1', time: t(D1, '09:35:00.000'), type: 'joined', user_id: 'U:ghost/42', by: 'alice' }]),
    buildDay(CHANNEL, D2, channelDay2(), [{ event_id: 'mem-2', time: t(D2, '08:10:00.000'), type: 'left', user_id: 'bob', by: 'bob' }]),
    buildDay(DM, D1, dmDay1(), []),
  ];
  return { ctx, groups, people: new Map(PEOPLE.map((p) => [p.user_id, p])) };
}

/** A small seeded PRNG (mulberry32): the same sequence for the same seed, everywhere. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Anaïs', 'Bjørn', 'Chloé', 'Dmitri', 'Émile', 'Fatou', 'Grégoire', 'Hana', 'Inès', 'José'];
const LAST = ['Dubois', 'Müller', 'Nguyễn', 'Leroy', 'Ørsted', 'Garcia', "O'Brien", 'Lefèvre', 'Kowalski', 'Şahin'];

/**
 * One busy channel day: `people` members (about a third without e-mail), `messages`
 * messages (some in the same millisecond, some edited, deleted, reacted to, or
 * replies in threads), deterministic for a seed. For volume and folding tests.
 */
export function generateBusyDay(opts: { messages: number; people: number; seed?: number; day?: string }): ConversationDay {
  const rand = seeded(opts.seed ?? 1);
  const day = opts.day ?? '2026-11-27';
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const persons: ExportPerson[] = Array.from({ length: opts.people }, (_, i) => ({
    user_id: `U${String(i).padStart(5, '0')}`,
    display_name: `${pick(FIRST)} ${pick(LAST)} ${i}`,
    email: i % 3 === 0 ? '' : `user${i}@example.org`,
  }));
  const conversation: ExportConversation = { conversation_id: 'C-busy', name: 'busy 🐝', conversation_type: 'channel' };
  const start = Date.parse(`${day}T00:00:00.000Z`);
  const step = Math.floor((86_400_000 - 1) / Math.max(1, opts.messages));
  const specs: MessageSpec[] = [];
  for (let i = 0; i < opts.messages; i++) {
    const time = new Date(start + i * step - (i % 7 === 1 ? step : 0)).toISOString();
    const id = `b-${String(i).padStart(6, '0')}`;
    const author = pick(persons).user_id;
    const root = i > 10 && rand() < 0.1 ? specs[Math.floor(rand() * i)]! : undefined;
    specs.push({
      id, author, time, text: `[${id} v0] ${pick(FIRST)} écrit ${Math.floor(rand() * 1e6)} 🙂`,
      ...(rand() < 0.1 ? { edits: [{ time: new Date(Date.parse(time) + 1).toISOString(), text: `[${id} v1] corrigé` }] } : {}),
      ...(rand() < 0.05 ? { deleted: { time: new Date(Date.parse(time) + 2).toISOString(), by: author } } : {}),
      ...(rand() < 0.2 ? { reactions: [{ time: new Date(Date.parse(time) + 3).toISOString(), user: pick(persons).user_id, emoji: pick(['👍', '🎉', '✅']), action: 'added' as const }] } : {}),
      ...(root && !root.thread ? { thread: { root: root.id, position: 1 + specs.filter((s) => s.thread?.root === root.id).length } } : {}),
    });
  }
  for (const s of specs) if (specs.some((r) => r.thread?.root === s.id) && !s.thread) s.thread = { root: s.id, position: 0 };
  const messages = specs
    .map((s) => makeMessage(conversation.conversation_id, s))
    .sort((a, b) => a.time.localeCompare(b.time) || a.message_id.localeCompare(b.message_id));
  const ids = new Set(messages.flatMap((m) => [m.author_id, ...m.reactions.history.map((r) => r.user_id)]));
  return { conversation, day, messages, people: new Map(persons.filter((p) => ids.has(p.user_id)).map((p) => [p.user_id, p])), membership: [] };
}
