/**
 * A parsed query as the two things the store answers differently: a text condition,
 * which must hold in ONE version of a message (the created one or an edit), and
 * filters on the message (author, conversation, dates, has:, is:), which hold for the
 * message as a whole. They combine with AND at the top level only: `budget from:ada`
 * and `(budget OR bilan) -from:ada` are fine, `budget OR from:ada` is refused,
 * because "one version has the word, or the message is Ada's" has no index to use
 * and no meaning a highlight could show.
 */
import { QuerySyntaxError, type Node } from './ast.js';

export interface SplitQuery {
  /** Text-only condition (words, phrases, prefixes with AND/OR/NOT), or none. */
  text?: Node;
  /** Modifier-only conditions, all of which must hold. */
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

function refuseMixed(n: Node): never {
  throw new QuerySyntaxError('words and modifiers (from:, in:, has: ...) combine only with AND at the top level: move the modifier out of the OR, NOT or parentheses', n.span.start, n.span.end);
}

export function splitQuery(root: Node): SplitQuery {
  const items = root.type === 'and' ? root.children : [root];
  const text: Node[] = [];
  const filters: Node[] = [];
  for (const item of items) {
    const kind = kindOf(item);
    if (kind === 'mixed') refuseMixed(item);
    (kind === 'text' ? text : filters).push(item);
  }
  if (text.length === 0) return { filters };
  const t = text.length === 1 ? text[0]! : { type: 'and' as const, children: text, span: { start: text[0]!.span.start, end: text.at(-1)!.span.end } };
  return { text: t, filters };
}
