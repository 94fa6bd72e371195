/**
 * Query tree -> SQL conditions. Only fixed clauses are written here; every value
 * (word, phrase, id, time) becomes a `{qN:Type}` parameter.
 *
 * Text conditions apply to one row of message_versions (any version): words through
 * the text index on `text_norm` (folded, see fold.ts), with hasAllTokens /
 * hasAnyTokens so AND and OR of plain words are one index lookup; a phrase is the
 * index on `text_pairs` (each pair of consecutive words, "a·b"), plus a substring
 * check on text_norm when it has more than two words; a
 * prefix is the words of the index dictionary that start with it (resolved before,
 * see resolve.ts). With exact accents each atom adds an RE2 check on the lowercased
 * NFC text, so the index still selects the candidates.
 *
 * Filter conditions apply to the created version of a message (and to the small
 * key views for has:reaction, is:edited, is:deleted, is:thread). A group of words
 * mixed with modifiers under OR or NOT (split.ts) is a condition on the message too:
 * its key is among those of the versions (any version, through the text index in
 * the subquery) that match the group.
 */
import type { Node, Term } from './ast.js';
import { kindOf } from './split.js';
import { dateRange } from './dates.js';
import { toStoreTime } from '../../events/time.js';

const T = "DateTime64(3, 'UTC')";
const KEY = "concat(conversation_id, '\\0', message_id)";
/** Not a letter, digit or mark: the word boundary of fold.ts, in RE2. */
const SEP = '[^\\p{L}\\p{N}\\p{M}]';

export class SqlParams {
  readonly values: Record<string, unknown> = {};
  private n = 0;
  add(type: string, value: unknown): string {
    const name = `q${this.n++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}

export interface TextOptions {
  exactAccents: boolean;
  /** Dictionary words for each prefix node (resolve.ts). */
  prefixes: ReadonlyMap<Node, readonly string[]>;
}

function escapeRe2(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

function exactCheck(p: SqlParams, words: readonly string[], prefix = false): string {
  const body = words.map(escapeRe2).join(`${SEP}+`);
  const re = `(?:^|${SEP})${body}${prefix ? '' : `(?:$|${SEP})`}`;
  return `match(normalizeUTF8NFC(lowerUTF8(text)), ${p.add('String', re)})`;
}

const folds = (terms: readonly Term[]) => terms.map((t) => t.fold);

export function compileText(n: Node, p: SqlParams, o: TextOptions): string {
  switch (n.type) {
    case 'word': {
      const c = `hasAllTokens(text_norm, ${p.add('Array(String)', [n.term.fold])})`;
      return o.exactAccents ? `(${c} AND ${exactCheck(p, [n.term.exact])})` : c;
    }
    case 'phrase': {
      // Pairs of consecutive words are indexed (text_pairs): two words are exactly one pair; longer phrases also need their order checked.
      const f = folds(n.terms);
      const pairs = [...new Set(f.slice(1).map((w, i) => `${f[i]}·${w}`))];
      const ordered = f.length > 2 ? ` AND position(text_norm, ${p.add('String', ` ${f.join(' ')} `)}) > 0` : '';
      const c = `hasAllTokens(text_pairs, ${p.add('Array(String)', pairs)})${ordered}`;
      return o.exactAccents ? `(${c} AND ${exactCheck(p, n.terms.map((t) => t.exact))})` : `(${c})`;
    }
    case 'prefix': {
      const words = o.prefixes.get(n) ?? [];
      if (words.length === 0) return '0';
      const c = `hasAnyTokens(text_norm, ${p.add('Array(String)', words)})`;
      return o.exactAccents ? `(${c} AND ${exactCheck(p, [n.term.exact], true)})` : c;
    }
    case 'not':
      return `NOT ${compileText(n.child, p, o)}`;
    case 'and':
    case 'or': {
      // Plain words under one AND (OR) are one hasAllTokens (hasAnyTokens): one index lookup.
      const plain = o.exactAccents ? [] : n.children.filter((c): c is Extract<Node, { type: 'word' }> => c.type === 'word');
      const rest = n.children.filter((c) => !plain.includes(c as never));
      const parts: string[] = [];
      if (plain.length > 0) parts.push(`${n.type === 'and' ? 'hasAllTokens' : 'hasAnyTokens'}(text_norm, ${p.add('Array(String)', [...new Set(plain.map((w) => w.term.fold))])})`);
      for (const c of rest) parts.push(compileText(c, p, o));
      return parts.length === 1 ? parts[0]! : `(${parts.join(n.type === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'modifier':
      throw new Error('compileText: a modifier in a text condition (splitQuery keeps them apart)');
  }
}

export interface FilterContext {
  tenantParam: string;
  timeZone: string;
  now?: number;
  /** User ids a from:/to:/with:/mentions: value names (resolve.ts). */
  users: ReadonlyMap<Node, readonly string[]>;
  /** Conversation ids an in: value names. */
  conversations: ReadonlyMap<Node, readonly string[]>;
  /** Direct-message conversations (dm, group_dm) the person of a to:/with: takes part in. */
  directs: ReadonlyMap<Node, readonly string[]>;
  /** How the word groups mixed with modifiers are compiled. */
  text: TextOptions;
}

export function compileFilter(n: Node, p: SqlParams, c: FilterContext): string {
  // A group of words only, inside a mix with modifiers: one version of the message matches it.
  if (kindOf(n) === 'text') {
    return `${KEY} IN (SELECT ${KEY} FROM message_versions WHERE tenant = ${c.tenantParam} AND ${compileText(n, p, c.text)})`;
  }
  switch (n.type) {
    case 'not': return `NOT ${compileFilter(n.child, p, c)}`;
    case 'and':
    case 'or': return `(${n.children.map((x) => compileFilter(x, p, c)).join(n.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'modifier': break;
    default: throw new Error('compileFilter: unreachable, a word node is a text group above');
  }
  const ids = (m: ReadonlyMap<Node, readonly string[]>) => p.add('Array(String)', m.get(n) ?? []);
  switch (n.name) {
    case 'from': return `author_id IN ${ids(c.users)}`;
    case 'in': return `conversation_id IN ${ids(c.conversations)}`;
    case 'mentions': return `hasAny(mentions, ${ids(c.users)})`;
    case 'with': return `(conversation_type IN ('dm', 'group_dm') AND conversation_id IN ${ids(c.directs)})`;
    case 'to': return `(conversation_type IN ('dm', 'group_dm') AND conversation_id IN ${ids(c.directs)} AND author_id NOT IN ${ids(c.users)})`;
    case 'before': case 'after': case 'on': case 'during': {
      const r = dateRange(n.name, n.value, c.timeZone, n.span, c.now);
      const parts: string[] = [];
      if (r.from !== undefined) parts.push(`time >= ${p.add(T, toStoreTime(r.from))}`);
      if (r.to !== undefined) parts.push(`time < ${p.add(T, toStoreTime(r.to))}`);
      return `(${parts.join(' AND ')})`;
    }
    case 'has':
      switch (n.value.toLowerCase()) {
        case 'attachment': case 'attachments': case 'file': return 'notEmpty(attachments)';
        case 'mention': case 'mentions': return 'notEmpty(mentions)';
        default: return `${KEY} IN (SELECT ${KEY} FROM reactions_by_message WHERE tenant = ${c.tenantParam}
          GROUP BY conversation_id, message_id, user_id, emoji HAVING argMax(action, (time, event_id)) = 'added')`;
      }
    case 'is':
      switch (n.value.toLowerCase()) {
        case 'thread': return `(thread_id != '' OR ${KEY} IN (SELECT concat(conversation_id, '\\0', thread_id) FROM replies_by_thread WHERE tenant = ${c.tenantParam}))`;
        case 'edited': return `${KEY} IN (SELECT ${KEY} FROM message_edit_keys WHERE tenant = ${c.tenantParam})`;
        default: return `${KEY} IN (SELECT ${KEY} FROM deletions_by_message WHERE tenant = ${c.tenantParam})`;
      }
  }
}
