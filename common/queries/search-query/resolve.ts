/**
 * A parsed query made ready for the store: modifiers checked, names looked up in the
 * directory views, prefixes expanded through the text index's own dictionary, then
 * compiled (compile.ts). Top-level `from:` and date modifiers also become the
 * search's author list and time bounds, so "author + time range" takes the
 * author-ordered path and word searches start their time windows at the bound.
 */
import type { Store } from '../../store/store.js';
import { HAS_VALUES, IS_VALUES, QuerySyntaxError, type Node } from './ast.js';
import { compileFilter, compileText, SqlParams } from './compile.js';
import { dateRange } from './dates.js';
import { positiveTextUnits, splitQuery } from './split.js';
import type { TotalsCache } from '../totals-cache.js';

/** A prefix may stand for at most this many dictionary words; a shorter prefix than that is refused, never cut. */
export const MAX_PREFIX_WORDS = 1000;

export interface QueryOptions {
  tenant: string;
  /** Name look-ups and prefix expansions kept while the archive is unchanged (totals-cache.ts); none: every one queried. */
  cache?: TotalsCache;
  exactAccents: boolean;
  timeZone: string;
  now?: number;
}

export interface CompiledQuery {
  /** Condition on one message_versions row (any version); absent without words. */
  textSql?: string;
  /** Conditions on the created version. */
  filterSql: string[];
  params: Record<string, unknown>;
  /** The text part, for highlights: which versions match. */
  text?: Node;
  /** Word groups mixed with modifiers (not negated): also marked in a highlighted version. */
  marks: Node[];
  /** Authors from top-level `from:` (intersected); undefined when there is none. */
  authors?: string[];
  /** Conversations of top-level `in:` (intersected; the filter stays in filterSql too); undefined when there is none. */
  conversations?: string[];
  /** Bounds from top-level date modifiers (epoch ms, [from, to)). */
  from?: number;
  to?: number;
}

const HAS = new Set<string>([...HAS_VALUES, 'attachments', 'file', 'mentions', 'reactions']);
const IS = new Set<string>(IS_VALUES);

function walk(n: Node, f: (m: Extract<Node, { type: 'modifier' }>) => void, g: (t: Node) => void = () => {}): void {
  if (n.type === 'modifier') f(n);
  else if (n.type === 'not') walk(n.child, f, g);
  else if (n.type === 'and' || n.type === 'or') n.children.forEach((c) => walk(c, f, g));
  else g(n);
}

/** Pure checks of modifier values (has:, is:, dates); throws QuerySyntaxError at the modifier. */
export function checkModifiers(filters: readonly Node[], timeZone: string): void {
  for (const f of filters) {
    walk(f, (m) => {
      const v = m.value.toLowerCase();
      if (m.name === 'has' && !HAS.has(v)) throw new QuerySyntaxError(`has: takes ${HAS_VALUES.join(', ')}, not "${m.value}"`, m.span.start, m.span.end);
      if (m.name === 'is' && !IS.has(v)) throw new QuerySyntaxError(`is: takes ${IS_VALUES.join(', ')}, not "${m.value}"`, m.span.start, m.span.end);
      if (m.name === 'before' || m.name === 'after' || m.name === 'on' || m.name === 'during') dateRange(m.name, m.value, timeZone, m.span);
    });
  }
}

const lower = (s: string) => s.toLowerCase();
const strip = (v: string, sigil: string) => (v.startsWith(sigil) && v.length > 1 ? v.slice(1) : v);

async function resolveUsers(store: Store, tenant: string, values: string[]): Promise<Map<string, string[]>> {
  const out = new Map(values.map((v) => [v, [v]]));
  if (values.length === 0) return out;
  const rows = await store.query<{ user_id: string; email: string; display_name: string }>('search: resolve people', `
    SELECT user_id, email, display_name FROM users_current
    WHERE tenant = {tenant:String} AND (user_id IN {vals:Array(String)} OR lower(email) IN {lvals:Array(String)} OR lowerUTF8(display_name) IN {lvals:Array(String)})`,
  { tenant, vals: values, lvals: values.map(lower) });
  for (const v of values) {
    const ids = rows.filter((r) => r.user_id === v || lower(r.email) === lower(v) || lower(r.display_name) === lower(v)).map((r) => r.user_id);
    out.set(v, [...new Set([v, ...ids])]);
  }
  return out;
}

async function resolveConversations(store: Store, tenant: string, values: string[]): Promise<Map<string, string[]>> {
  const out = new Map(values.map((v) => [v, [v]]));
  if (values.length === 0) return out;
  const rows = await store.query<{ conversation_id: string; name: string }>('search: resolve conversations', `
    SELECT conversation_id, name FROM conversations_current
    WHERE tenant = {tenant:String} AND (conversation_id IN {vals:Array(String)} OR lowerUTF8(name) IN {lvals:Array(String)})`,
  { tenant, vals: values, lvals: values.map(lower) });
  for (const v of values) out.set(v, [...new Set([v, ...rows.filter((r) => r.conversation_id === v || lower(r.name) === lower(v)).map((r) => r.conversation_id)])]);
  return out;
}

/** Conversations the people took part in (posted in, or are members of); the filter keeps the direct ones. */
async function resolveDirects(store: Store, tenant: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await store.query<{ conversation_id: string }>('search: direct conversations', `
    SELECT DISTINCT conversation_id FROM message_author_keys WHERE tenant = {tenant:String} AND author_id IN {ids:Array(String)}
    UNION DISTINCT
    SELECT conversation_id FROM memberships_current WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)} AND is_member`, { tenant, ids });
  return rows.map((r) => r.conversation_id);
}

async function expandPrefix(store: Store, n: Extract<Node, { type: 'prefix' }>): Promise<string[]> {
  const rows = await store.query<{ token: string }>('search: expand prefix', `
    SELECT DISTINCT token FROM mergeTreeTextIndex(currentDatabase(), 'message_versions', 'idx_text_norm')
    WHERE startsWith(token, {p:String}) LIMIT {max:UInt32}`, { p: n.term.fold, max: MAX_PREFIX_WORDS + 1 });
  if (rows.length > MAX_PREFIX_WORDS) {
    throw new QuerySyntaxError(`"${n.term.fold}*" stands for more than ${MAX_PREFIX_WORDS} different words: add letters before the *`, n.span.start, n.span.end);
  }
  return rows.map((r) => r.token);
}

export async function compileQuery(store: Store, root: Node, o: QueryOptions): Promise<CompiledQuery> {
  const { text, filters } = splitQuery(root);
  checkModifiers(filters, o.timeZone);
  const mods: Array<Extract<Node, { type: 'modifier' }>> = [];
  const prefixNodes: Array<Extract<Node, { type: 'prefix' }>> = [];
  const collectPrefix = (t: Node) => { if (t.type === 'prefix') prefixNodes.push(t); };
  for (const f of filters) walk(f, (m) => mods.push(m), collectPrefix);
  if (text) walk(text, () => {}, collectPrefix);
  const personMods = mods.filter((m) => ['from', 'to', 'with', 'mentions'].includes(m.name));
  // Each look-up depends on the archive only (the directory views, the text index's dictionary): kept while nothing is written.
  const memo = <T>(key: unknown[], f: () => Promise<T>): Promise<T> => (o.cache ? o.cache.remember(JSON.stringify(key), f) : f());
  const personValues = [...new Set(personMods.map((m) => strip(m.value, '@')))];
  const convValues = [...new Set(mods.filter((m) => m.name === 'in').map((m) => strip(m.value, '#')))];
  const people = await memo(['people', o.tenant, personValues], () => resolveUsers(store, o.tenant, personValues));
  const convs = await memo(['conversations', o.tenant, convValues], () => resolveConversations(store, o.tenant, convValues));
  const users = new Map<Node, string[]>(personMods.map((m) => [m, people.get(strip(m.value, '@'))!]));
  const conversations = new Map<Node, string[]>(mods.filter((m) => m.name === 'in').map((m) => [m, convs.get(strip(m.value, '#'))!]));
  const directs = new Map<Node, string[]>();
  for (const m of mods.filter((x) => x.name === 'to' || x.name === 'with')) {
    const ids = users.get(m)!;
    directs.set(m, await memo(['directs', o.tenant, ids], () => resolveDirects(store, o.tenant, ids)));
  }
  const prefixes = new Map<Node, string[]>();
  // The dictionary is every tenant's (the index's own): the key is the prefix alone.
  for (const n of prefixNodes) prefixes.set(n, await memo(['prefix', n.term.fold], () => expandPrefix(store, n)));

  const p = new SqlParams();
  const tenantParam = '{tenant:String}';
  const out: CompiledQuery = { filterSql: [], params: p.values, marks: [] };
  const textOptions = { exactAccents: o.exactAccents, prefixes };
  for (const f of filters) {
    if (f.type === 'modifier' && f.name === 'from') {
      const ids = users.get(f)!;
      out.authors = out.authors ? out.authors.filter((a) => ids.includes(a)) : [...ids];
    } else if (f.type === 'modifier' && (f.name === 'before' || f.name === 'after' || f.name === 'on' || f.name === 'during')) {
      const r = dateRange(f.name, f.value, o.timeZone, f.span, o.now);
      if (r.from !== undefined) out.from = Math.max(out.from ?? -Infinity, r.from);
      if (r.to !== undefined) out.to = Math.min(out.to ?? Infinity, r.to);
    } else {
      if (f.type === 'modifier' && f.name === 'in') {
        const ids = conversations.get(f)!;
        out.conversations = out.conversations ? out.conversations.filter((x) => ids.includes(x)) : [...ids];
      }
      out.filterSql.push(compileFilter(f, p, { tenantParam, timeZone: o.timeZone, now: o.now, users, conversations, directs, text: textOptions }));
    }
  }
  const units = positiveTextUnits(filters);
  if (text) {
    out.text = text;
    out.textSql = compileText(text, p, textOptions);
    out.marks = units;
  } else if (units.length > 0) {
    // No top-level words: a version is highlighted when it matches one of the mixed groups.
    out.text = units.length === 1 ? units[0]! : { type: 'or', children: units, span: { start: units[0]!.span.start, end: units.at(-1)!.span.end } };
  }
  return out;
}
