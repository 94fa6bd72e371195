/**
 * A parsed query as the two things the store answers differently: a text condition,
 * which must hold in ONE version of a message (the created one or an edit), and
 * filters on the message, which hold for the message as a whole.
 *
 * The top level is an AND: its word-only items form the text condition (one version
 * holds all of them, through the text index). Every other item is a filter: modifiers
 * (author, conversation, dates, has:, is:) and any mix of modifiers and words under
 * OR, NOT or parentheses (`(from:ada budget) OR mentions:bob`, `budget OR in:general`).
 * Inside such a mix, each largest group of words without a modifier is a unit that one
 * version of the message must match ("some version has budget"), and the units and
 * modifiers combine with AND, OR and NOT at the message level (compile.ts).
 */
import type { Node } from './ast.js';

export interface SplitQuery {
  /** Text-only condition (words, phrases, prefixes with AND/OR/NOT), or none. */
  text?: Node;
  /** Conditions on the message (modifiers, or modifiers mixed with word units), all of which must hold. */
  filters: Node[];
}

type Kind = 'text' | 'filter' | 'mixed';

export function kindOf(n: Node): Kind {
  switch (n.type) {
    case 'modifier': return 'filter';
    case 'word': case 'phrase': case 'prefix': return 'text';
    case 'not': return kindOf(n.child);
    default: {
      const kinds = new Set(n.children.map(kindOf));
      return kinds.size === 1 ? [...kinds][0]! : 'mixed';
    }
  }
}

export function splitQuery(root: Node): SplitQuery {
  const items = root.type === 'and' ? root.children : [root];
  const text: Node[] = [];
  const filters: Node[] = [];
  for (const item of items) (kindOf(item) === 'text' ? text : filters).push(item);
  if (text.length === 0) return { filters };
  const t = text.length === 1 ? text[0]! : { type: 'and' as const, children: text, span: { start: text[0]!.span.start, end: text.at(-1)!.span.end } };
  return { text: t, filters };
}

/**
 * The word units inside mixed filters that are not negated (an odd number of NOTs
 * above them): what a highlight may mark besides the top-level text.
 */
export function positiveTextUnits(filters: readonly Node[]): Node[] {
  const out: Node[] = [];
  const visit = (n: Node, negated: boolean): void => {
    if (kindOf(n) === 'text') {
      if (!negated) out.push(n);
      return;
    }
    if (n.type === 'not') visit(n.child, !negated);
    else if (n.type === 'and' || n.type === 'or') n.children.forEach((c) => visit(c, negated));
  };
  filters.forEach((f) => visit(f, false));
  return out;
}
