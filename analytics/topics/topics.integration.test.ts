/**
 * Topic analysis end to end on the real store and API (API tokens, Casbin, audit),
 * on a generated bilingual company (test/helpers/topics-archive.ts). Every expected
 * figure is computed here from the generated messages: concept counts per week,
 * TF-IDF, the trend test, replies and waits, sentiment means.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import type { CloudEvent } from '../../test/helpers/events.js';
import { writeEvents } from '../../test/helpers/store-events.js';
import { CONCEPTS, FROM, TO, WEEKS, topicsArchive, type Concept, type GenMessage, type TopicsArchive } from '../../test/helpers/topics-archive.js';
import { runTopics } from './run.js';
import { createAnalyzer } from './analyze.js';

const TENANT = 'bili';
const K = 5;
const HORIZON_S = 30 * 86_400;
let api: TestApi;
let archive: TopicsArchive;
let admin: string;
const analyzer = createAnalyzer();

const store = (events: CloudEvent[]) => writeEvents(api.store, events);

async function run(full = false) {
  await new Promise((r) => setTimeout(r, 5)); // rows stored in the run's own millisecond wait for the next run
  return runTopics(api.store, TENANT, { full, settleMs: 0, analyzer });
}

async function get(path: string, token = admin): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${api.baseUrl}/v1/tenants/${TENANT}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

async function topics(q: Record<string, string>, token = admin) {
  const r = await get(`/analytics/topics?${new URLSearchParams({ from: FROM, to: TO, limit: '200', ...q })}`, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const weekOf = (ms: number) => {
  const d = new Date(ms);
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(monday).toISOString().slice(0, 10);
};
const has = (m: GenMessage, c: Concept) => m.concepts.includes(c);
/** The table row of a concept: the row whose forms are that concept's forms. */
const rowOf = (rows: any[], c: Concept) => rows.find((r) => r.forms.some((f: string) => (CONCEPTS[c] as readonly string[]).includes(f))); // eslint-disable-line @typescript-eslint/no-explicit-any
const tableOf = (body: any, period: string, group: string | null = null) => body.tables.find((t: any) => t.period === period && t.group === group); // eslint-disable-line @typescript-eslint/no-explicit-any

/** PERCENTILE.INC, as quantileExactInclusive. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * 0.5;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

/** First later message in the conversation by someone else, in seconds (null: none within the horizon). */
function waitOf(q: GenMessage, all: GenMessage[]): number | null {
  const reply = all.filter((m) => m.conversation === q.conversation && m.author !== q.author && (m.time > q.time || (m.time === q.time && m.id > q.id)))
    .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1))[0];
  const end = Date.parse(`${TO}T00:00:00Z`) + 86_400_000 + HORIZON_S * 1000;
  return reply && reply.time < end ? (reply.time - q.time) / 1000 : null;
}

beforeAll(async () => {
  api = await startTestApi('topics', { env: { CUSTOS_RATE_LIMIT_PER_MIN: '100000' } });
  admin = await api.createToken(TENANT, 'admin');
  archive = topicsArchive(TENANT);
  await store(archive.adminEvents);
  // First half, a run; the rest with one edit and one deletion, an incremental run.
  const cut = Date.parse(`${WEEKS[3]}T00:00:00Z`);
  await store(archive.messageEvents(archive.messages.filter((m) => m.time < cut)));
  const first = await run();
  expect(first.messages).toBe(archive.messages.filter((m) => m.time < cut).length);
  await store(archive.messageEvents(archive.messages.filter((m) => m.time >= cut)));
  await store(archive.changeEvents());
  const second = await run();
  expect(second.messages).toBe(archive.messages.filter((m) => m.time >= cut).length + 1); // the edited message again
  expect(second.deletions).toBe(1);
}, 180_000);
afterAll(async () => {
  await api?.close();
});

describe('per message', () => {
  it('detects the language of every message, short and mixed ones included, and records the analyzer', async () => {
    const rows = await api.store.query<{ message_id: string; language: string; is_question: number; analyzer: string; analyzer_version: string }>('test', `
      SELECT message_id, language, is_question, analyzer, analyzer_version FROM topic_messages FINAL WHERE tenant = {tenant:String} ORDER BY message_id`, { tenant: TENANT });
    expect(rows.map((r) => r.message_id)).toEqual(archive.final.map((m) => m.id).sort());
    const expected = new Map(archive.final.map((m) => [m.id, m]));
    for (const r of rows) {
      expect(r.language, expected.get(r.message_id)!.text).toBe(expected.get(r.message_id)!.language);
      expect(Number(r.is_question), expected.get(r.message_id)!.text).toBe(expected.get(r.message_id)!.question ? 1 : 0);
      expect(r.analyzer).toContain('custos-topics');
      expect(r.analyzer_version).toBe('1');
    }
    expect(new Set(rows.map((r) => r.language))).toEqual(new Set(['en', 'fr', 'mixed', 'und']));
  });

  it('replaces an edited message\'s analysis and drops a deleted one', async () => {
    const [edited] = await api.store.query<{ forms: string[]; language: string }>('test', 'SELECT forms, language FROM topic_messages FINAL WHERE tenant = {tenant:String} AND message_id = {id:String}', { tenant: TENANT, id: archive.edit.id });
    expect(edited!.language).toBe('fr');
    expect(edited!.forms).toContain(CONCEPTS.reunion[1]);
    expect(edited!.forms.some((f) => (CONCEPTS.server as readonly string[]).includes(f))).toBe(false);
    const gone = await api.store.query('test', 'SELECT 1 FROM topic_messages FINAL WHERE tenant = {tenant:String} AND message_id = {id:String}', { tenant: TENANT, id: archive.deleted.id });
    expect(gone).toHaveLength(0);
  });
});

describe('terms', () => {
  it('counts each concept as one term (réunions/réunion, meetings/meeting), never a stop word, ranked by TF-IDF against the tenant', async () => {
    const body = await topics({ view: 'terms', group_by: 'none' });
    const all = archive.final;
    const df = (c: Concept) => all.filter((m) => has(m, c)).length;
    for (const week of WEEKS) {
      const table = tableOf(body, week);
      expect(table, week).toBeDefined();
      const cell = all.filter((m) => weekOf(m.time) === week);
      const expectedScores: [Concept, number][] = [];
      for (const c of ['meeting', 'reunion', 'server', 'serveur', 'invoice', 'facture', 'livraison'] as Concept[]) {
        const used = cell.filter((m) => has(m, c));
        const authors = new Set(used.map((m) => m.author)).size;
        const row = rowOf(table.rows.filter((r: any) => r.kind === 'term'), c); // eslint-disable-line @typescript-eslint/no-explicit-any
        if (authors < K) {
          expect(row, `${c} ${week}`).toBeUndefined();
          continue;
        }
        expect(row, `${c} ${week}`).toBeDefined();
        expect(new Set(row.forms)).toEqual(new Set(CONCEPTS[c].filter((f) => used.some((m) => m.text.toLowerCase().split(/[^\p{L}]+/u).includes(f)))));
        expect(row.messages).toBe(used.length);
        expect(row.authors).toBe(authors);
        const score = (used.length / cell.length) * Math.log(all.length / df(c));
        expect(row.score).toBeCloseTo(score, 9);
        expectedScores.push([c, score]);
      }
      // The concepts' order in the table is the order of their scores.
      const order = table.rows.filter((r: any) => r.kind === 'term' && expectedScores.some(([c]) => rowOf([r], c))).map((r: any) => expectedScores.find(([c]) => rowOf([r], c))![0]); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(order).toHaveLength(expectedScores.length);
      const scores = order.map((c: Concept) => expectedScores.find(([x]) => x === c)![1]);
      for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1]! + 1e-12);
      for (const r of table.rows) for (const f of r.display.split(' ')) expect(['le', 'la', 'les', 'the', 'de', 'is', 'a', 'est']).not.toContain(f);
    }
    expect(JSON.stringify(body)).not.toMatch(/"(le|the|la)"/);
  });

  it('hides the smallest department using a term while the departments under k for it could be worked out by difference', async () => {
    const body = await topics({ view: 'terms', group_by: 'department' });
    const dept = (id: string) => (id.startsWith('E') ? 'Engineering' : id.startsWith('S') ? 'Sales' : 'Legal');
    for (const week of WEEKS) {
      const authors = new Map<string, Set<string>>();
      for (const m of archive.final) if (weekOf(m.time) === week && has(m, 'meeting')) authors.set(dept(m.author), (authors.get(dept(m.author)) ?? new Set()).add(m.author));
      const under = [...authors].filter(([, a]) => a.size < K).reduce((n, [, a]) => n + a.size, 0);
      const shown = [...authors].filter(([, a]) => a.size >= K).sort((a, b) => a[1].size - b[1].size || (a[0] < b[0] ? -1 : 1));
      expect(under, week).toBeGreaterThan(0); // Legal's three people in the mixed messages
      expect(under).toBeLessThan(K);
      const hiddenToo = shown[0]![0];
      expect(rowOf(tableOf(body, week, hiddenToo)?.rows.filter((r: any) => r.kind === 'term') ?? [], 'meeting'), `${week} ${hiddenToo}`).toBeUndefined(); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(body.suppressed).toContainEqual({ period: week, group: hiddenToo, reason: 'difference_with_shown_groups' });
      for (const [d] of shown.slice(1)) expect(rowOf(tableOf(body, week, d).rows, 'meeting'), `${week} ${d}`).toBeDefined();
    }
  });

  it('never shows a term fewer than k people used (kubernetes: three authors, every day), in any view or grouping', async () => {
    for (const view of ['terms', 'trends', 'recurring', 'bottlenecks', 'training', 'sentiment']) {
      for (const group_by of ['none', 'department', 'conversation']) {
        const body = await topics({ view, group_by });
        expect(JSON.stringify(body), `${view} ${group_by}`).not.toContain('kubernetes');
        if (group_by === 'conversation') {
          expect(JSON.stringify(body)).not.toContain('G-legal');
        }
      }
    }
    const byConversation = await topics({ view: 'sentiment', group_by: 'conversation' });
    expect(byConversation.suppressed).toContainEqual({ period: WEEKS[0], group: null, reason: 'conversation_under_k_members', count: 1 });
  });
});

describe('trends', () => {
  it('finds the term that rises (outage in week 5, z computed here) and not the steady one (meeting)', async () => {
    const body = await topics({ view: 'trends', group_by: 'none', baseline: '4' });
    const all = archive.final;
    const count = (week: string, c?: Concept) => all.filter((m) => weekOf(m.time) === week && (!c || has(m, c))).length;
    const z = (c: Concept, w: number) => {
      const x1 = count(WEEKS[w]!, c), n1 = count(WEEKS[w]!);
      let x0 = 0, n0 = 0;
      for (let i = Math.max(0, w - 4); i < w; i++) { x0 += count(WEEKS[i]!, c); n0 += count(WEEKS[i]!); }
      const p = (x1 + x0) / (n1 + n0);
      return (x1 / n1 - x0 / n0) / Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n0));
    };
    const outage = rowOf(tableOf(body, WEEKS[4]).rows, 'outage');
    expect(outage).toBeDefined();
    expect(outage.z).toBeCloseTo(z('outage', 4), 9);
    expect(outage.p_value).toBeLessThan(0.01);
    for (let w = 1; w < 6; w++) expect(z('meeting', w)).toBeLessThan(2.33);
    for (const t of body.tables) expect(rowOf(t.rows, 'meeting'), t.period).toBeUndefined();
    const series = body.series.find((s: any) => s.figure === `rate:${outage.term}`); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(series.values[4]).toBeCloseTo(count(WEEKS[4]!, 'outage') / count(WEEKS[4]!), 12);
    expect(series.values[0]).toBeNull(); // one author that week
  });

  it('groups recurring topics across conversations and weeks', async () => {
    const body = await topics({ view: 'recurring', group_by: 'none' });
    const rows = body.tables[0].rows;
    const meeting = rowOf(rows.filter((r: any) => r.kind === 'term'), 'meeting'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const used = archive.final.filter((m) => has(m, 'meeting'));
    expect(meeting.conversations).toBe(new Set(used.map((m) => m.conversation)).size);
    expect(meeting.weeks).toBe(new Set(used.map((m) => weekOf(m.time))).size);
    expect(meeting.messages).toBe(used.length);
  });
});

describe('questions', () => {
  it('counts unanswered questions and the wait for a first reply per week (computed here from every conversation)', async () => {
    const body = await topics({ view: 'bottlenecks', group_by: 'none', reply_within: '3600' });
    const all = archive.final;
    const serie = (f: string) => body.series.find((s: any) => s.figure === f && s.group === null).values; // eslint-disable-line @typescript-eslint/no-explicit-any
    WEEKS.forEach((week, i) => {
      const qs = all.filter((m) => m.question && weekOf(m.time) === week);
      const waits = qs.map((q) => waitOf(q, all));
      expect(serie('questions')[i]).toBe(qs.length);
      expect(serie('unanswered')[i]).toBe(waits.filter((w) => w === null || w > 3600).length);
      expect(serie('median_wait_s')[i]).toBeCloseTo(median(waits.map((w) => w ?? HORIZON_S))!, 6);
    });
    // The last week's last questions have no reply at all.
    expect(waitOf(all.filter((m) => m.question).at(-1)!, all)).toBeNull();
    // Topics whose questions wait longest: the meeting questions' median wait.
    const week = WEEKS[1]!;
    const meetingQs = all.filter((m) => m.question && has(m, 'meeting') && weekOf(m.time) === week);
    const row = rowOf(tableOf(body, week).rows, 'meeting');
    expect(row.questions).toBe(meetingQs.length);
    expect(row.median_wait_s).toBeCloseTo(median(meetingQs.map((q) => waitOf(q, all) ?? HORIZON_S))!, 6);
  });

  it('lists training needs: topics many people ask about', async () => {
    const body = await topics({ view: 'training', group_by: 'department' });
    const week = WEEKS[2]!;
    const asked = (c: Concept, dept: string) => archive.final.filter((m) => m.question && has(m, c) && weekOf(m.time) === week && m.author.startsWith(dept));
    const sales = rowOf(tableOf(body, week, 'Sales').rows, 'reunion');
    expect(sales.questions).toBe(asked('reunion', 'S').length);
    expect(sales.askers).toBe(new Set(asked('reunion', 'S').map((m) => m.author)).size);
    const eng = rowOf(tableOf(body, week, 'Engineering').rows, 'meeting');
    expect(eng.askers).toBe(new Set(asked('meeting', 'E').map((m) => m.author)).size);
  });
});

describe('sentiment', () => {
  it('gives the mean sentiment per week', async () => {
    const body = await topics({ view: 'sentiment', group_by: 'none' });
    const values = body.series.find((s: any) => s.figure === 'sentiment').values; // eslint-disable-line @typescript-eslint/no-explicit-any
    WEEKS.forEach((week, i) => {
      const rated = archive.final.filter((m) => weekOf(m.time) === week && m.sentiment !== null);
      expect(values[i]).toBeCloseTo(rated.reduce((s, m) => s + m.sentiment!, 0) / rated.length, 6);
    });
  });
});

describe('who sees what', () => {
  it('a manager sees only their departments and never a message text; an auditor is refused', async () => {
    const manager = await api.createToken(TENANT, 'manager', 'eng.lead@bili.test');
    const body = await topics({ view: 'terms', group_by: 'department' }, manager);
    expect(body.departments).toEqual(['Engineering']);
    expect(new Set(body.tables.map((t: any) => t.group))).toEqual(new Set(['Engineering'])); // eslint-disable-line @typescript-eslint/no-explicit-any
    const text = JSON.stringify(await topics({ view: 'terms', group_by: 'none' }, manager));
    for (const c of ['invoice', 'facture'] as Concept[]) for (const f of CONCEPTS[c]) expect(text).not.toContain(f);
    for (const m of archive.final) if (m.text.includes(' ')) expect(text).not.toContain(m.text);
    expect(text).not.toContain('"search"');
    const auditor = await api.createToken(TENANT, 'auditor');
    expect((await get('/analytics/topics', auditor)).status).toBe(403);
  });

  it('a compliance officer follows a term to its messages through the audited search', async () => {
    const officer = await api.createToken(TENANT, 'compliance_officer');
    const body = await topics({ view: 'terms', group_by: 'none' }, officer);
    const row = rowOf(tableOf(body, WEEKS[1]).rows.filter((r: any) => r.kind === 'term'), 'meeting'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await get(`/messages?${new URLSearchParams({ q: row.search.q, from: row.search.from, to: row.search.to, limit: '1' })}`, officer);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.total).toBe(archive.final.filter((m) => has(m, 'meeting') && weekOf(m.time) === WEEKS[1]).length);
  });
});

describe('incremental and exclusions', () => {
  it('an incremental run gives the same rows and answers as a full one', async () => {
    const snapshot = async () => ({
      rows: await api.store.query('test', `
        SELECT conversation_id, message_id, author_id, toString(time) AS time, language, terms, forms, phrases, phrase_forms, is_question, sentiment
        FROM topic_messages FINAL WHERE tenant = {tenant:String} ORDER BY conversation_id, message_id`, { tenant: TENANT }),
      answers: await Promise.all(['terms', 'trends', 'bottlenecks', 'sentiment'].map((view) => topics({ view, group_by: 'department' }))),
    });
    const incremental = await snapshot();
    const full = await run(true);
    expect(full.messages).toBe(archive.final.length);
    expect(await snapshot()).toEqual(incremental);
    const nothingNew = await run();
    expect(nothingNew.messages).toBe(0);
  });

  it('an excluded conversation leaves no trace (at once in answers, and in the rows from the next run); lifting it brings it back', async () => {
    const dpo = await api.createToken(TENANT, 'dpo');
    const put = await fetch(`${api.baseUrl}/v1/tenants/${TENANT}/analytics/topics/exclusions/C-sales`, {
      method: 'PUT', headers: { authorization: `Bearer ${dpo}`, 'content-type': 'application/json' },
      body: JSON.stringify({ excluded: true, reason: 'objection', note: 'Art. 21 request 42' }),
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const sales = archive.final.filter((m) => m.conversation === 'C-sales');
    const rest = archive.final.filter((m) => m.conversation !== 'C-sales');
    for (const view of ['terms', 'recurring', 'training']) {
      const text = JSON.stringify(await topics({ view, group_by: 'conversation' }));
      expect(text).not.toContain('C-sales');
      for (const f of [...CONCEPTS.invoice, ...CONCEPTS.facture]) expect(text).not.toContain(f);
    }
    const messages = (await topics({ view: 'terms', group_by: 'none' })).series[0].values;
    expect(messages).toEqual(WEEKS.map((w) => rest.filter((m) => weekOf(m.time) === w).length));
    await run();
    const [left] = await api.store.query<{ n: string }>('test', "SELECT toString(count()) AS n FROM topic_messages WHERE tenant = {tenant:String} AND conversation_id = 'C-sales'", { tenant: TENANT });
    expect(Number(left!.n)).toBe(0);
    const list = await get('/analytics/topics/exclusions', dpo);
    expect(list.body.items).toMatchObject([{ conversation_id: 'C-sales', excluded: true, reason: 'objection' }]);
    // A manager cannot exclude.
    const manager = await api.createToken(TENANT, 'manager', 'sales.lead@bili.test');
    const refused = await fetch(`${api.baseUrl}/v1/tenants/${TENANT}/analytics/topics/exclusions/C-eng`, { method: 'PUT', headers: { authorization: `Bearer ${manager}`, 'content-type': 'application/json' }, body: JSON.stringify({ excluded: true, reason: 'policy' }) });
    expect(refused.status).toBe(403);
    await fetch(`${api.baseUrl}/v1/tenants/${TENANT}/analytics/topics/exclusions/C-sales`, {
      method: 'PUT', headers: { authorization: `Bearer ${dpo}`, 'content-type': 'application/json' }, body: JSON.stringify({ excluded: false, reason: 'objection' }),
    });
    const back = await run();
    expect(back.messages).toBe(sales.length);
  });

  it('the topics job kind runs through the job runner', async () => {
    await new Promise((r) => setTimeout(r, 5100)); // the job leaves the last 5 s to the next run
    const runner = api.jobs.service as unknown as { submit: Function; run: Function }; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
    const job = await runner.submit(TENANT, 'topics', { full: true }, { subjectRef: 'test', kind: 'system' });
    const done = await runner.run(job);
    expect(done.state, done.error).toBe('done');
    expect(done.result.messages).toBe(archive.final.length);
  });
});

describe('the analyzer on its own', () => {
  it('detects short and mixed messages', () => {
    expect(analyzer('réunion demain ?').language).toBe('fr');
    expect(analyzer('meeting tomorrow?').language).toBe('en');
    expect(analyzer('Salut, the build is broken').language).toBe('mixed');
    expect(analyzer('merci beaucoup').language).toBe('fr');
    expect(analyzer('pouvez-vous valider').isQuestion).toBe(true);
    expect(analyzer('Is there a fix').isQuestion).toBe(true);
    expect(analyzer('Will do').isQuestion).toBe(false);
  });
});
