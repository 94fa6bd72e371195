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

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;
/** Scripts written without spaces between words: their terms match inside a word (a substring). */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

export interface Words {
  /** Folded words in order. */
  folded: string[];
  /** starts[i], ends[i]: where word i is in the text. */
  starts: number[];
  ends: number[];
}

export function foldWord(word: string): string {
  if (!NON_ASCII.test(word)) return word.toLowerCase();
  return word.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

export function wordsOf(text: string): Words {
  const folded: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    const f = foldWord(m[0]);
    // A word of marks only (a stray accent) folds to nothing and is not a word.
    if (f.length === 0) continue;
    folded.push(f);
    starts.push(m.index);
    ends.push(m.index + m[0].length);
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
