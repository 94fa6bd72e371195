/** The query language without a store: folding, lexing, parsing, splitting, dates, SQL compilation and highlights. */
import { describe, expect, it } from 'vitest';
import { QuerySyntaxError, type Node } from './ast.js';
import { foldWords, textWords, TEXT_NORM_SQL } from './fold.js';
import { parseQuery, phraseQuery, MAX_QUERY_TERMS } from './parser.js';
import { positiveTextUnits, splitQuery } from './split.js';
import { dateRange, localMidnight } from './dates.js';
import { compileFilter, compileText, SqlParams } from './compile.js';
import { checkModifiers } from './resolve.js';
import { highlight } from './highlight.js';
import { readFileSync } from 'node:fs';
import { AWKWARD_ZONES, datesBetween, localDayStart } from '../../../test/helpers/local-day-start.js';

/** The tree without spans, words by their folded form: easy to compare. */
function show(n: Node): unknown {
  switch (n.type) {
    case 'and': case 'or': return { [n.type]: n.children.map(show) };
    case 'not': return { not: show(n.child) };
    case 'word': return n.term.fold;
    case 'prefix': return `${n.term.fold}*`;
    case 'phrase': return `"${n.terms.map((t) => t.fold).join(' ')}"`;
    case 'modifier': return `${n.name}:${n.value}`;
  }
}
const p = (q: string, implicit?: 'and' | 'or') => show(parseQuery(q, { implicit }));

function syntaxError(q: string): QuerySyntaxError {
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return e;
    throw e;
  }
  throw new Error(`"${q}" parsed`);
}

describe('folding', () => {
  it('folds case, accents and compatibility forms; apostrophes of both kinds split French elisions', () => {
    expect(foldWords("Réunion à l’ÉQUIPE d'été: ﬁn «RÉSUMÉ»")).toEqual(['reunion', 'a', 'l', 'equipe', 'd', 'ete', 'fin', 'resume']);
    expect(foldWords('Straße naïve CAFÉ')).toEqual(['straße', 'naive', 'cafe']);
  });

  it('gives offsets in UTF-16 code units of the original text, accents kept inside their word', () => {
    const text = '😀 Re\u0301union, l’équipe';
    const words = textWords(text);
    expect(words.map((w) => text.slice(w.start, w.end))).toEqual(['Re\u0301union', 'l', 'équipe']);
    expect(words[0]!.start).toBe(3);
    expect(words.map((w) => w.fold)).toEqual(['reunion', 'l', 'equipe']);
    expect(words[0]!.exact).toBe('réunion');
  });

  it('is the expression migration 0010 gives the store', () => {
    const sql = readFileSync(new URL('../../../migrations/0010_search_language.sql', import.meta.url), 'utf8');
    expect(sql.replace(/\\\\/g, '\\')).toContain(TEXT_NORM_SQL.replace(/\\\\/g, '\\'));
  });
});

describe('parser', () => {
  it('words are ANDed, OR and NOT and - combine, parentheses group, OR binds looser than AND', () => {
    expect(p('budget report')).toEqual({ and: ['budget', 'report'] });
    expect(p('budget OR report')).toEqual({ or: ['budget', 'report'] });
    expect(p('a b OR c')).toEqual({ or: [{ and: ['a', 'b'] }, 'c'] });
    expect(p('a (b OR c) -d NOT e')).toEqual({ and: ['a', { or: ['b', 'c'] }, { not: 'd' }, { not: 'e' }] });
    expect(p('a AND b')).toEqual({ and: ['a', 'b'] });
    expect(p('or and not')).toEqual({ and: ['or', 'and', 'not'] });
  });

  it('phrases, multi-word terms, prefixes and modifiers', () => {
    expect(p('"release  plan"')).toEqual('"release plan"');
    expect(p("l'équipe")).toEqual('"l equipe"');
    expect(p('e-mail budg*')).toEqual({ and: ['"e mail"', 'budg*'] });
    expect(p('from:ada in:#general FROM:"Ada Lovelace" has:attachment')).toEqual({ and: ['from:ada', 'in:#general', 'from:Ada Lovelace', 'has:attachment'] });
    expect(p('-from:ada budget')).toEqual({ and: [{ not: 'from:ada' }, 'budget'] });
    expect(p('see https://example.org/x')).toEqual({ and: ['see', '"https example org x"'] });
  });

  it('match=any: adjacent words are alternatives, modifiers still filter, explicit AND binds', () => {
    expect(p('a b', 'or')).toEqual({ or: ['a', 'b'] });
    expect(p('from:u1 a b', 'or')).toEqual({ and: ['from:u1', { or: ['a', 'b'] }] });
    expect(p('a b AND c', 'or')).toEqual({ or: ['a', { and: ['b', 'c'] }] });
  });

  it('match=phrase: the whole text is one phrase, operators included as words', () => {
    expect(show(phraseQuery('Release plan OR'))).toEqual('"release plan or"');
  });

  it('malformed queries: each error says where and what', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['budget "release plan', 7, /never closed/],
      ['(budget OR report', 0, /\( is never closed/],
      ['budget)', 6, /closes nothing/],
      ['budget OR', 7, /OR needs a term after it/],
      ['OR budget', 0, /OR needs a term before it/],
      ['budget AND', 7, /AND needs a term after it/],
      ['budget -', 7, /no letters or digits/],
      ['NOT', 0, /NOT needs a term after it/],
      ['()', 0, /empty parentheses/],
      ['form:ada', 0, /unknown modifier "form:"/],
      ['from: ada', 0, /needs a value/],
      ['budget !!!', 7, /no letters or digits/],
      ['b*', 0, /at least 2 letters/],
      ['*', 0, /prefix/],
      ['bu*dg*', 0, /must be one word/],
      ['', 0, /empty/],
    ];
    for (const [q, at, what] of cases) {
      const e = syntaxError(q);
      expect({ q, at: e.position, ok: what.test(e.message) }).toEqual({ q, at, ok: true });
    }
    expect(syntaxError(Array(MAX_QUERY_TERMS + 1).fill('w').join(' ')).position).toBe(MAX_QUERY_TERMS * 2);
    expect(syntaxError('('.repeat(40) + 'a' + ')'.repeat(40)).message).toMatch(/nested/);
  });
});

describe('split: top-level words are one text condition, the rest filters on the message', () => {
  it('separates them', () => {
    const s = splitQuery(parseQuery('budget from:ada (x OR y) -is:deleted'));
    expect(show(s.text!)).toEqual({ and: ['budget', { or: ['x', 'y'] }] });
    expect(s.filters.map(show)).toEqual(['from:ada', { not: 'is:deleted' }]);
    expect(splitQuery(parseQuery('from:ada OR from:bob')).text).toBeUndefined();
  });

  it('keeps modifiers mixed with words under OR or NOT as filters, their word groups as units', () => {
    const a = splitQuery(parseQuery('(from:alice budget) OR mentions:bob'));
    expect(a.text).toBeUndefined();
    expect(a.filters.map(show)).toEqual([{ or: [{ and: ['from:alice', 'budget'] }, 'mentions:bob'] }]);
    expect(positiveTextUnits(a.filters).map(show)).toEqual(['budget']);
    const b = splitQuery(parseQuery('review -(budget draft OR in:general)'));
    expect(show(b.text!)).toEqual('review');
    expect(positiveTextUnits(b.filters)).toEqual([]);
    const c = splitQuery(parseQuery('x (budget OR from:ada)'));
    expect(show(c.text!)).toEqual('x');
    expect(positiveTextUnits(c.filters).map(show)).toEqual(['budget']);
  });

  it('compiles a word group inside a mix to a key lookup over all versions, with parameters only', () => {
    const [f] = splitQuery(parseQuery('budget OR from:ada')).filters;
    const params = new SqlParams();
    const sql = compileFilter(f!, params, { tenantParam: '{tenant:String}', timeZone: 'UTC', users: new Map(), conversations: new Map(), directs: new Map(), text: { exactAccents: false, prefixes: new Map() } });
    expect(sql).toBe("(concat(conversation_id, '\\0', message_id) IN (SELECT concat(conversation_id, '\\0', message_id) FROM message_versions WHERE tenant = {tenant:String} AND hasAllTokens(text_norm, {q0:Array(String)})) OR author_id IN {q1:Array(String)})");
    expect(params.values).toEqual({ q0: ['budget'], q1: [] });
  });

  it('checks modifier values: has:, is:, dates', () => {
    const check = (q: string) => () => checkModifiers(splitQuery(parseQuery(q)).filters, 'UTC');
    expect(check('has:attachment has:reaction has:mention is:thread is:edited is:deleted on:2026-10-02 during:2026-10 after:2026')).not.toThrow();
    expect(check('has:link')).toThrow(/has: takes attachment, reaction, mention/);
    expect(check('is:pinned')).toThrow(/is: takes thread, edited, deleted/);
    expect(check('on:2026-02-30')).toThrow(/not a date/);
    expect(check('before:yesterdayish')).toThrow(/not a date/);
  });
});

describe('dates in a time zone', () => {
  const span = { start: 0, end: 1 };
  it('a local day starts at its first instant, also where midnight is skipped or repeated (2025-2027)', () => {
    const wrong: string[] = [];
    for (const zone of AWKWARD_ZONES) {
      for (const date of datesBetween('2025-01-01', '2027-12-31')) {
        const [y, m, d] = date.split('-').map(Number) as [number, number, number];
        if (localMidnight(zone, y, m - 1, d) !== localDayStart(zone, date)) wrong.push(`${zone} ${date}`);
      }
    }
    expect(wrong).toEqual([]);
  });
  it('whole local days, months and years; after: starts when the period ends', () => {
    expect(new Date(localMidnight('Europe/Paris', 2026, 9, 16)).toISOString()).toBe('2026-10-15T22:00:00.000Z');
    expect(new Date(localMidnight('Europe/Paris', 2026, 11, 1)).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    const on = dateRange('on', '2026-10-16', 'Europe/Paris', span);
    expect([on.from, on.to].map((t) => new Date(t!).toISOString())).toEqual(['2026-10-15T22:00:00.000Z', '2026-10-16T22:00:00.000Z']);
    expect(new Date(dateRange('after', '2026-10', 'UTC', span).from!).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(new Date(dateRange('before', '2026', 'UTC', span).to!).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    // DST ends on 2026-10-25 in Paris: that day has 25 hours.
    const long = dateRange('on', '2026-10-25', 'Europe/Paris', span);
    expect(long.to! - long.from!).toBe(25 * 3600_000);
    const y = dateRange('on', 'yesterday', 'UTC', span, Date.parse('2026-12-07T01:00:00Z'));
    expect(new Date(y.from!).toISOString()).toBe('2026-12-06T00:00:00.000Z');
  });
});

describe('compilation to SQL', () => {
  it('puts every value in a parameter, never in the SQL text', () => {
    const evil = "x'); DROP TABLE t; --";
    const q = `"${evil}" droptable* in:"${evil}" from:"${evil}"`;
    const { text, filters } = splitQuery(parseQuery(q));
    const params = new SqlParams();
    const prefix = (text as Extract<Node, { type: 'and' }>).children[1]!;
    const sql = [compileText(text!, params, { exactAccents: true, prefixes: new Map([[prefix, ['droptable']]]) }),
      ...filters.map((f) => compileFilter(f, params, { tenantParam: '{tenant:String}', timeZone: 'UTC', users: new Map([[f, [evil]]]), conversations: new Map([[f, [evil]]]), directs: new Map(), text: { exactAccents: false, prefixes: new Map() } }))].join(' ');
    expect(sql).not.toMatch(/DROP|drop/);
    expect(sql).toMatch(/\{q\d+:Array\(String\)\}/);
    expect(JSON.stringify(params.values)).toContain('drop');
  });

  it('plain words under one AND or OR are one token lookup; phrases are pairs of words, longer ones checked in order', () => {
    const params = new SqlParams();
    const sql = compileText(parseQuery('a b (c OR d) "e f"'), params, { exactAccents: false, prefixes: new Map() });
    expect(sql).toBe('(hasAllTokens(text_norm, {q0:Array(String)}) AND hasAnyTokens(text_norm, {q1:Array(String)}) AND (hasAllTokens(text_pairs, {q2:Array(String)})))');
    expect(params.values).toEqual({ q0: ['a', 'b'], q1: ['c', 'd'], q2: ['e·f'] });
    const long = new SqlParams();
    expect(compileText(parseQuery('"a b c a b"'), long, { exactAccents: false, prefixes: new Map() })).toBe('(hasAllTokens(text_pairs, {q1:Array(String)}) AND position(text_norm, {q0:String}) > 0)');
    expect(long.values).toEqual({ q0: ' a b c a b ', q1: ['a·b', 'b·c', 'c·a'] });
  });

  it('a prefix the dictionary does not know matches nothing', () => {
    expect(compileText(parseQuery('zzq*'), new SqlParams(), { exactAccents: false, prefixes: new Map() })).toBe('0');
  });
});

describe('highlights', () => {
  it('marks words, phrases and prefixes in UTF-16 offsets, not words under NOT', () => {
    const text = 'Le résumé: réunion budgétaire, budget OK';
    const h = highlight(text, parseQuery('resume (reunion OR absent) budg* -secret'), false);
    expect(h.matches).toBe(true);
    expect(h.ranges.map((r) => text.slice(r.start, r.end))).toEqual(['résumé', 'réunion', 'budgétaire', 'budget']);
    expect(highlight(text, parseQuery('budget -ok'), false).matches).toBe(false);
    const ph = highlight('see the release plan, release later', parseQuery('"release plan"'), false);
    expect(ph.ranges).toEqual([{ start: 8, end: 20 }]);
  });

  it('exact accents tell réunion from reunion', () => {
    expect(highlight('Réunion demain', parseQuery('reunion'), true).matches).toBe(false);
    expect(highlight('Réunion demain', parseQuery('réunion'), true).matches).toBe(true);
    expect(highlight('Reunion demain', parseQuery('réunion'), false).matches).toBe(true);
  });
});
