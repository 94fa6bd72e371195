/**
 * Which versions of a message match the text part of a query, and where: the same
 * rules as the SQL of compile.ts, evaluated on the words of each version (fold.ts),
 * so the UI can mark them. Offsets are UTF-16 code units of the version's text, end
 * exclusive: `text.slice(start, end)` in a browser is the matched word or phrase.
 */
import type { Node } from './ast.js';
import { textWords, type TextWord } from './fold.js';

export interface Range { start: number; end: number }

interface Eval { ok: boolean; ranges: Range[] }

function evaluate(n: Node, words: readonly TextWord[], exact: boolean): Eval {
  const key = (w: TextWord) => (exact ? w.exact : w.fold);
  switch (n.type) {
    case 'word': {
      const want = exact ? n.term.exact : n.term.fold;
      const ranges = words.filter((w) => key(w) === want).map((w) => ({ start: w.start, end: w.end }));
      return { ok: ranges.length > 0, ranges };
    }
    case 'prefix': {
      // The store expands a prefix through the folded dictionary; exact accents also check the exact prefix.
      const ranges = words.filter((w) => w.fold.startsWith(n.term.fold) && (!exact || w.exact.startsWith(n.term.exact))).map((w) => ({ start: w.start, end: w.end }));
      return { ok: ranges.length > 0, ranges };
    }
    case 'phrase': {
      const want = n.terms.map((t) => (exact ? t.exact : t.fold));
      const ranges: Range[] = [];
      for (let i = 0; i + want.length <= words.length; i++) {
        if (want.every((w, j) => key(words[i + j]!) === w)) ranges.push({ start: words[i]!.start, end: words[i + want.length - 1]!.end });
      }
      return { ok: ranges.length > 0, ranges };
    }
    case 'not':
      return { ok: !evaluate(n.child, words, exact).ok, ranges: [] };
    case 'and': {
      const parts = n.children.map((c) => evaluate(c, words, exact));
      return parts.every((p) => p.ok) ? { ok: true, ranges: parts.flatMap((p) => p.ranges) } : { ok: false, ranges: [] };
    }
    case 'or': {
      const parts = n.children.map((c) => evaluate(c, words, exact)).filter((p) => p.ok);
      return { ok: parts.length > 0, ranges: parts.flatMap((p) => p.ranges) };
    }
    case 'modifier':
      return { ok: true, ranges: [] };
  }
}

/** Whether `text` matches and the ranges to mark, sorted and merged where they overlap. */
export function highlight(text: string, query: Node, exactAccents: boolean): { matches: boolean; ranges: Range[] } {
  const r = evaluate(query, textWords(text), exactAccents);
  if (!r.ok) return { matches: false, ranges: [] };
  const sorted = [...r.ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Range[] = [];
  for (const x of sorted) {
    const last = merged.at(-1);
    if (last && x.start <= last.end) last.end = Math.max(last.end, x.end);
    else merged.push({ ...x });
  }
  return { matches: true, ranges: merged };
}
