/**
 * The topic cells (migrations/0017_topic_cells.sql) on the real store: after an
 * incremental run with an edit and a deletion they are the cells a full run gives,
 * their message counts are the generated archive's, every view answers the same from
 * the cells as from the messages, and erasing a person through the registry's
 * columns removes their whole contribution from the answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAL_DATA_REGISTRY } from '../../common/registry/personal-data.js';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import type { CloudEvent } from '../../test/helpers/events.js';
import { writeEvents } from '../../test/helpers/store-events.js';
import { FROM, TO, WEEKS, topicsArchive, type TopicsArchive } from '../../test/helpers/topics-archive.js';
import { createAnalyzer } from './analyze.js';
import { readTopics, TOPIC_VIEWS, type TopicQuery } from './read-topics.js';
import { runTopics } from './run.js';

const TENANT = 'cells';
let api: TestApi;
let archive: TopicsArchive;
const analyzer = createAnalyzer();

const store = (events: CloudEvent[]) => writeEvents(api.store, events);

async function run(full = false) {
  await new Promise((r) => setTimeout(r, 5));
  return runTopics(api.store, TENANT, { full, settleMs: 0, analyzer });
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const weekOf = (ms: number) => {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
};

/** Every cell, summed by key (parts not merged yet count once). */
const cells = () => api.store.query<Record<string, unknown>>('test', `
  SELECT toString(day) AS day, conversation_id, author_id, kind, term, form, toString(sum(messages)) AS messages,
    toString(sum(questions)) AS questions, toString(sum(rated)) AS rated, round(sum(sentiment_sum), 9) AS sentiment_sum
  FROM topic_cells WHERE tenant = {tenant:String} GROUP BY ALL ORDER BY ALL`, { tenant: TENANT });

const query = (view: TopicQuery['view'], groupBy: TopicQuery['groupBy']): TopicQuery => ({ tenant: TENANT, view, period: 'week', from: FROM, to: TO, groupBy, k: 5, scope: { kind: 'all' } });

beforeAll(async () => {
  api = await startTestApi('topic-cells');
  archive = topicsArchive(TENANT);
  await store(archive.adminEvents);
  const cut = Date.parse(`${WEEKS[3]}T00:00:00Z`);
  await store(archive.messageEvents(archive.messages.filter((m) => m.time < cut)));
  await run();
  await store(archive.messageEvents(archive.messages.filter((m) => m.time >= cut)));
  await store(archive.changeEvents());
  const second = await run();
  expect(second.deletions).toBe(1);
}, 180_000);
afterAll(async () => {
  await api?.close();
});

describe('topic cells', () => {
  it('hold the archive\'s messages per day, conversation and author, and an incremental run leaves the cells a full run gives', async () => {
    const incremental = await cells();
    const expected = new Map<string, number>();
    for (const m of archive.final) {
      const key = `${day(m.time)} ${m.conversation} ${m.author}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const got = new Map(incremental.filter((c) => c.kind === 'message').map((c) => [`${String(c.day)} ${String(c.conversation_id)} ${String(c.author_id)}`, Number(c.messages)]));
    expect(got).toEqual(expected);
    expect(incremental.some((c) => c.kind === 'question-term')).toBe(true);
    await run(true);
    expect(await cells()).toEqual(incremental);
  });

  it('answer every view the same from the cells as from the messages', async () => {
    for (const groupBy of ['none', 'department', 'conversation'] as const) {
      for (const view of TOPIC_VIEWS) {
        const fromCells = await readTopics(api.store, query(view, groupBy));
        const fromMessages = await readTopics(api.store, { ...query(view, groupBy), source: 'messages' });
        expect(fromCells, `${view} by ${groupBy}`).toEqual(fromMessages);
      }
    }
  });

  it('lose a person\'s whole contribution when erasure deletes their rows by the registry\'s columns', async () => {
    const counts = new Map<string, number>();
    for (const m of archive.final) counts.set(m.author, (counts.get(m.author) ?? 0) + 1);
    const [person] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    for (const t of PERSONAL_DATA_REGISTRY.filter((r) => r.name.startsWith('topic_'))) {
      if (t.erasure.how !== 'delete-rows') continue;
      for (const column of t.erasure.subjectColumns) {
        await api.store.command('test: erase', `DELETE FROM ${t.name} WHERE tenant = {tenant:String} AND ${column} = {person:String}`, { tenant: TENANT, person });
      }
    }
    const [left] = await api.store.query<{ n: string }>('test', 'SELECT toString(count()) AS n FROM topic_cells WHERE tenant = {tenant:String} AND author_id = {person:String}', { tenant: TENANT, person });
    expect(Number(left!.n)).toBe(0);
    const rest = archive.final.filter((m) => m.author !== person);
    const terms = await readTopics(api.store, query('terms', 'none'));
    expect(terms.series[0]!.values).toEqual(WEEKS.map((w) => rest.filter((m) => weekOf(m.time) === w).length));
    for (const view of TOPIC_VIEWS) expect(await readTopics(api.store, query(view, 'department')), view).toEqual(await readTopics(api.store, { ...query(view, 'department'), source: 'messages' }));
  });
});
