/**
 * A deterministic export set for the flat formats (JSON Lines, CSV, Parquet): the same
 * options always give the same conversation-days, so tests compute their expectations
 * from it and the bench can make millions of messages without holding them. Every case
 * the formats must carry appears: edits, deletions, messages in the same millisecond,
 * a thread, reactions added then removed, attachments, mentions, context messages, and
 * text with commas, quotes, CR, LF, CRLF, tabs, accents, emoji and formula-like starts.
 */
import type { ConversationDay, ExportConversation, ExportMessage, ExportPerson, ExportReactionEvent, ExportVersion } from '../export-record.js';

export interface FlatFixtureOptions {
  conversations: number;
  days: number;
  messagesPerDay: number;
  tenant?: string;
}

/** Texts chosen for what breaks naive writers; index by message number. */
export const TRICKY_TEXTS: readonly string[] = [
  'plain text',
  'a, b, and c',
  'she said "no", then "yes"',
  'line one\nline two',
  'windows\r\nline end',
  'lone\rcarriage return',
  'Réunion à 10h, déjà prévue — ça va ? Noël, garçon, œuvre',
  'thumbs 👍🏽 and family 👨‍👩‍👧 and flag 🇫🇷',
  '=SUM(A1:A3)',
  '+33 1 23 45 67 89',
  '-minus first, @at second',
  'tab\tseparated\tvalues',
  '',
  '"quoted whole"',
  '日本語のテキスト、中文，한국어',
  '  leading and trailing spaces  ',
];

const TYPES = ['channel', 'private', 'dm', 'group_dm'] as const;
const EMOJI = ['thumbsup', 'heart', 'tada', 'eyes'] as const;

function user(n: number): string {
  return `U${String(n % 50).padStart(4, '0')}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function fixtureConversation(c: number): ExportConversation {
  const names = [`general-${c}`, `deal, "Project Ω" ${c}`, `dm ${c}`, `équipe ${c}\nnight shift`];
  return { conversation_id: `C${String(c).padStart(5, '0')}`, name: names[c % names.length]!, conversation_type: TYPES[c % TYPES.length]! };
}

/**
 * Message `i` of a conversation-day. `i` is the position in the day; `n` a number unique
 * in the whole set, so texts and features vary across days too.
 */
function message(tenant: string, conv: ExportConversation, dayStart: number, i: number, n: number): ExportMessage {
  // Every 13th message shares the millisecond of the one before it.
  const slot = i % 13 === 12 ? i - 1 : i;
  const created = dayStart + 60_000 + slot * 7_001;
  const author = user(n);
  const origin = (k: string) => `kafka:chat.messages/${n % 3}@${n * 10 + k.length}`;
  const versions: ExportVersion[] = [
    { index: 0, kind: 'created', event_id: `evt-${n}-c`, time: iso(created), by: author, text: `${TRICKY_TEXTS[n % TRICKY_TEXTS.length]!} #${n}`, current: true, origin: origin('c') },
  ];
  const edits = n % 7 === 0 ? 2 : n % 7 === 3 ? 1 : 0;
  for (let e = 1; e <= edits; e++) {
    versions[e - 1]!.current = false;
    versions.push({ index: e, kind: 'edited', event_id: `evt-${n}-e${e}`, time: iso(created + e * 1_000), by: e === 2 ? user(n + 1) : author, text: `${TRICKY_TEXTS[(n + e * 5) % TRICKY_TEXTS.length]!} (edit ${e}) #${n}`, current: e === edits, origin: origin(`e${e}`) });
  }
  const history: ExportReactionEvent[] = [];
  let current: Array<{ emoji: string; user_id: string }> = [];
  if (n % 4 === 0) {
    const a = { emoji: EMOJI[n % EMOJI.length]!, user_id: user(n + 2) };
    const b = { emoji: EMOJI[(n + 1) % EMOJI.length]!, user_id: user(n + 3) };
    history.push({ event_id: `evt-${n}-r1`, time: iso(created + 5_000), action: 'added', ...a, origin: origin('r1') });
    history.push({ event_id: `evt-${n}-r2`, time: iso(created + 5_000), action: 'added', ...b, origin: origin('r2') });
    current = [a, b];
    if (n % 8 === 0) {
      history.push({ event_id: `evt-${n}-r3`, time: iso(created + 6_000), action: 'removed', ...a, origin: origin('r3') });
      current = [b];
    }
  }
  const inThread = i > 0 && i % 5 === 0;
  const threadRoot = inThread ? `M${n - i}` : i === 0 ? `M${n}` : '';
  return {
    tenant,
    conversation_id: conv.conversation_id,
    message_id: `M${n}`,
    author_id: author,
    time: iso(created),
    thread_id: threadRoot,
    thread_position: inThread ? i / 5 : 0,
    mentions: n % 3 === 0 ? [user(n + 5), user(n + 6)] : [],
    attachments: n % 6 === 0 ? [{ name: `report, "final" ${n}.pdf`, mime: 'application/pdf', size: 1000 + n, sha256: (n.toString(16).padStart(8, '0')).repeat(8) }, ...(n % 12 === 0 ? [{ name: `photo-été-${n}.jpg`, mime: 'image/jpeg', size: 0, sha256: 'ab'.repeat(32) }] : [])] : [],
    versions,
    deletion: n % 11 === 0 ? { event_id: `evt-${n}-d`, time: iso(created + 9_000), deleted_by: user(n + 7), origin: origin('d') } : null,
    reactions: { current, history },
    context: n % 17 === 5,
    source: `slack://T${tenant.toUpperCase()}`,
  };
}

/** Conversation-days in the order the export job gives them: conversation id, then day. */
export function* flatFixture(options: FlatFixtureOptions): Generator<ConversationDay> {
  const tenant = options.tenant ?? 'acme';
  const base = Date.UTC(2026, 10, 20);
  let n = 0;
  for (let c = 0; c < options.conversations; c++) {
    const conversation = fixtureConversation(c);
    for (let d = 0; d < options.days; d++) {
      const dayStart = base + d * 86_400_000;
      const messages: ExportMessage[] = [];
      for (let i = 0; i < options.messagesPerDay; i++) messages.push(message(tenant, conversation, dayStart, i, n++));
      const people = new Map<string, ExportPerson>();
      for (const m of messages) {
        for (const id of [m.author_id, ...m.mentions, ...m.versions.map((v) => v.by)]) people.set(id, { user_id: id, display_name: `Person ${id}`, email: `${id.toLowerCase()}@example.org` });
      }
      yield { conversation, day: iso(dayStart).slice(0, 10), messages, people, membership: [] };
    }
  }
}

/** Every message of a fixture with its conversation, for expectations. */
export function fixtureMessages(options: FlatFixtureOptions): Array<{ conversation: ExportConversation; message: ExportMessage }> {
  const out: Array<{ conversation: ExportConversation; message: ExportMessage }> = [];
  for (const g of flatFixture(options)) for (const m of g.messages) out.push({ conversation: g.conversation, message: m });
  return out;
}
