/**
 * The engagement benchmarks' company (bench/analytics.ts, bench/web-ui.ts with
 * BENCH_UI_MESSAGES), as Kafka records: 2,000 people in 20 departments, each
 * department led by its first person who reports to a CEO (so a manager's scope is a
 * real walk of the directory), 300 channels, 20 private groups, 80 DMs; 15% thread
 * replies, 10% reactions, a call every 200 messages, an app every 50. Deterministic
 * (seeded): the same round gives the same events.
 */
export const PEOPLE = 2000;
export const DEPARTMENTS = 20;
const CHANNELS = 300;
const PRIVATE = 20;
const DMS = 80;
export const DAY = 86_400_000;

/** Where and when: the tenant, the first instant (ms) and how long the company talks (ms). */
export interface CompanySpan {
  tenant: string;
  start: number;
  span: number;
}

export interface KafkaRecord {
  key: string;
  value: string;
}

const rnd = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
/** Person `k` of department `dept`; person 0 leads it. */
export const person = (dept: number, k: number): string => `U${dept * (PEOPLE / DEPARTMENTS) + k}`;
/** The directory's e-mail of a person (what a signed-in manager is found by). */
export const emailOf = (id: string): string => `${id.toLowerCase()}@bench.test`;

/** The directory: one `user.created` (type and data) per person, the CEO last. */
export function directory(): Array<{ type: string; data: Record<string, unknown> }> {
  const events: Array<{ type: string; data: Record<string, unknown> }> = [];
  const per = PEOPLE / DEPARTMENTS;
  for (let d = 0; d < DEPARTMENTS; d++) {
    for (let k = 0; k < per; k++) {
      const manager = k === 0 ? 'CEO' : person(d, 0);
      events.push({ type: 'user.created', data: { user_id: person(d, k), email: emailOf(person(d, k)), display_name: person(d, k), department: `D${d}`, manager_id: manager } });
    }
  }
  events.push({ type: 'user.created', data: { user_id: 'CEO', email: emailOf('CEO'), display_name: 'CEO', department: 'Board' } });
  return events;
}

/** One round's events (`messages` messages and what goes with them) as Kafka records, in time order: round `round` of `rounds` covers that share of the span. */
export function roundEvents(c: CompanySpan, round: number, rounds: number, messages: number): KafkaRecord[] {
  const r = rnd(1000 + round);
  const out: KafkaRecord[] = [];
  const from = c.start + (round * c.span) / rounds;
  const step = c.span / rounds / messages;
  const lastRoot = new Map<string, string>();
  let n = 0;
  const push = (type: string, ms: number, key: string, data: Record<string, unknown>) => {
    out.push({ key, value: JSON.stringify({ specversion: '1.0', id: `r${round}-${n++}`, source: 'slack://TBENCH', type, time: new Date(ms).toISOString(), tenant: c.tenant, data }) });
  };
  const per = PEOPLE / DEPARTMENTS;
  for (let i = 0; i < messages; i++) {
    const ms = Math.floor(from + i * step);
    const ch = Math.floor(r() * (CHANNELS + PRIVATE + DMS));
    let conversation: string;
    let type: string;
    let author: string;
    if (ch < CHANNELS + PRIVATE) {
      const dept = ch % DEPARTMENTS;
      conversation = ch < CHANNELS ? `C${ch}` : `P${ch}`;
      type = ch < CHANNELS ? 'channel' : 'private';
      author = person(dept, Math.floor(r() * per));
    } else {
      conversation = `D${ch}`;
      type = 'dm';
      author = r() < 0.5 ? person(ch % DEPARTMENTS, ch % per) : person((ch + 7) % DEPARTMENTS, (ch * 3) % per);
    }
    const id = `r${round}m${i}`;
    const root = lastRoot.get(conversation);
    const reply = type !== 'dm' && root && r() < 0.15 ? root : undefined;
    if (!reply && type !== 'dm') lastRoot.set(conversation, id);
    push('message.created', ms, conversation, { message_id: id, conversation_id: conversation, conversation_type: type, ...(reply ? { thread_id: reply } : {}), author_id: author, text: `message ${i} about the release plan`, ...(r() < 0.2 ? { mentions: [person(Math.floor(r() * DEPARTMENTS), 1)] } : {}) });
    if (r() < 0.1) push('reaction.added', ms + 1, conversation, { message_id: id, conversation_id: conversation, user_id: person(Math.floor(r() * DEPARTMENTS), Math.floor(r() * per)), emoji: 'thumbsup' });
    if (i % 200 === 0 && type !== 'dm') {
      const call = `K${round}-${i}`;
      const duration = 60 + Math.floor(r() * 3600);
      const dept = ch % DEPARTMENTS;
      const participants = [...new Set(Array.from({ length: 2 + Math.floor(r() * 7) }, () => person(dept, Math.floor(r() * per))))];
      push('call.started', ms, conversation, { call_id: call, conversation_id: conversation, initiator_id: participants[0], kind: ['audio', 'video', 'screen_share'][i % 3] });
      push('call.ended', ms + duration * 1000, conversation, { call_id: call, conversation_id: conversation, participants, duration_s: duration });
    }
    if (i % 50 === 0) push('app.invoked', ms, conversation, { app_id: ['asana', 'github', 'zapier', 'salesforce', 'gitlab', 'hubspot'][i % 6], user_id: author, conversation_id: conversation, command: '/run' });
  }
  return out;
}
