/**
 * Words of a message for lexicon matching, with where each one is in the original
 * text. A word is a run of letters, digits and combining marks; everything else
 * (spaces, punctuation, emoji) separates words, so a phrase matches across
 * punctuation. Words are compared folded: compatibility forms unified (NFKD), marks
 * removed ("supprimé" = "supprime"), lower case.
 *
 * Positions are UTF-16 code unit offsets [start, end) into the text as stored, the
 * offsets JavaScript's String.prototype.slice takes.
 */

const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
/** Scripts written without spaces between words: their terms match inside a word (a substring). */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** ASCII letters and digits, by char code: most chat text never leaves this table. */
const ASCII_WORD = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_WORD[c] = 1;
for (let c = 65; c <= 90; c++) ASCII_WORD[c] = 1;
for (let c = 97; c <= 122; c++) ASCII_WORD[c] = 1;

export interface Words {
  /** Folded words in order. */
  folded: string[];
  /** starts[i], ends[i]: where word i is in the text. */
  starts: number[];
  ends: number[];
}

/** Folded non-ASCII words: normalization is the costly part of folding, and words repeat. Dropped whole when full. */
let foldCache = new Map<string, string>();
const FOLD_CACHE_LIMIT = 100_000;

export function foldWord(word: string): string {
  if (!NON_ASCII.test(word)) return word.toLowerCase();
  let f = foldCache.get(word);
  if (f === undefined) {
    f = word.normalize('NFKD').replace(MARKS, '').toLowerCase();
    if (foldCache.size >= FOLD_CACHE_LIMIT) foldCache = new Map();
    foldCache.set(word, f);
  }
  return f;
}

/** Length in UTF-16 units of the word character at `i` (2 for an astral letter), or 0 when it is not one. */
function wordCharAt(text: string, i: number, c: number): number {
  if (c < 128) return ASCII_WORD[c]!;
  const cp = text.codePointAt(i)!;
  const n = cp > 0xffff ? 2 : 1;
  return WORD_CHAR.test(text.slice(i, i + n)) ? n : 0;
}

/**
 * The words of `text`: runs of letters, digits and marks (Unicode L, N, M). A scan
 * by char code with a table for ASCII: a Unicode-property regular expression over
 * every message cost several times more.
 */
export function wordsOf(text: string): Words {
  const folded: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let step = wordCharAt(text, i, text.charCodeAt(i));
    if (step === 0) {
      i += text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) <= 0xdbff ? 2 : 1;
      continue;
    }
    const start = i;
    let ascii = true;
    let upper = false;
    while (i < n && step > 0) {
      const c = text.charCodeAt(i);
      if (c >= 128) ascii = false;
      else if (c >= 65 && c <= 90) upper = true;
      i += step;
      step = i < n ? wordCharAt(text, i, text.charCodeAt(i)) : 0;
    }
    const word = text.slice(start, i);
    const f = ascii ? (upper ? word.toLowerCase() : word) : foldWord(word);
    // A word of marks only (a stray accent) folds to nothing and is not a word.
    if (f.length === 0) continue;
    folded.push(f);
    starts.push(start);
    ends.push(i);
  }
  return { folded, starts, ends };
}

/** The folded words of a lexicon term (the same folding as the messages'). */
export function termWords(term: string): string[] {
  return wordsOf(term).folded;
}

export function isUnspaced(word: string): boolean {
  return UNSPACED.test(word);
}
