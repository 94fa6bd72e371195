/**
 * Recursive descent over the tokens of lexer.ts:
 *
 *   query   := or EOF
 *   or      := and ( "OR" and )*
 *   and     := unary ( ["AND"] unary )*        adjacent terms: AND (OR with match=any)
 *   unary   := ( "NOT" | "-" ) unary | primary
 *   primary := "(" or ")" | PHRASE | MODIFIER | WORD | PREFIX
 *
 * Words are folded here (fold.ts); a term that folds into several words is a phrase
 * (`l'équipe`, `q3-budget`), a term ending in `*` is a prefix. Modifier values are
 * checked later, where they are resolved.
 */
import { QuerySyntaxError, type Node, type Span, type Term } from './ast.js';
import { textWords } from './fold.js';
import { lex, type Token } from './lexer.js';

export const MAX_QUERY_TERMS = 32;
export const MAX_DEPTH = 16;
export const MIN_PREFIX_LENGTH = 2;

export interface ParseOptions {
  /** What adjacent text terms mean: `and` (default) or `or` (the `match=any` parameter). Modifiers always combine with AND. */
  implicit?: 'and' | 'or';
}

function termsOf(text: string, span: Span): Term[] {
  const words = textWords(text);
  if (words.length === 0) throw new QuerySyntaxError(`"${text}" has no letters or digits to search for`, span.start, span.end);
  return words.map((w) => ({ fold: w.fold, exact: w.exact }));
}

const isModifierOnly = (n: Node): boolean =>
  n.type === 'modifier' || (n.type === 'not' && isModifierOnly(n.child)) || ((n.type === 'and' || n.type === 'or') && n.children.every(isModifierOnly));

class Parser {
  private i = 0;
  private terms = 0;
  constructor(private readonly tokens: Token[], private readonly q: string, private readonly opts: ParseOptions) {}

  private peek(): Token | undefined { return this.tokens[this.i]; }
  private here(): number { return this.peek()?.span.start ?? this.q.length; }

  parse(): Node {
    if (this.tokens.length === 0) throw new QuerySyntaxError('the query is empty', 0, this.q.length);
    const node = this.or(0);
    const t = this.peek();
    if (t) throw new QuerySyntaxError(t.kind === ')' ? 'this ) closes nothing: remove it or add a ( before' : `unexpected "${this.q.slice(t.span.start, t.span.end)}"`, t.span.start, t.span.end);
    return node;
  }

  private or(depth: number): Node {
    const children = [this.and(depth)];
    while (this.peek()?.kind === 'OR') {
      const op = this.tokens[this.i++]!;
      if (!this.startsOperand()) throw new QuerySyntaxError('OR needs a term after it', op.span.start, op.span.end);
      children.push(this.and(depth));
    }
    return children.length === 1 ? children[0]! : { type: 'or', children, span: { start: children[0]!.span.start, end: children.at(-1)!.span.end } };
  }

  private startsOperand(): boolean {
    const k = this.peek()?.kind;
    return k !== undefined && k !== ')' && k !== 'OR' && k !== 'AND';
  }

  private and(depth: number): Node {
    const items: Array<{ node: Node; explicit: boolean }> = [{ node: this.unary(depth), explicit: true }];
    for (;;) {
      const t = this.peek();
      if (!t || t.kind === ')' || t.kind === 'OR') break;
      let explicit = false;
      if (t.kind === 'AND') {
        this.i++;
        explicit = true;
        if (!this.startsOperand()) throw new QuerySyntaxError('AND needs a term after it', t.span.start, t.span.end);
      }
      items.push({ node: this.unary(depth), explicit });
    }
    if (items.length === 1) return items[0]!.node;
    const span = { start: items[0]!.node.span.start, end: items.at(-1)!.node.span.end };
    if (this.opts.implicit !== 'or') return { type: 'and', children: items.map((x) => x.node), span };
    // match=any: modifiers still filter (AND); text terms next to each other are alternatives, an explicit AND binds them.
    const filters = items.filter((x) => isModifierOnly(x.node)).map((x) => x.node);
    const groups: Node[][] = [];
    for (const x of items.filter((y) => !isModifierOnly(y.node))) {
      if (x.explicit && groups.length > 0) groups.at(-1)!.push(x.node);
      else groups.push([x.node]);
    }
    const alternatives = groups.map((g) => (g.length === 1 ? g[0]! : { type: 'and' as const, children: g, span: { start: g[0]!.span.start, end: g.at(-1)!.span.end } }));
    const text: Node[] = alternatives.length === 0 ? [] : alternatives.length === 1 ? [alternatives[0]!] : [{ type: 'or', children: alternatives, span }];
    const all = [...filters, ...text];
    return all.length === 1 ? all[0]! : { type: 'and', children: all, span };
  }

  private unary(depth: number): Node {
    const t = this.peek();
    if (t && (t.kind === 'NOT' || t.kind === '-')) {
      this.i++;
      if (!this.startsOperand() && this.peek()?.kind !== 'NOT' && this.peek()?.kind !== '-') {
        throw new QuerySyntaxError(`${t.kind} needs a term after it`, t.span.start, t.span.end);
      }
      if (depth >= MAX_DEPTH) throw new QuerySyntaxError(`nested more than ${MAX_DEPTH} levels deep`, t.span.start, t.span.end);
      const child = this.unary(depth + 1);
      return { type: 'not', child, span: { start: t.span.start, end: child.span.end } };
    }
    return this.primary(depth);
  }

  private count(span: Span, n: number): void {
    this.terms += n;
    if (this.terms > MAX_QUERY_TERMS) throw new QuerySyntaxError(`more than ${MAX_QUERY_TERMS} words and modifiers`, span.start, span.end);
  }

  private primary(depth: number): Node {
    const t = this.peek();
    if (!t) throw new QuerySyntaxError('the query ends where a word, phrase, modifier or ( was expected', this.q.length, this.q.length);
    switch (t.kind) {
      case '(': {
        if (depth >= MAX_DEPTH) throw new QuerySyntaxError(`nested more than ${MAX_DEPTH} levels deep`, t.span.start, t.span.end);
        this.i++;
        if (this.peek()?.kind === ')') throw new QuerySyntaxError('empty parentheses', t.span.start, this.peek()!.span.end);
        const inner = this.or(depth + 1);
        const close = this.peek();
        if (close?.kind !== ')') throw new QuerySyntaxError('this ( is never closed: add a )', t.span.start, t.span.end);
        this.i++;
        return { ...inner, span: { start: t.span.start, end: close.span.end } } as Node;
      }
      case 'phrase': {
        this.i++;
        const terms = termsOf(t.text, t.span);
        this.count(t.span, terms.length);
        return terms.length === 1 ? { type: 'word', term: terms[0]!, span: t.span } : { type: 'phrase', terms, span: t.span };
      }
      case 'modifier':
        this.i++;
        this.count(t.span, 1);
        return { type: 'modifier', name: t.name, value: t.value, span: t.span };
      case 'word': {
        this.i++;
        if (t.text.endsWith('*')) {
          const stem = t.text.replace(/\*+$/, '');
          const terms = stem === '' ? [] : textWords(stem);
          if (terms.length !== 1) throw new QuerySyntaxError('a prefix (word*) must be one word of letters or digits before the *', t.span.start, t.span.end);
          const term = { fold: terms[0]!.fold, exact: terms[0]!.exact };
          if ([...term.fold].length < MIN_PREFIX_LENGTH) throw new QuerySyntaxError(`a prefix needs at least ${MIN_PREFIX_LENGTH} letters or digits before the *`, t.span.start, t.span.end);
          this.count(t.span, 1);
          return { type: 'prefix', term, span: t.span };
        }
        const terms = termsOf(t.text, t.span);
        this.count(t.span, terms.length);
        return terms.length === 1 ? { type: 'word', term: terms[0]!, span: t.span } : { type: 'phrase', terms, span: t.span };
      }
      default:
        throw new QuerySyntaxError(t.kind === ')' ? 'this ) closes nothing: remove it or add a ( before' : `${t.kind} needs a term before it`, t.span.start, t.span.end);
    }
  }
}

/** Parses `q`; throws QuerySyntaxError saying where and what. Pure: no store, no I/O. */
export function parseQuery(q: string, opts: ParseOptions = {}): Node {
  return new Parser(lex(q), q, opts).parse();
}

/** The `match=phrase` form of the old API: the whole of `q` is one phrase, no operators. */
export function phraseQuery(q: string): Node {
  const span = { start: 0, end: q.length };
  const terms = termsOf(q, span);
  if (terms.length > MAX_QUERY_TERMS) throw new QuerySyntaxError(`more than ${MAX_QUERY_TERMS} words`, 0, q.length);
  return terms.length === 1 ? { type: 'word', term: terms[0]!, span } : { type: 'phrase', terms, span };
}
