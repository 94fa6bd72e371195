/**
 * A generated bilingual company for the topic tests: six weeks of English, French
 * and mixed messages whose words, questions, replies and sentiment are known by
 * construction. Each message records the concepts it names (one concept = the forms
 * that must count as one term: meeting/meetings, réunion/réunions, ...), its
 * language, whether it asks, and the sentiment the analyzer's lexicon gives it.
 */
import { cloudEvent, type CloudEvent } from './events.js';

export const WEEKS = ['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09'];
export const FROM = WEEKS[0]!;
export const TO = '2026-11-15';
const DAY = 86_400_000;

export const CONCEPTS = {
  meeting: ['meeting', 'meetings'],
  reunion: ['réunion', 'réunions'],
  server: ['server', 'servers'],
  serveur: ['serveur', 'serveurs'],
  invoice: ['invoice', 'invoices'],
  facture: ['facture', 'factures'],
  livraison: ['livraison', 'livraisons'],
  outage: ['outage', 'outages'],
  kubernetes: ['kubernetes'],
} as const;
export type Concept = keyof typeof CONCEPTS;

export interface GenMessage {
  id: string;
  conversation: string;
  author: string;
  time: number;
  text: string;
  /** `und`: no clue in either language (a detector must not guess). */
  language: 'en' | 'fr' | 'mixed' | 'und';
  concepts: Concept[];
  question: boolean;
  /** null where the language is undetermined. */
  sentiment: number | null;
}

export interface Person { id: string; email: string; department: string; manager: string }

export const PEOPLE: Person[] = [
  { id: 'M0', email: 'ceo@bili.test', department: 'Management', manager: '' },
  { id: 'M1', email: 'eng.lead@bili.test', department: 'Management', manager: 'M0' },
  { id: 'M2', email: 'sales.lead@bili.test', department: 'Management', manager: 'M0' },
  ...Array.from({ length: 10 }, (_, i) => ({ id: `E${String(i + 1).padStart(2, '0')}`, email: `e${i + 1}@bili.test`, department: 'Engineering', manager: 'M1' })),
  ...Array.from({ length: 7 }, (_, i) => ({ id: `S${String(i + 1).padStart(2, '0')}`, email: `s${i + 1}@bili.test`, department: 'Sales', manager: 'M2' })),
  ...Array.from({ length: 3 }, (_, i) => ({ id: `L${String(i + 1).padStart(2, '0')}`, email: `l${i + 1}@bili.test`, department: 'Legal', manager: 'M0' })),
];
const ids = (prefix: string) => PEOPLE.filter((p) => p.id.startsWith(prefix)).map((p) => p.id);
export const CONVERSATIONS = [
  { id: 'C-eng', type: 'channel', members: ids('E') },
  { id: 'C-sales', type: 'private', members: ids('S') },
  { id: 'C-all', type: 'channel', members: [...ids('E'), ...ids('S'), ...ids('L')] },
  { id: 'G-legal', type: 'group_dm', members: ids('L') },
];

const form = (c: Concept, n: number) => CONCEPTS[c][n % CONCEPTS[c].length]!;
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

type Template = (n: number) => Omit<GenMessage, 'id' | 'conversation' | 'author' | 'time'>;
const T = {
  serverEn: (n: number) => ({ text: `The ${form('server', n)} is planned for this afternoon`, language: 'en', concepts: ['server'], question: false, sentiment: 0 }),
  serveurFr: (n: number) => ({ text: `${cap(form('serveur', n))} prévu cet après-midi`, language: 'fr', concepts: ['serveur'], question: false, sentiment: 0 }),
  meetingQ: (n: number) => ({ text: `When is the next ${form('meeting', n)}?`, language: 'en', concepts: ['meeting'], question: true, sentiment: 0 }),
  reunionFr: (n: number) => ({ text: `Il faut parler de la ${form('reunion', n)} avec tout le groupe`, language: 'fr', concepts: ['reunion'], question: false, sentiment: 0 }),
  serverBroken: (n: number) => ({ text: `The ${form('server', n)} is broken again`, language: 'en', concepts: ['server'], question: false, sentiment: -2 / 3 }),
  invoiceEn: (n: number) => ({ text: `Can you check the ${form('invoice', n)} for this customer`, language: 'en', concepts: ['invoice'], question: true, sentiment: 0 }),
  factureFr: (n: number) => ({ text: `${cap(form('facture', n))} envoyée au client`, language: 'fr', concepts: ['facture'], question: false, sentiment: 0 }),
  reunionQ: (n: number) => ({ text: `Quand est la prochaine ${form('reunion', n)} ?`, language: 'fr', concepts: ['reunion'], question: true, sentiment: 0 }),
  livraisonFr: (n: number) => ({ text: `Super travail sur la ${form('livraison', n)}`, language: 'fr', concepts: ['livraison'], question: false, sentiment: 1 }),
  meetingMixed: (n: number) => ({ text: `Salut, the ${form('meeting', n)} is ready`, language: 'mixed', concepts: ['meeting'], question: false, sentiment: 0 }),
  kube: () => ({ text: 'Kubernetes upgrade tonight', language: 'und', concepts: ['kubernetes'], question: false, sentiment: null }),
  outage: (n: number) => ({ text: `Another ${form('outage', n)} on the cluster tonight`, language: 'en', concepts: ['outage'], question: false, sentiment: 0 }),
  contrat: () => ({ text: 'Contrat signé ce matin', language: 'fr', concepts: [], question: false, sentiment: 0 }),
  ok: () => ({ text: 'ok', language: 'en', concepts: [], question: false, sentiment: 0 }),
} satisfies Record<string, (n: number) => object>;

export interface TopicsArchive {
  /** Messages as first written, in time order. */
  messages: GenMessage[];
  /** One message rewritten (another concept, another language) and one deleted, after the first run. */
  edit: { id: string; conversation: string; time: number; after: GenMessage };
  deleted: { id: string; conversation: string; time: number };
  /** The messages as they stand after the edit and the deletion. */
  final: GenMessage[];
  adminEvents: CloudEvent[];
  messageEvents(list: GenMessage[]): CloudEvent[];
  changeEvents(): CloudEvent[];
}

export function topicsArchive(tenant: string): TopicsArchive {
  const messages: GenMessage[] = [];
  let seq = 0;
  const push = (conversation: string, author: string, time: number, t: Template, n: number) => {
    messages.push({ id: `m${String(seq++).padStart(5, '0')}`, conversation, author, time, ...(t(n) as Omit<GenMessage, 'id' | 'conversation' | 'author' | 'time'>) });
  };
  WEEKS.forEach((week, w) => {
    for (let d = 0; d < 5; d++) {
      let t = Date.parse(`${week}T09:00:00Z`) + d * DAY;
      const next = () => (t += 7 * 60_000);
      ids('E').forEach((e, i) => {
        const pick = [T.serverEn, T.serveurFr, T.meetingQ, T.reunionFr][(w + d + i) % 4]!;
        push('C-eng', e, next(), pick, i + d);
        if (i < 3) push('C-eng', e, next(), T.kube, 0);
        if (d === 2) push('C-eng', e, next(), T.serverBroken, i);
      });
      // Outage: one message a week, then eight people at once in the fifth week (twelve messages).
      if (d === 1) {
        const authors = w === 4 ? [...ids('E').slice(0, 8), ...ids('E').slice(0, 4)] : [ids('E')[w % 10]!];
        authors.forEach((e, j) => push('C-eng', e, next(), T.outage, j));
      }
      ids('S').forEach((s, i) => push('C-sales', s, next(), [T.invoiceEn, T.factureFr, T.reunionQ][(w + d + i) % 3]!, i + w));
      ids('L').forEach((l) => push('G-legal', l, next(), T.contrat, 0));
      if (d === 0 || d === 3) {
        [...ids('E'), ...ids('S'), ...ids('L')].forEach((p, i) => push('C-all', p, next(), d === 0 ? T.livraisonFr : T.meetingMixed, i + w));
        push('C-all', 'E01', next(), T.ok, 0);
      }
    }
  });
  const target = messages.find((m) => m.conversation === 'C-eng' && m.concepts[0] === 'server' && m.time >= Date.parse(`${WEEKS[1]}T00:00:00Z`))!;
  const after: GenMessage = { ...target, ...(T.reunionFr(1) as Omit<GenMessage, 'id' | 'conversation' | 'author' | 'time'>) };
  const victim = messages.find((m) => m.conversation === 'C-eng' && m.concepts[0] === 'serveur' && m.time >= Date.parse(`${WEEKS[1]}T00:00:00Z`))!;
  const final = messages.filter((m) => m.id !== victim.id).map((m) => (m.id === target.id ? after : m));

  let n = 0;
  const ev = (type: string, data: Record<string, unknown>, ms: number) => cloudEvent(type, data, { id: `${tenant}-${n++}`, tenant, time: new Date(ms).toISOString(), source: 'slack://TBILI' });
  const t0 = Date.parse('2026-09-01T08:00:00Z');
  const adminEvents: CloudEvent[] = [];
  for (const p of PEOPLE) adminEvents.push(ev('user.created', { user_id: p.id, email: p.email, display_name: `Person ${p.id}`, department: p.department, ...(p.manager ? { manager_id: p.manager } : {}) }, t0));
  for (const c of CONVERSATIONS) {
    adminEvents.push(ev('conversation.created', { conversation_id: c.id, name: `name of ${c.id}`, conversation_type: c.type, created_by: c.members[0] }, t0 + 1000));
    for (const u of c.members) adminEvents.push(ev('member.joined', { conversation_id: c.id, user_id: u, by: c.members[0] }, t0 + 2000));
  }
  const type = (id: string) => CONVERSATIONS.find((c) => c.id === id)!.type;
  return {
    messages, final, adminEvents,
    edit: { id: target.id, conversation: target.conversation, time: target.time, after },
    deleted: { id: victim.id, conversation: victim.conversation, time: victim.time },
    messageEvents: (list) => list.map((m) => ev('message.created', { message_id: m.id, conversation_id: m.conversation, conversation_type: type(m.conversation), author_id: m.author, text: m.text }, m.time)),
    changeEvents: () => [
      ev('message.edited', { message_id: target.id, conversation_id: target.conversation, editor_id: target.author, text: after.text }, Date.parse(`${WEEKS[5]}T20:00:00Z`)),
      ev('message.deleted', { message_id: victim.id, conversation_id: victim.conversation, deleted_by: victim.author }, Date.parse(`${WEEKS[5]}T20:00:01Z`)),
    ],
  };
}
