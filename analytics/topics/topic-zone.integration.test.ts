/**
 * Topic periods in the tenant's time zone (docs/topics.md "Time zone"), on the real
 * store: messages seconds around local midnights that start a week, a month, the
 * range and its end, and a DST change, in Pacific/Auckland (UTC+13/+12), where UTC
 * weeks and months would give other counts. Expected counts are computed here with
 * the platform's time zone database (Intl), never with the code under test. Then the
 * tenant's zone changes to America/Los_Angeles: until the next run the cells keep
 * Auckland's days (the views that read messages follow at once); the next run, with
 * nothing new, rebuilds every cell, and every path answers in Los Angeles days. The
 * engagement metric `messages` gives the same weekly counts (after its backfill).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { cloudEvent, type CloudEvent } from '../../test/helpers/events.js';
import { writeEvents } from '../../test/helpers/store-events.js';
import { backfillAnalytics } from '../backfill.js';
import { readEngagement } from '../engagement.js';
import { writeAnalyticsSettings } from '../settings.js';
import { createAnalyzer } from './analyze.js';
import { readTopics, type TopicQuery } from './read-topics.js';
import { runTopics } from './run.js';

const TENANT = 'zone';
const FROM = '2026-03-23';
const TO = '2026-04-12';
const AUCKLAND = 'Pacific/Auckland';
const LOS_ANGELES = 'America/Los_Angeles';
const DAY = 86_400_000;
const PEOPLE = ['Z1', 'Z2', 'Z3', 'Z4', 'Z5', 'Z6'];
const MINUTE = 60_000;

/**
 * Instants (UTC) of local midnights: Auckland's range start, Monday 30 March, 1 April,
 * Monday 6 April (after DST ended on 5 April) and the range's end; Los Angeles's
 * Monday 30 March and 1 April. Around each, every person writes 40 minutes before and
 * one to three times from 10 minutes after.
 */
const MIDNIGHTS = ['2026-03-22T11:00:00Z', '2026-03-29T11:00:00Z', '2026-03-31T11:00:00Z', '2026-04-05T12:00:00Z', '2026-04-12T12:00:00Z', '2026-03-30T07:00:00Z', '2026-04-01T07:00:00Z'];

interface Msg { id: string; author: string; time: number; question: boolean }

const messages: Msg[] = [];
for (const [b, midnight] of MIDNIGHTS.entries()) {
  for (const [i, author] of PEOPLE.entries()) {
    // More messages after some midnights than before, so that no shift cancels another.
    for (const offset of [-40, ...Array.from({ length: 1 + (b % 3) }, (_, j) => 10 + 2 * j)]) {
      messages.push({ id: `z-${b}-${i}-${offset}`, author, time: Date.parse(midnight) + (offset + i) * MINUTE, question: i >= 1 });
    }
  }
}
const text = (m: Msg) => (m.question ? 'can you check the deployment review?' : 'the deployment review is ready');

// ---- expectations from Intl ---------------------------------------------------------------

const localDate = (ms: number, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const periodOf = (date: string, period: 'week' | 'month') =>
  (period === 'month' ? `${date.slice(0, 7)}-01` : addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7)));
function periodsOf(period: 'week' | 'month'): string[] {
  const out: string[] = [];
  for (let d = FROM; d <= TO; d = addDays(d, 1)) if (!out.includes(periodOf(d, period))) out.push(periodOf(d, period));
  return out;
}
/** Messages (questions only with `questions`) per period of the range, their dates taken in `zone`. */
function expected(zone: string, period: 'week' | 'month', questions = false): number[] {
  const inRange = messages.filter((m) => (!questions || m.question) && localDate(m.time, zone) >= FROM && localDate(m.time, zone) <= TO);
  return periodsOf(period).map((p) => inRange.filter((m) => periodOf(localDate(m.time, zone), period) === p).length);
}
/** The first minute at which `date` has begun in `zone`: its local midnight as a UTC instant. */
function midnightOf(date: string, zone: string): number {
  let t = Date.parse(`${date}T00:00:00Z`) - 15 * 3_600_000;
  while (localDate(t, zone) < date) t += MINUTE;
  return t;
}

// ---- the store ----------------------------------------------------------------------------

let api: TestApi;
const analyzer = createAnalyzer();
const run = async (full = false) => {
  await new Promise((r) => setTimeout(r, 5));
  return runTopics(api.store, TENANT, { full, settleMs: 0, analyzer });
};
const query = (view: TopicQuery['view'], period: 'week' | 'month', source: 'cells' | 'messages' = 'cells'): TopicQuery =>
  ({ tenant: TENANT, view, period, from: FROM, to: TO, groupBy: 'none', k: 5, scope: { kind: 'all' }, source });
const series = async (view: TopicQuery['view'], period: 'week' | 'month', figure: string, source: 'cells' | 'messages' = 'cells') => {
  const answer = await readTopics(api.store, query(view, period, source));
  expect(answer.periods).toEqual(periodsOf(period));
  return answer.series.find((s) => s.figure === figure)!.values;
};
const cellDays = () => api.store.query<{ day: string; start: string; end: string; messages: string }>('test', `
  SELECT toString(day) AS day, toString(min(time)) AS start, toString(min(day_end)) AS end, toString(sum(messages)) AS messages
  FROM topic_cells WHERE tenant = {tenant:String} AND kind = 'message' GROUP BY day ORDER BY day`, { tenant: TENANT });
const storeTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

beforeAll(async () => {
  api = await startTestApi('topic-zone');
  await writeAnalyticsSettings(api.store, TENANT, { time_zone: AUCKLAND });
  let n = 0;
  const ev = (type: string, data: Record<string, unknown>, ms: number): CloudEvent => cloudEvent(type, data, { id: `${TENANT}-${n++}`, tenant: TENANT, time: new Date(ms).toISOString(), source: 'slack://TZONE' });
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  await writeEvents(api.store, [
    ...PEOPLE.map((p) => ev('user.created', { user_id: p, email: `${p.toLowerCase()}@zone.test`, display_name: `Person ${p}`, department: 'Ops' }, t0)),
    ev('conversation.created', { conversation_id: 'C-zone', name: 'ops', conversation_type: 'channel', created_by: PEOPLE[0] }, t0 + 1000),
    ...PEOPLE.map((p) => ev('member.joined', { conversation_id: 'C-zone', user_id: p, by: PEOPLE[0] }, t0 + 2000)),
    ...messages.map((m) => ev('message.created', { message_id: m.id, conversation_id: 'C-zone', conversation_type: 'channel', author_id: m.author, text: text(m) }, m.time)),
  ]);
  const first = await run();
  expect(first.messages).toBe(messages.length);
}, 180_000);
afterAll(async () => {
  await api?.close();
});

describe('topic periods in the tenant\'s time zone', () => {
  it('the data set is one where local and UTC periods differ', () => {
    for (const period of ['week', 'month'] as const) expect(expected(AUCKLAND, period)).not.toEqual(expected('UTC', period));
    expect(expected(LOS_ANGELES, 'week')).not.toEqual(expected('UTC', 'week'));
    expect(expected(LOS_ANGELES, 'week')).not.toEqual(expected(AUCKLAND, 'week'));
  });

  it('cells are local days: each starts and ends at a local midnight and holds that date\'s messages', async () => {
    const days = await cellDays();
    const want = new Map<string, number>();
    for (const m of messages) want.set(localDate(m.time, AUCKLAND), (want.get(localDate(m.time, AUCKLAND)) ?? 0) + 1);
    expect(new Map(days.map((d) => [d.day, Number(d.messages)]))).toEqual(want);
    for (const d of days) {
      expect(d.start, d.day).toBe(storeTime(midnightOf(d.day, AUCKLAND)));
      expect(d.end, d.day).toBe(storeTime(midnightOf(addDays(d.day, 1), AUCKLAND)));
    }
    // 5 April 2026 is 25 hours long in Auckland (DST ends).
    const fifth = days.find((d) => d.day === '2026-04-05')!;
    expect(Date.parse(`${fifth.end.replace(' ', 'T')}Z`) - Date.parse(`${fifth.start.replace(' ', 'T')}Z`)).toBe(25 * 3_600_000);
  });

  it('weeks and months, the range\'s ends and questions follow Auckland, from the cells and from the messages', async () => {
    for (const period of ['week', 'month'] as const) {
      for (const source of ['cells', 'messages'] as const) {
        expect(await series('terms', period, 'messages', source), `${period} ${source}`).toEqual(expected(AUCKLAND, period));
        expect(await series('sentiment', period, 'rated_messages', source), `${period} ${source}`).toEqual(expected(AUCKLAND, period));
      }
      expect(await series('bottlenecks', period, 'questions'), period).toEqual(expected(AUCKLAND, period, true));
      // A term's messages per period: every message names the deployment.
      const terms = await readTopics(api.store, query('terms', period));
      const counts = expected(AUCKLAND, period);
      const deployment = new Map(terms.tables.map((t) => [t.period, t.rows.find((r) => r.forms.includes('deployment'))?.messages]));
      expect(periodsOf(period).map((p) => deployment.get(p) ?? 0)).toEqual(counts);
    }
  });

  it('weeks are those of the engagement metric for the same messages', async () => {
    const engagement = await readEngagement(api.store, { tenant: TENANT, metric: 'messages', period: 'week', from: FROM, to: TO, groupBy: 'none', k: 5, scope: { kind: 'all' } });
    expect(engagement.series[0]!.values).toEqual(await series('terms', 'week', 'messages'));
  });

  it('a zone change: the message views follow at once, the cells at the next run (which rebuilds them all), engagement after its backfill', async () => {
    await writeAnalyticsSettings(api.store, TENANT, { time_zone: LOS_ANGELES });
    expect(await series('terms', 'week', 'messages', 'messages')).toEqual(expected(LOS_ANGELES, 'week'));
    expect(await series('bottlenecks', 'week', 'questions')).toEqual(expected(LOS_ANGELES, 'week', true));
    // Until the next run the cells keep Auckland's days (docs/topics.md "Time zone").
    expect(await series('terms', 'week', 'messages')).toEqual(expected(AUCKLAND, 'week'));

    const next = await run();
    expect(next.messages).toBe(0);
    expect(next.rezoned).toBe(true);
    for (const period of ['week', 'month'] as const) {
      expect(await series('terms', period, 'messages'), period).toEqual(expected(LOS_ANGELES, period));
      expect(await series('sentiment', period, 'rated_messages'), period).toEqual(expected(LOS_ANGELES, period));
    }
    const days = await cellDays();
    for (const d of days) expect(d.start, d.day).toBe(storeTime(midnightOf(d.day, LOS_ANGELES)));
    expect((await run()).rezoned).toBe(false);
    await run(true);
    expect(await cellDays()).toEqual(days);

    await backfillAnalytics(api.store, TENANT);
    const engagement = await readEngagement(api.store, { tenant: TENANT, metric: 'messages', period: 'week', from: FROM, to: TO, groupBy: 'none', k: 5, scope: { kind: 'all' } });
    expect(engagement.series[0]!.values).toEqual(expected(LOS_ANGELES, 'week'));
  });
});
