/**
 * Topic answers for managers: top terms and phrases by TF-IDF, trending terms,
 * recurring topics, bottlenecks, training needs and the sentiment trend, per period
 * (ISO week or month) and group (everyone in scope, department, conversation),
 * computed in the store from the per-message analysis, never from text. The floor:
 * a term or phrase leaves the store only when at least k distinct authors used it
 * in its cell (a HAVING in the query), figures about a cell only when it covers at
 * least k people (analytics/privacy-floor.ts), and a conversation of fewer than k
 * members is neither shown nor named.
 */
import type { Store } from '../../common/store/store.js';
import { applyPrivacyFloor, checkK, fewPeopleSql, type Cell, type Suppressed } from '../privacy-floor.js';
import { periodStarts } from '../periods.js';
import type { AnalyticsScope } from '../scope.js';
import { AnalyticsInputError, checkRange } from '../engagement.js';
import { ANALYZER, ANALYZER_VERSION } from './analyze.js';
import { QUESTIONS } from './questions-sql.js';
import { riseTest } from './significance.js';
import { TOPIC_MESSAGES, dayStarts, groupedRows, topicCells, type TopicGroupBy, type TopicPeriod } from './topic-sql.js';

export const TOPIC_VIEWS = ['terms', 'trends', 'recurring', 'bottlenecks', 'training', 'sentiment'] as const;
export type TopicView = (typeof TOPIC_VIEWS)[number];

export interface TopicQuery {
  tenant: string;
  view: TopicView;
  period: TopicPeriod;
  from: string;
  to: string;
  groupBy: TopicGroupBy;
  k: number;
  scope: AnalyticsScope;
  /** Rows per table (default 20). */
  limit?: number;
  /** Trends: previous periods a period is compared with (default 4), and the significance level (default 0.01). */
  baseline?: number;
  alpha?: number;
  /** Bottlenecks: a question with no reply within this many seconds is unanswered (default 86,400). */
  replyWithinS?: number;
  /** Recurring: in at least this many conversations and weeks (defaults 2 and 2; 1 conversation when grouped by conversation). */
  minConversations?: number;
  minWeeks?: number;
  /** 'messages' answers from topic_messages as before the cells (the bench compares the two); default the cells. */
  source?: 'cells' | 'messages';
}

export interface TopicRow {
  kind: 'term' | 'phrase';
  /** The stem key (what the analysis groups by). */
  term: string;
  /** The form written most often, and up to five forms (what a search for the term looks for). */
  display: string;
  forms: string[];
  [figure: string]: unknown;
}

export interface TopicTable { period: string; group: string | null; rows: TopicRow[] }
export interface TopicSeries { group: string | null; figure: string; values: (number | null)[] }

export interface TopicAnswer {
  view: TopicView;
  period: TopicPeriod;
  from: string;
  to: string;
  group_by: TopicGroupBy;
  k: number;
  periods: string[];
  tables: TopicTable[];
  series: TopicSeries[];
  suppressed: Suppressed[];
  analyzer: { name: string; version: string };
}

/** Seconds a reply is looked for after the range ends, and the wait a never-answered question counts as. */
export const REPLY_HORIZON_S = 30 * 86_400;
const DAY = 86_400_000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The first day of the period `n` periods before the one holding `date`. */
function periodsBefore(date: string, period: TopicPeriod, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (period === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 1)).toISOString().slice(0, 10);
  const monday = addDays(date, -((d.getUTCDay() + 6) % 7));
  return addDays(monday, -7 * n);
}

/** `cells`: the view reads the per-day cells (topic_cells) instead of the messages. */
interface Ctx { store: Store; q: TopicQuery; params: Record<string, unknown>; periods: string[]; trendsStart: string; rows: (source: string) => string; cells: boolean }

/**
 * Views answered from the cells; the others still read topic_messages (docs/topics.md
 * "Cells"): bottlenecks (first replies are not in the cells), recurring (its SQL runs on
 * the cells and gives the same answer, but was slower there at 1M: 3.0 s against 1.7 s).
 */
const CELL_VIEWS: ReadonlySet<TopicView> = new Set(['terms', 'sentiment', 'training', 'trends']);

/** The rows of terms or phrases (question terms when `questionsOnly`) with `term`, `form` and one message each, or a cell each (`c_messages`). */
function termSource(c: Ctx, kind: 'term' | 'phrase', questionsOnly = false, ctx: Ctx = c): string {
  if (c.cells) return `(${ctx.rows(topicCells(questionsOnly ? 'question-term' : kind))})`;
  return `(${ctx.rows(TOPIC_MESSAGES)}) ARRAY JOIN ${ARRAYS[kind]}${questionsOnly ? ' WHERE is_question = 1' : ''}`;
}
/** Messages of a group of term rows, and the form written most often. */
const COUNT = (c: Ctx) => (c.cells ? 'sum(c_messages)' : 'count()');
const DISPLAY = (c: Ctx) => (c.cells ? 'topKWeighted(1)(form, c_messages)[1]' : 'topK(1)(form)[1]');

export async function readTopics(store: Store, q: TopicQuery): Promise<TopicAnswer> {
  checkK(q.k);
  checkRange(q.from, q.to);
  const periods = periodStarts(q.from, q.to, q.period);
  // Local dates (the tenant's zone) -> the UTC instants their midnights are: the range, and where trends' baseline starts.
  const trendsFrom = periodsBefore(q.from, q.period, q.baseline ?? 4);
  const starts = new Map((await store.query<{ day: string; day_start: string }>('topics: local midnights', `
    SELECT toString(day) AS day, toString(day_start) AS day_start FROM (${dayStarts('SELECT arrayJoin({days:Array(Date)}) AS day')})`,
  { tenant: q.tenant, days: [q.from, addDays(q.to, 1), trendsFrom] })).map((r) => [r.day, r.day_start]));
  const params: Record<string, unknown> = {
    tenant: q.tenant, k: q.k, start: starts.get(q.from)!, end: starts.get(addDays(q.to, 1))!, firstDay: q.from, endDay: addDays(q.to, 1),
    ...(q.scope.kind === 'departments' ? { departments: q.scope.departments } : {}),
  };
  const ctx: Ctx = { store, q, params, periods, trendsStart: starts.get(trendsFrom)!, rows: (source) => groupedRows(source, q.period, q.groupBy, q.scope), cells: q.source !== 'messages' && CELL_VIEWS.has(q.view) };
  const empty = q.scope.kind === 'departments' && q.scope.departments.length === 0;
  const base = { view: q.view, period: q.period, from: q.from, to: q.to, group_by: q.groupBy, k: q.k, periods, analyzer: { name: ANALYZER, version: ANALYZER_VERSION } };
  if (empty) return { ...base, tables: [], series: [], suppressed: [] };
  const { tables, series, suppressed } = await VIEWS[q.view](ctx);
  return { ...base, tables, series, suppressed };
}

type ViewResult = Pick<TopicAnswer, 'tables' | 'series' | 'suppressed'>;

const VIEWS: Record<TopicView, (c: Ctx) => Promise<ViewResult>> = {
  terms: readTermsView,
  trends: readTrendsView,
  recurring: readRecurringView,
  bottlenecks: readBottlenecksView,
  training: readTrainingView,
  sentiment: readSentimentView,
};

// ---- cells, conversations that may be named -------------------------------------------------

interface CellRow { period: string; grp: string; messages: string; people: string; few: string[]; questions: string; rated: string; sentiment_mean: number | null }

async function readCells(c: Ctx): Promise<CellRow[]> {
  if (c.cells) {
    return c.store.query<CellRow>('topics: cells', `
      SELECT period, grp, toString(sum(c_messages)) AS messages, toString(uniqExact(user_id)) AS people,
        if(uniqExact(user_id) < {k:UInt32}, ${fewPeopleSql('1')}, []) AS few,
        toString(sum(c_questions)) AS questions, toString(sum(c_rated)) AS rated, if(sum(c_rated) > 0, sum(c_sentiment_sum) / sum(c_rated), NULL) AS sentiment_mean
      FROM (${c.rows(topicCells('message'))}) GROUP BY period, grp ORDER BY period, grp`, c.params);
  }
  return c.store.query<CellRow>('topics: cells', `
    SELECT period, grp, toString(count()) AS messages, toString(uniqExact(user_id)) AS people,
      if(uniqExact(user_id) < {k:UInt32}, ${fewPeopleSql('1')}, []) AS few,
      toString(countIf(is_question = 1)) AS questions, toString(countIf(sentiment IS NOT NULL)) AS rated, avgIf(sentiment, sentiment IS NOT NULL) AS sentiment_mean
    FROM (${c.rows(TOPIC_MESSAGES)}) GROUP BY period, grp ORDER BY period, grp`, c.params);
}

/** Conversations of at least k members (the directory's, or the people who posted in the range when more). */
async function nameable(c: Ctx, ids: string[]): Promise<Set<string>> {
  if (c.q.groupBy !== 'conversation' || ids.length === 0) return new Set(ids);
  const rows = await c.store.query<{ id: string; members: string }>('topics: conversation sizes', `
    SELECT p.conversation_id AS id, toString(greatest(p.posters, ifNull(m.members, 0))) AS members
    FROM (SELECT conversation_id, uniqExact(author_id) AS posters FROM (${c.cells ? topicCells('message') : TOPIC_MESSAGES}) WHERE conversation_id IN {ids:Array(String)} GROUP BY conversation_id) AS p
    LEFT JOIN (SELECT conversation_id, countIf(is_member) AS members FROM memberships_current
               WHERE tenant = {tenant:String} AND conversation_id IN {ids:Array(String)} GROUP BY conversation_id) AS m
    ON m.conversation_id = p.conversation_id`, { ...c.params, ids });
  return new Set(rows.filter((r) => Number(r.members) >= c.q.k).map((r) => r.id));
}

/** Splits groups into those that may be named and an entry per period for the others. */
async function namedOnly<T extends { period: string; grp: string }>(c: Ctx, rows: T[]): Promise<{ rows: T[]; suppressed: Suppressed[] }> {
  const ok = await nameable(c, [...new Set(rows.map((r) => r.grp))]);
  const hidden = new Map<string, Set<string>>();
  const kept = rows.filter((r) => {
    if (ok.has(r.grp)) return true;
    hidden.set(r.period, (hidden.get(r.period) ?? new Set()).add(r.grp));
    return false;
  });
  const suppressed: Suppressed[] = [...hidden].map(([period, g]) => ({ period, group: null, reason: 'conversation_under_k_members', count: g.size }));
  return { rows: kept, suppressed };
}

const groupOut = (c: Ctx, grp: string) => (c.q.groupBy === 'none' ? null : grp);

function toCells(rows: CellRow[], value: (r: CellRow) => number | null, people: (r: CellRow) => number = (r) => Number(r.people), few: (r: CellRow) => string[] = (r) => r.few): Cell[] {
  return rows.map((r) => ({ period: r.period, group: r.grp, value: value(r), people: people(r), few: few(r) }));
}

/** One series per group and figure, aligned on the periods; hidden cells are null. */
function seriesOf(c: Ctx, figure: string, shown: Cell[], suppressed: Suppressed[], empty: number | null): TopicSeries[] {
  const index = new Map(c.periods.map((p, i) => [p, i]));
  const groups = new Map<string, (number | null)[]>();
  const of = (g: string) => groups.get(g) ?? groups.set(g, c.periods.map(() => empty)).get(g)!;
  if (c.q.groupBy === 'none') of('');
  for (const cell of shown) of(cell.group)[index.get(cell.period)!] = cell.value;
  for (const s of suppressed) if (s.group !== null && index.has(s.period)) of(s.group)[index.get(s.period)!] = null;
  return [...groups.keys()].sort().map((g) => ({ group: groupOut(c, g), figure, values: groups.get(g)! }));
}

// ---- terms and phrases ------------------------------------------------------------------------

interface TermCellRow { period: string; grp: string; term: string; messages: string; authors: string; top_forms: string[]; display: string }

const ARRAYS = { term: 'terms AS term, forms AS form', phrase: 'phrases AS term, phrase_forms AS form' } as const;

/** (period, group, term) cells used by at least k distinct authors; `where` narrows the messages (questions). */
function termCellsSql(c: Ctx, kind: 'term' | 'phrase', questionsOnly = false): string {
  return `
    SELECT period, grp, term, toString(${COUNT(c)}) AS messages, toString(uniqExact(user_id)) AS authors,
      arraySort(groupUniqArray(5)(form)) AS top_forms, ${DISPLAY(c)} AS display
    FROM ${termSource(c, kind, questionsOnly)}
    GROUP BY period, grp, term
    HAVING uniqExact(user_id) >= {k:UInt32}`;
}

/**
 * Rule 3 of the floor for terms (the difference attack): an ungrouped answer's count
 * of a term minus the shown groups' counts is what the groups where fewer than k
 * people used it hold. Per period and term, the groups where it had 1 to k-1 authors
 * are read with those authors as hashes (they never leave the server), and the floor
 * hides the smallest shown group while they cover some but fewer than k people.
 */
async function guardDifferences<T extends TermCellRow>(c: Ctx, kind: 'term' | 'phrase', rows: T[], o: { source?: string; questionsOnly?: boolean; wholeRange?: boolean; params?: Record<string, unknown> } = {}): Promise<{ rows: T[]; suppressed: Suppressed[] }> {
  if (c.q.groupBy === 'none' || rows.length === 0) return { rows, suppressed: [] };
  const terms = [...new Set(rows.map((r) => r.term))];
  const period = o.wholeRange ? '{from:String}' : 'period';
  const fromCells = c.cells && o.source === undefined;
  const source = fromCells ? `(${c.rows(topicCells(o.questionsOnly ? 'question-term' : kind))})` : `(${c.rows(o.source ?? TOPIC_MESSAGES)}) ARRAY JOIN ${kind === 'term' ? 'terms' : 'phrases'} AS term`;
  const where = !fromCells && o.questionsOnly ? 'is_question = 1' : '1';
  const hidden = await c.store.query<{ period: string; grp: string; term: string; authors: string; few: string[] }>(`topics: ${kind}s under k`, `
    SELECT ${period} AS period, grp, term, toString(uniqExact(user_id)) AS authors, ${fewPeopleSql('1')} AS few
    FROM ${source}
    WHERE ${where} AND term IN {terms:Array(String)}
    GROUP BY period, grp, term HAVING uniqExact(user_id) < {k:UInt32}`,
  { ...c.params, ...o.params, from: c.q.from, terms });
  const key = (p: string, t: string) => `${p}\u0000${t}`;
  const cells: Cell[] = [
    ...rows.map((r) => ({ period: key(r.period, r.term), group: r.grp, value: 0, people: Number(r.authors), few: [] })),
    ...hidden.map((h) => ({ period: key(h.period, h.term), group: h.grp, value: 0, people: Number(h.authors), few: h.few })),
  ];
  const floor = applyPrivacyFloor(cells, c.q.k);
  const kept = new Set(floor.shown.map((x) => `${x.period}\u0000${x.group}`));
  // One entry per period and group whose row of some term was hidden so, in a fixed order.
  const entries = new Set(floor.suppressed.filter((x) => x.reason === 'difference_with_shown_groups').map((x) => `${x.period.split('\u0000')[0]!}\u0000${x.group ?? ''}`));
  const suppressed: Suppressed[] = [...entries].sort().map((e) => {
    const [period, group] = e.split('\u0000') as [string, string];
    return { period, group, reason: 'difference_with_shown_groups' };
  });
  return { rows: rows.filter((r) => kept.has(`${key(r.period, r.term)}\u0000${r.grp}`)), suppressed };
}

async function readTermsView(c: Ctx): Promise<ViewResult> {
  const limit = c.q.limit ?? 20;
  const cells = await readCells(c);
  const named = await namedOnly(c, cells);
  const floor = applyPrivacyFloor(toCells(named.rows, (r) => Number(r.messages)), c.q.k);
  const shown = new Map(floor.shown.map((x) => [`${x.period}\u0000${x.group}`, x.value!]));
  const tables = new Map<string, TopicTable>();
  const differences: Suppressed[] = [];
  let n: number | undefined;
  for (const kind of ['term', 'phrase'] as const) {
    // TF-IDF: share of the cell's messages with the term, times ln(N / df) over the tenant's messages of the range.
    // Three reads (cells, then the background of the terms found, and N) instead of one query whose
    // common table expression the engine would compute twice.
    const cellRows = await c.store.query<TermCellRow>(`topics: ${kind}s`, termCellsSql(c, kind), c.params);
    const terms = [...new Set(cellRows.map((r) => r.term))];
    const background = terms.length === 0 ? [] : await c.store.query<{ term: string; df: string }>(`topics: ${kind} background`, `
      SELECT term, toString(sum(c_messages)) AS df FROM (${topicCells(kind)}) WHERE term IN {terms:Array(String)} GROUP BY term`, { ...c.params, terms });
    const df = new Map(background.map((b) => [b.term, b.df]));
    n ??= Number((await c.store.query<{ n: string }>('topics: tenant messages', `SELECT toString(sum(c_messages)) AS n FROM (${topicCells('message')})`, c.params))[0]!.n);
    const total = String(n);
    const rows = cellRows.map((r) => ({ ...r, df: df.get(r.term)!, n: total }));
    const guarded = await guardDifferences(c, kind, rows);
    differences.push(...guarded.suppressed);
    for (const r of guarded.rows) {
      const cellMessages = shown.get(`${r.period}\u0000${r.grp}`);
      if (cellMessages === undefined) continue;
      const key = `${r.period}\u0000${r.grp}`;
      const table = tables.get(key) ?? tables.set(key, { period: r.period, group: groupOut(c, r.grp), rows: [] }).get(key)!;
      const tf = Number(r.messages) / cellMessages;
      table.rows.push({ kind, term: r.term, display: r.display, forms: r.top_forms, score: tf * Math.log(Number(r.n) / Number(r.df)), messages: Number(r.messages), authors: Number(r.authors) });
    }
  }
  for (const t of tables.values()) {
    const ranked = (kind: string) => t.rows.filter((r) => r.kind === kind).sort(byScore).slice(0, limit);
    t.rows = [...ranked('term'), ...ranked('phrase')];
  }
  return { tables: sortTables([...tables.values()]), series: seriesOf(c, 'messages', floor.shown, floor.suppressed, 0), suppressed: [...named.suppressed, ...floor.suppressed, ...differences] };
}

const byScore = (a: TopicRow, b: TopicRow) => (b.score as number) - (a.score as number) || (a.term < b.term ? -1 : 1);
const sortTables = (t: TopicTable[]) => t.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : String(a.group) < String(b.group) ? -1 : 1));

// ---- trends -----------------------------------------------------------------------------------

async function readTrendsView(c: Ctx): Promise<ViewResult> {
  const baseline = c.q.baseline ?? 4;
  const alpha = c.q.alpha ?? 0.01;
  const limit = c.q.limit ?? 20;
  // Counts from `baseline` periods before the range, for the candidate terms only (k authors in a period of the range).
  const ext: Ctx = { ...c, params: { ...c.params, start: c.trendsStart, firstDay: periodsBefore(c.q.from, c.q.period, baseline) } };
  const candidates = await c.store.query<TermCellRow>('topics: trend candidates', termCellsSql(c, 'term'), c.params);
  const namedAll = await namedOnly(c, candidates);
  const guarded = await guardDifferences(c, 'term', namedAll.rows);
  const named = { rows: guarded.rows, suppressed: [...namedAll.suppressed, ...guarded.suppressed] };
  const terms = [...new Set(named.rows.map((r) => r.term))];
  if (terms.length === 0) return { tables: [], series: [], suppressed: named.suppressed };
  const counts = await c.store.query<{ period: string; grp: string; term: string; messages: string; authors: string }>('topics: trend counts', `
    SELECT period, grp, term, toString(${COUNT(c)}) AS messages, toString(uniqExact(user_id)) AS authors
    FROM ${termSource(c, 'term', false, ext)}
    WHERE term IN {terms:Array(String)} GROUP BY period, grp, term`, { ...ext.params, terms });
  const totals = await c.store.query<CellRow>('topics: trend cells', `
    SELECT period, grp, toString(${COUNT(c)}) AS messages, toString(uniqExact(user_id)) AS people FROM (${ext.rows(c.cells ? topicCells('message') : TOPIC_MESSAGES)}) GROUP BY period, grp`, ext.params);
  const n = new Map(totals.map((r) => [`${r.period}\u0000${r.grp}`, Number(r.messages)]));
  const x = new Map(counts.map((r) => [`${r.period}\u0000${r.grp}\u0000${r.term}`, Number(r.messages)]));
  const tables = new Map<string, TopicTable>();
  const trending = new Map<string, Map<string, TermCellRow>>();
  for (const r of named.rows) {
    let x0 = 0;
    let n0 = 0;
    for (let i = 1; i <= baseline; i++) {
      const p = periodsBefore(r.period, c.q.period, i);
      x0 += x.get(`${p}\u0000${r.grp}\u0000${r.term}`) ?? 0;
      n0 += n.get(`${p}\u0000${r.grp}`) ?? 0;
    }
    const test = riseTest(Number(r.messages), n.get(`${r.period}\u0000${r.grp}`) ?? 0, x0, n0);
    if (!test || test.rate <= test.baselineRate || test.pValue >= alpha) continue;
    const key = `${r.period}\u0000${r.grp}`;
    const table = tables.get(key) ?? tables.set(key, { period: r.period, group: groupOut(c, r.grp), rows: [] }).get(key)!;
    table.rows.push({ kind: 'term', term: r.term, display: r.display, forms: r.top_forms, messages: Number(r.messages), authors: Number(r.authors), rate: test.rate, baseline_rate: test.baselineRate, z: test.z, p_value: test.pValue });
    (trending.get(r.grp) ?? trending.set(r.grp, new Map()).get(r.grp)!).set(r.term, r);
  }
  for (const t of tables.values()) t.rows = t.rows.sort((a, b) => (b.z as number) - (a.z as number)).slice(0, limit);
  // A series per trending term: its share of the group's messages in each period it had k authors (null otherwise).
  const series: TopicSeries[] = [];
  const authors = new Map(counts.map((r) => [`${r.period}\u0000${r.grp}\u0000${r.term}`, Number(r.authors)]));
  for (const [grp, ts] of [...trending].sort()) {
    for (const term of [...ts.keys()].sort()) {
      series.push({ group: groupOut(c, grp), figure: `rate:${term}`, values: c.periods.map((p) => {
        const key = `${p}\u0000${grp}\u0000${term}`;
        return (authors.get(key) ?? 0) >= c.q.k ? (x.get(key) ?? 0) / (n.get(`${p}\u0000${grp}`) ?? 1) : null;
      }) });
    }
  }
  return { tables: sortTables([...tables.values()]), series, suppressed: named.suppressed };
}

// ---- recurring topics -------------------------------------------------------------------------

async function readRecurringView(c: Ctx): Promise<ViewResult> {
  const minConversations = c.q.minConversations ?? (c.q.groupBy === 'conversation' ? 1 : 2);
  const minWeeks = c.q.minWeeks ?? 2;
  const tables = new Map<string, TopicTable>();
  const allSuppressed: Suppressed[] = [];
  for (const kind of ['term', 'phrase'] as const) {
    const rows = await c.store.query<TermCellRow & { conversations: string; weeks: string }>(`topics: recurring ${kind}s`, `
      SELECT {from:String} AS period, grp, term, toString(${COUNT(c)}) AS messages, toString(uniqExact(user_id)) AS authors,
        toString(uniqExact(conversation_id)) AS conversations, toString(uniqExact(toMonday(day))) AS weeks,
        arraySort(groupUniqArray(5)(form)) AS top_forms, ${DISPLAY(c)} AS display
      FROM ${termSource(c, kind)}
      GROUP BY grp, term
      HAVING uniqExact(user_id) >= {k:UInt32} AND uniqExact(conversation_id) >= {minConversations:UInt32} AND uniqExact(toMonday(day)) >= {minWeeks:UInt32}`,
      { ...c.params, from: c.q.from, minConversations, minWeeks });
    const namedRows = await namedOnly(c, rows);
    const guarded = await guardDifferences(c, kind, namedRows.rows, { wholeRange: true });
    const named = { rows: guarded.rows, suppressed: [...namedRows.suppressed, ...guarded.suppressed] };
    if (kind === 'term') allSuppressed.push(...named.suppressed);
    else allSuppressed.push(...guarded.suppressed);
    for (const r of named.rows) {
      const table = tables.get(r.grp) ?? tables.set(r.grp, { period: c.q.from, group: groupOut(c, r.grp), rows: [] }).get(r.grp)!;
      table.rows.push({ kind, term: r.term, display: r.display, forms: r.top_forms, weeks: Number(r.weeks), conversations: Number(r.conversations), messages: Number(r.messages), authors: Number(r.authors) });
    }
  }
  const limit = c.q.limit ?? 20;
  const rank = (a: TopicRow, b: TopicRow) => (b.weeks as number) - (a.weeks as number) || (b.conversations as number) - (a.conversations as number) || (b.authors as number) - (a.authors as number) || (a.term < b.term ? -1 : 1);
  for (const t of tables.values()) t.rows = [...t.rows.filter((r) => r.kind === 'term').sort(rank).slice(0, limit), ...t.rows.filter((r) => r.kind === 'phrase').sort(rank).slice(0, limit)];
  return { tables: sortTables([...tables.values()]), series: [], suppressed: allSuppressed };
}

// ---- questions: bottlenecks and training needs ----------------------------------------------

function questionParams(c: Ctx): Record<string, unknown> {
  const horizonEnd = new Date(Date.parse(`${String(c.params.end).replace(' ', 'T')}Z`) + REPLY_HORIZON_S * 1000).toISOString().replace('T', ' ').replace('Z', '');
  return { ...c.params, horizonEnd, within: c.q.replyWithinS ?? 86_400, horizon: REPLY_HORIZON_S };
}

async function readBottlenecksView(c: Ctx): Promise<ViewResult> {
  const params = questionParams(c);
  const questions = c.rows(QUESTIONS);
  const cells = await c.store.query<CellRow & { unanswered: string; median_wait: number | null }>('topics: question cells', `
    SELECT period, grp, toString(count()) AS questions, toString(uniqExact(user_id)) AS people,
      if(uniqExact(user_id) < {k:UInt32}, ${fewPeopleSql('1')}, []) AS few,
      toString(countIf(wait_s IS NULL OR wait_s > {within:UInt32})) AS unanswered,
      quantileExactInclusive(0.5)(ifNull(wait_s, {horizon:UInt32})) AS median_wait
    FROM (${questions}) GROUP BY period, grp ORDER BY period, grp`, params);
  const named = await namedOnly(c, cells);
  const floor = applyPrivacyFloor(toCells(named.rows, (r) => Number(r.questions)), c.q.k);
  const visible = new Set(floor.shown.map((x) => `${x.period}\u0000${x.group}`));
  const byKey = new Map(named.rows.map((r) => [`${r.period}\u0000${r.grp}`, r]));
  const figure = (f: (r: (typeof cells)[number]) => number | null): Cell[] => floor.shown.map((x) => ({ ...x, value: f(byKey.get(`${x.period}\u0000${x.group}`)!) }));
  const series = [
    ...seriesOf(c, 'questions', floor.shown, floor.suppressed, 0),
    ...seriesOf(c, 'unanswered', figure((r) => Number(r.unanswered)), floor.suppressed, 0),
    ...seriesOf(c, 'median_wait_s', figure((r) => (r.median_wait === null ? null : Number(r.median_wait))), floor.suppressed, null),
  ];
  // Topics whose questions wait longest: terms of questions asked by k or more people in the cell.
  const rows = await c.store.query<TermCellRow & { unanswered: string; median_wait: number }>('topics: slow topics', `
    SELECT period, grp, term, toString(count()) AS messages, toString(uniqExact(user_id)) AS authors,
      arraySort(groupUniqArray(5)(form)) AS top_forms, topK(1)(form)[1] AS display,
      toString(countIf(wait_s IS NULL OR wait_s > {within:UInt32})) AS unanswered,
      quantileExactInclusive(0.5)(ifNull(wait_s, {horizon:UInt32})) AS median_wait
    FROM (${questions}) ARRAY JOIN terms AS term, forms AS form
    GROUP BY period, grp, term HAVING uniqExact(user_id) >= {k:UInt32}`, params);
  const guarded = await guardDifferences(c, 'term', rows.filter((r) => visible.has(`${r.period}\u0000${r.grp}`)), { source: QUESTIONS, params });
  const tables = tablesOf(c, guarded.rows, (r) => ({ questions: Number(r.messages), askers: Number(r.authors), unanswered: Number(r.unanswered), median_wait_s: Number(r.median_wait) }),
    (a, b) => (b.median_wait_s as number) - (a.median_wait_s as number) || (b.questions as number) - (a.questions as number) || (a.term < b.term ? -1 : 1));
  return { tables, series, suppressed: [...named.suppressed, ...floor.suppressed, ...guarded.suppressed] };
}

async function readTrainingView(c: Ctx): Promise<ViewResult> {
  const rows = await c.store.query<TermCellRow>('topics: training needs', termCellsSql(c, 'term', true), c.params);
  const namedRows = await namedOnly(c, rows);
  const guarded = await guardDifferences(c, 'term', namedRows.rows, { questionsOnly: true });
  const named = { rows: guarded.rows, suppressed: [...namedRows.suppressed, ...guarded.suppressed] };
  const tables = tablesOf(c, named.rows, (r) => ({ questions: Number(r.messages), askers: Number(r.authors) }),
    (a, b) => (b.askers as number) - (a.askers as number) || (b.questions as number) - (a.questions as number) || (a.term < b.term ? -1 : 1));
  return { tables, series: [], suppressed: named.suppressed };
}

function tablesOf<T extends TermCellRow>(c: Ctx, rows: T[], figures: (r: T) => Record<string, number>, rank: (a: TopicRow, b: TopicRow) => number): TopicTable[] {
  const tables = new Map<string, TopicTable>();
  for (const r of rows) {
    const key = `${r.period}\u0000${r.grp}`;
    const table = tables.get(key) ?? tables.set(key, { period: r.period, group: groupOut(c, r.grp), rows: [] }).get(key)!;
    table.rows.push({ kind: 'term', term: r.term, display: r.display, forms: r.top_forms, ...figures(r) });
  }
  for (const t of tables.values()) t.rows = t.rows.sort(rank).slice(0, c.q.limit ?? 20);
  return sortTables([...tables.values()]);
}

// ---- sentiment --------------------------------------------------------------------------------

async function readSentimentView(c: Ctx): Promise<ViewResult> {
  const cells = await readCells(c);
  const named = await namedOnly(c, cells);
  const floor = applyPrivacyFloor(toCells(named.rows, (r) => (Number(r.rated) > 0 && r.sentiment_mean !== null ? Number(r.sentiment_mean) : null)), c.q.k);
  const byKey = new Map(named.rows.map((r) => [`${r.period}\u0000${r.grp}`, r]));
  const rated: Cell[] = floor.shown.map((x) => ({ ...x, value: Number(byKey.get(`${x.period}\u0000${x.group}`)!.rated) }));
  return { tables: [], series: [...seriesOf(c, 'sentiment', floor.shown, floor.suppressed, null), ...seriesOf(c, 'rated_messages', rated, floor.suppressed, 0)], suppressed: [...named.suppressed, ...floor.suppressed] };
}

export { AnalyticsInputError };
