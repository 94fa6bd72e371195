/**
 * The query language of `q` (docs/search.md) as a tree. Positions are offsets in the
 * query string in UTF-16 code units (what a browser's string functions use), end
 * exclusive.
 */

export interface Span { start: number; end: number }

/** A word as searched: folded (accents and case) and exact (case only). */
export interface Term { fold: string; exact: string }

export const MODIFIERS = ['from', 'in', 'to', 'with', 'mentions', 'before', 'after', 'on', 'during', 'has', 'is'] as const;
export type ModifierName = typeof MODIFIERS[number];

export const HAS_VALUES = ['attachment', 'reaction', 'mention'] as const;
export const IS_VALUES = ['thread', 'edited', 'deleted'] as const;

export type Node =
  | { type: 'and' | 'or'; children: Node[]; span: Span }
  | { type: 'not'; child: Node; span: Span }
  /** One word. */
  | { type: 'word'; term: Term; span: Span }
  /** Words that must follow each other: a quoted phrase, or one unquoted term such as `l'équipe` or `q3-budget`. */
  | { type: 'phrase'; terms: Term[]; span: Span }
  /** Words that start with `term` (`budg*`). */
  | { type: 'prefix'; term: Term; span: Span }
  | { type: 'modifier'; name: ModifierName; value: string; span: Span };

export type TextNode = Extract<Node, { type: 'word' | 'phrase' | 'prefix' }>;

/** A query that cannot be parsed: where (UTF-16 offset in `q`) and what is wrong. */
export class QuerySyntaxError extends Error {
  constructor(message: string, readonly position: number, readonly end: number = position + 1) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}
