/**
 * Splits a query into tokens with their positions. Operators are upper case (`OR`,
 * `AND`, `NOT`), as in KQL and Lucene, so the words "or", "and", "not" stay words.
 * A term `name:value` is a modifier when `name` is one of MODIFIERS (any case); any
 * other letters-only name before a colon is refused, so a misspelt modifier never
 * silently becomes words (`form:ada`), unless the value starts with `//` (a URL).
 */
import { MODIFIERS, QuerySyntaxError, type ModifierName, type Span } from './ast.js';

export type Token =
  | { kind: '(' | ')' | 'OR' | 'AND' | 'NOT' | '-'; span: Span }
  | { kind: 'phrase'; text: string; span: Span }
  | { kind: 'word'; text: string; span: Span }
  | { kind: 'modifier'; name: ModifierName; value: string; span: Span };

const SPACE = /[\s\x00-\x1f\x7f]/u;
const ENDS_TERM = /[\s\x00-\x1f\x7f()"]/u;
const MODIFIER_SET = new Set<string>(MODIFIERS);

function readQuoted(q: string, open: number): { text: string; end: number } {
  const close = q.indexOf('"', open + 1);
  if (close < 0) throw new QuerySyntaxError('this quote is never closed: add a closing "', open, q.length);
  return { text: q.slice(open + 1, close), end: close + 1 };
}

export function lex(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (SPACE.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { tokens.push({ kind: c, span: { start: i, end: i + 1 } }); i++; continue; }
    if (c === '"') {
      const { text, end } = readQuoted(q, i);
      tokens.push({ kind: 'phrase', text, span: { start: i, end } });
      i = end;
      continue;
    }
    if (c === '-' && i + 1 < q.length && !/[\s\x00-\x1f\x7f)]/u.test(q[i + 1]!)) {
      // A minus that starts a term excludes it; inside a term (e-mail) it is part of the word.
      tokens.push({ kind: '-', span: { start: i, end: i + 1 } });
      i++;
      continue;
    }
    let j = i;
    while (j < q.length && !ENDS_TERM.test(q[j]!)) j++;
    const text = q.slice(i, j);
    const colon = text.indexOf(':');
    const name = colon > 0 ? text.slice(0, colon) : '';
    if (colon > 0 && /^[A-Za-z]+$/.test(name) && !text.slice(colon + 1).startsWith('//')) {
      const lower = name.toLowerCase();
      if (!MODIFIER_SET.has(lower)) {
        throw new QuerySyntaxError(`unknown modifier "${name}:" (known: ${MODIFIERS.map((m) => `${m}:`).join(' ')}); put words with a colon in quotes`, i, i + colon + 1);
      }
      let value = text.slice(colon + 1);
      let end = j;
      if (value === '' && q[j] === '"') {
        const quoted = readQuoted(q, j);
        value = quoted.text;
        end = quoted.end;
      }
      if (value.trim() === '') throw new QuerySyntaxError(`"${name}:" needs a value right after the colon`, i, end);
      tokens.push({ kind: 'modifier', name: lower as ModifierName, value: value.trim(), span: { start: i, end } });
      i = end;
      continue;
    }
    if (text === 'OR' || text === 'AND' || text === 'NOT') tokens.push({ kind: text, span: { start: i, end: j } });
    else tokens.push({ kind: 'word', text, span: { start: i, end: j } });
    i = j;
  }
  return tokens;
}
