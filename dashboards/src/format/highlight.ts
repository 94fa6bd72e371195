/**
 * Hits highlighted in message text: the query split into words the way the index
 * splits text (common/queries/tokens.ts: ASCII punctuation and spaces separate,
 * every other character belongs to a word; lowercased, accents kept), and the text
 * cut into parts that are or are not one of those words.
 */
const SEPARATOR = /[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/;

export function queryWords(q: string): string[] {
  return [...new Set(q.split(SEPARATOR).filter((w) => w.length > 0).map((w) => w.toLowerCase()))];
}

export interface TextPart {
  text: string;
  hit: boolean;
}

export function highlightParts(text: string, words: readonly string[]): TextPart[] {
  if (words.length === 0 || text.length === 0) return text.length === 0 ? [] : [{ text, hit: false }];
  const wanted = new Set(words);
  const parts: TextPart[] = [];
  // Split keeping separators (the capture group), so the parts join back to the text.
  for (const piece of text.split(/([\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+)/)) {
    if (piece.length === 0) continue;
    const hit = !SEPARATOR.test(piece) && wanted.has(piece.toLowerCase());
    const last = parts[parts.length - 1];
    if (last && last.hit === hit && !hit) last.text += piece;
    else parts.push({ text: piece, hit });
  }
  return parts;
}
