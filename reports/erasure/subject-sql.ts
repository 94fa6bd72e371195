/**
 * The SQL conditions and expressions that find and rewrite one person's data, per
 * table of the erasure plan. Every value is a query parameter (`{ids:Array(String)}`,
 * `{pattern:String}` ...); only column names the plan checked against the store and
 * fixed clauses are spliced.
 */
import type { Store } from '../../common/store/store.js';
import { TEXT_NORM_SQL } from '../../common/queries/search-query/fold.js';
import { quoted } from '../../common/retention/plan.js';
import type { SubjectIdentifiers } from '../../common/subjects/subject-request.js';
import { MESSAGE_SOURCE, type ErasurePlan, type ErasureTable } from './erasure-plan.js';

export interface SubjectValues {
  /** The person's user ids: who wrote, reacted, invoked. */
  ids: string[];
  /** Ids and e-mails as they may appear in id columns (OIDC subjects, token creators). */
  idents: string[];
  /** RE2, case-insensitive: any name, e-mail or user id of the person as a whole word; '' when there is nothing to look for. */
  pattern: string;
  /**
   * Each name (display name, e-mail's local part, user id) as the words a topic term
   * can be made of, joined by a space; `words`: all of those words. Empty when no
   * name has such a word.
   */
  names: string[];
  words: string[];
}

/** Only these go into statements as parameters: nothing that names the person. */
export interface RunParams extends Record<string, unknown> {
  tenant: string;
  request: string;
  /** What replaces the person in others' records. */
  pseudo: string;
}

const RE2_SPECIAL = /[\\^$.|?*+()[\]{}]/g;
const WORD = /[A-Za-z0-9_]/;

/** One alternative of the pattern: the literal, with a word boundary at each end that is a word character. */
function literal(s: string): string {
  const body = s.replace(RE2_SPECIAL, (c) => `\\${c}`).replace(/\s+/g, '\\s+');
  return `${WORD.test(s[0]!) ? '\\b' : ''}${body}${WORD.test(s[s.length - 1]!) ? '\\b' : ''}`;
}

/**
 * The words of a name as topic analysis writes a term's form (analytics/topics/analyze.ts:
 * lower case, runs of letters and digits, 2 to 30 characters, none with a digit): only
 * such words can have become topic terms.
 */
export function termWords(name: string): string[] {
  return (name.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 2 && w.length <= 30 && !/\d/.test(w));
}

export function subjectValues(ids: SubjectIdentifiers): SubjectValues {
  const names = [...ids.displayNames, ...ids.emails.map((e) => e.split('@')[0]!), ...ids.userIds];
  const texts = [...new Set([...ids.displayNames, ...ids.emails, ...ids.userIds].map((s) => s.trim()).filter((s) => s.length > 0))]
    // Longest first, so "Ada Lovelace" is replaced whole before "Ada" could be.
    .sort((a, b) => b.length - a.length);
  return {
    ids: ids.userIds, idents: [...new Set([...ids.userIds, ...ids.emails, ...ids.emails.map((e) => e.toLowerCase())])],
    pattern: texts.length === 0 ? '' : `(?i)(?:${texts.map(literal).join('|')})`,
    names: [...new Set(names.map((n) => termWords(n).join(' ')).filter((n) => n !== ''))],
    words: [...new Set(names.flatMap(termWords))],
  };
}

/**
 * Statements name the person through `erasure_work` (one partition per request),
 * never as literals: ClickHouse keeps a finished mutation's command on disk.
 */
export async function writeWork(store: Store, p: RunParams, v: SubjectValues): Promise<void> {
  await store.command('erasure: clear work', 'ALTER TABLE erasure_work DROP PARTITION {request:String}', { request: p.request });
  const rows = [
    ...v.ids.map((value) => ({ kind: 'user', value })), ...v.idents.map((value) => ({ kind: 'ident', value })),
    ...(v.pattern === '' ? [] : [{ kind: 'pattern', value: v.pattern }]),
    ...v.names.map((value) => ({ kind: 'name', value })), ...v.words.map((value) => ({ kind: 'word', value })),
  ].map((r) => ({ tenant: p.tenant, request_id: p.request, ...r }));
  if (rows.length > 0) await store.insert('erasure: work', 'erasure_work', rows);
}

export async function dropWork(store: Store, request: string): Promise<void> {
  await store.command('erasure: drop work', 'ALTER TABLE erasure_work DROP PARTITION {request:String}', { request });
}

/** The legal holds themselves (registry `legal_holds`), and the ids of the tenant's active ones. */
export const HOLDS_TABLE = 'legal_holds';
export const ACTIVE_HOLDS = 'SELECT hold_id FROM (SELECT hold_id, argMax(released_at, version) AS released FROM legal_holds WHERE tenant = {tenant:String} GROUP BY hold_id) WHERE released IS NULL';

/** The record id per held family, as restricted_records keeps it: a message, a call, one app invocation. */
export const RECORD_ID: Record<string, string> = { messages: 'message_id', calls: 'call_id', app_invocations: 'event_id' };

export class SubjectSql {
  private readonly byName: Map<string, ErasureTable>;

  constructor(plan: ErasurePlan, readonly params: RunParams, readonly hasPattern: boolean, readonly hasNames = false) {
    this.byName = new Map(plan.tables.map((t) => [t.table, t]));
  }

  private work(kind: 'user' | 'ident'): string {
    return `SELECT value FROM erasure_work WHERE tenant = {tenant:String} AND request_id = {request:String} AND kind = '${kind}'`;
  }

  private workArray(): string {
    return `(SELECT groupArray(value) FROM erasure_work WHERE tenant = {tenant:String} AND request_id = {request:String} AND kind = 'ident')`;
  }

  private pattern(): string {
    return `(SELECT any(value) FROM erasure_work WHERE tenant = {tenant:String} AND request_id = {request:String} AND kind = 'pattern')`;
  }

  private workList(kind: 'name' | 'word'): string {
    return `(SELECT groupArray(value) FROM erasure_work WHERE tenant = {tenant:String} AND request_id = {request:String} AND kind = '${kind}')`;
  }

  /** A form (a word, or the words of a phrase joined by spaces) holds a word of one of the person's names. */
  private formHasNameWord(form: string): string {
    return `hasAny(splitByChar(' ', ${form}), ${this.workList('word')})`;
  }

  /** The words `ws` (an array expression) hold every word of one of the person's names. */
  private holdsAName(ws: string): string {
    return `arrayExists(n -> hasAll(${ws}, splitByChar(' ', n)), ${this.workList('name')})`;
  }

  /** Kind of the erasure_work rows listing the groups of a one-term-per-row table whose terms name the person. */
  private cellKind(t: ErasureTable): string {
    return `cell:${t.table}`;
  }

  private cellGroup(): string {
    return "concat(toString(time), '|', conversation_id, '|', author_id)";
  }

  /**
   * One-term-per-row tables (topic cells: a term per day, conversation and author):
   * whether a group names the person depends on its other rows, so the groups are
   * listed in erasure_work first (a mutation must not read the table it rewrites).
   * Null when the table has no such columns or the person's names give no term.
   */
  cellGroupsInsert(t: ErasureTable): string | null {
    const scalar = t.termColumns.filter((x) => !x.array);
    if (!this.hasNames || scalar.length === 0) return null;
    const words = `arrayFlatten(groupArray([${scalar.map((x) => `splitByChar(' ', ${quoted(x.form)})`).join(', ')}]))`;
    return `INSERT INTO erasure_work (tenant, request_id, kind, value)
      SELECT {tenant:String}, {request:String}, '${this.cellKind(t)}', g FROM (
        SELECT ${this.cellGroup()} AS g, arrayFlatten(${words}) AS ws FROM ${quoted(t.storage)} WHERE ${this.tenantIs(t)} GROUP BY g)
      WHERE ${this.holdsAName('ws')}`;
  }

  /** Rows of a one-term-per-row table whose term is made of the person's name, in a group that names them. */
  private namedCells(t: ErasureTable): string[] {
    if (!this.hasNames) return [];
    return t.termColumns.filter((x) => !x.array).map((x) => `(${this.formHasNameWord(quoted(x.form))} AND ${this.cellGroup()} IN (
      SELECT value FROM erasure_work WHERE tenant = {tenant:String} AND request_id = {request:String} AND kind = '${this.cellKind(t)}'))`);
  }

  /** Rows with term arrays whose forms hold every word of one of the person's names (a message that named them). */
  private namedTermRows(t: ErasureTable): string[] {
    const arrays = t.termColumns.filter((x) => x.array);
    if (!this.hasNames || arrays.length === 0) return [];
    return [this.holdsAName(`arrayFlatten(arrayMap(f -> splitByChar(' ', f), arrayConcat(${arrays.map((x) => quoted(x.form)).join(', ')})))`)];
  }

  tenantIs(t: ErasureTable): string {
    return t.tenantColumn ? 'tenant = {tenant:String}' : '1';
  }

  /** `col` names the person (an id or e-mail; arrays: any element). */
  names(t: ErasureTable, col: string): string {
    return t.columns.get(col) ? `hasAny(${quoted(col)}, ${this.workArray()})` : `${quoted(col)} IN (${this.work('ident')})`;
  }

  textMatches(col: string): string {
    return `match(${quoted(col)}, ${this.pattern()})`;
  }

  /** The keys of the person's own messages (as author of any version). */
  erasedMessages(): string {
    return `SELECT conversation_id, message_id FROM ${quoted(MESSAGE_SOURCE)} WHERE tenant = {tenant:String} AND author_id IN (${this.work('user')})`;
  }

  /** Rows of the person that go (before holds). */
  own(t: ErasureTable): string {
    const c: string[] = t.deleteBy.subjectColumns.map((col) => this.names(t, col));
    c.push(...this.namedCells(t));
    if (t.deleteBy.ofErasedMessages) c.push(`(conversation_id, message_id) IN (${this.erasedMessages()})`);
    const src = t.deleteBy.source;
    if (src) {
      const source = this.byName.get(src.table)!;
      const where = `${this.tenantIs(source)} AND ${this.own(source)}`;
      c.push(src.keys.every((k) => t.columns.has(k))
        ? `(${src.keys.map(quoted).join(', ')}) IN (SELECT ${src.keys.map(quoted).join(', ')} FROM ${quoted(source.storage)} WHERE ${where})`
        : `key IN (SELECT concat(${src.keys.map(quoted).join(", ':', ")}) FROM ${quoted(source.storage)} WHERE ${where})`);
    }
    return c.length === 0 ? '0' : `(${c.join(' OR ')})`;
  }

  /** Rows where the person is named in others' data (pseudonymized columns, text). */
  mentioned(t: ErasureTable): string {
    const c = t.pseudonymizeColumns.map((col) => this.names(t, col));
    if (this.hasPattern) c.push(...t.textColumns.map((col) => this.textMatches(col)));
    c.push(...this.namedTermRows(t));
    return c.length === 0 ? '0' : `(${c.join(' OR ')})`;
  }

  /** Per term-array pair, by its form column: the row names the person and that array holds a word of their names. */
  termRowsByForm(t: ErasureTable): Array<[string, string]> {
    const named = this.namedTermRows(t);
    if (named.length === 0) return [];
    return t.termColumns.filter((x) => x.array).map((x) => [x.form, `(${named[0]} AND arrayExists(f -> ${this.formHasNameWord('f')}, ${quoted(x.form)}))`]);
  }

  /** For the verification: rows whose topic terms still name the person. */
  termsNaming(t: ErasureTable): string[] {
    return [...this.namedCells(t), ...this.namedTermRows(t)];
  }

  /**
   * Every column assignment that pseudonymizes a mentioned row; `only`: the columns
   * (pseudonymized, text, term forms) that name the person somewhere, the others are
   * left out so the mutation does not rewrite them (nor the indexes built on them).
   */
  assignments(t: ErasureTable, only?: ReadonlySet<string>): string[] {
    const want = (col: string) => !only || only.has(col);
    const a = t.pseudonymizeColumns.filter(want).map((col) => t.columns.get(col)
      ? `${quoted(col)} = arrayMap(x -> if(has(${this.workArray()}, x), {pseudo:String}, x), ${quoted(col)})`
      : `${quoted(col)} = if(${quoted(col)} IN (${this.work('ident')}), {pseudo:String}, ${quoted(col)})`);
    if (this.hasNames) {
      // Terms and their forms stay aligned: both keep the elements whose form has no word of the person's names.
      for (const x of t.termColumns.filter((y) => y.array && want(y.form))) {
        a.push(`${quoted(x.term)} = arrayFilter((e, f) -> NOT ${this.formHasNameWord('f')}, ${quoted(x.term)}, ${quoted(x.form)})`);
        a.push(`${quoted(x.form)} = arrayFilter(f -> NOT ${this.formHasNameWord('f')}, ${quoted(x.form)})`);
      }
    }
    if (this.hasPattern) {
      for (const col of t.textColumns.filter(want)) {
        const replaced = `replaceRegexpAll(${quoted(col)}, ${this.pattern()}, {pseudo:String})`;
        a.push(`${quoted(col)} = ${replaced}`);
        // Folded copies kept beside the text (a lookup table's plain columns; the store recomputes MATERIALIZED ones).
        if (col === 'text' && t.columns.has('text_norm') && !t.materialized.has('text_norm')) {
          const norm = TEXT_NORM_SQL.replace('lowerUTF8(text)', `lowerUTF8(${replaced})`);
          a.push(`text_norm = ${norm}`);
          if (t.columns.has('text_pairs') && !t.materialized.has('text_pairs')) a.push(`text_pairs = ${pairsOf(norm)}`);
        }
      }
    }
    return a;
  }

  /**
   * The row belongs to a record an active hold keeps (restricted instead of erased):
   * by the record's keys in restricted_records, which the run fills first
   * (restriction.ts); '0' when holds never reach the table.
   */
  held(t: ErasureTable): string {
    // An active hold is never changed: its custodians are how it keeps the person's records.
    if (t.table === HOLDS_TABLE) return `hold_id IN (${ACTIVE_HOLDS})`;
    if (!t.holdFamily) return '0';
    const id = RECORD_ID[t.holdFamily];
    if (id && t.columns.has('conversation_id') && t.columns.has(id)) {
      return `(conversation_id, ${quoted(id)}) IN (SELECT conversation_id, record_id FROM restricted_records WHERE tenant = {tenant:String} AND request_id = {request:String} AND family = '${t.holdFamily}')`;
    }
    const src = t.deleteBy.source;
    const source = src ? this.byName.get(src.table) : undefined;
    if (!src || !source || !src.keys.every((k) => t.columns.has(k))) return '0';
    const k = src.keys.map(quoted).join(', ');
    return `(${k}) IN (SELECT ${k} FROM ${quoted(source.storage)} WHERE ${this.tenantIs(source)} AND ${this.held(source)})`;
  }
}

/** text_pairs of migrations/0010 over a folded-text expression. */
function pairsOf(norm: string): string {
  return `arrayStringConcat(arrayMap((a, b) -> concat(a, '·', b), arrayPopBack(splitByChar(' ', trimBoth(${norm}))), arrayPopFront(splitByChar(' ', trimBoth(${norm})))), ' ')`;
}
