/**
 * Case and accent folding, the same on both sides: the store folds each version's
 * text into `message_versions.text_norm` (migrations/0010_search_language.sql) and
 * this module folds query words and, for highlights, the texts of a page.
 *
 * Folding of one code point: lowercase, compatibility decomposition (NFKD: "ﬁ" ->
 * "fi", "é" -> "e" + U+0301), then nonspacing marks (Mn) dropped. Every character
 * that is not a letter, digit or (spacing) mark separates words, so punctuation,
 * emoji, guillemets and both apostrophes (' and ’) split: "l’équipe" is the words
 * `l` and `equipe`, which is how French elisions are found by the bare word.
 *
 * Each code point is folded on its own, as lowerUTF8 does in the store, except the one
 * context-dependent rule its whole-text lowercasing (ICU) applies: a capital sigma at
 * the end of a word becomes the final form "ς" (Unicode's Final_Sigma condition), so a
 * query typed in capitals finds the word the store folded ("ΟΔΟΣ" -> "οδος").
 */

/** The store side, for the migration and its test: must fold exactly like `foldCodePoint`. */
export const TEXT_NORM_SQL = "concat(' ', replaceRegexpAll(replaceRegexpAll(normalizeUTF8NFKD(lowerUTF8(text)), '\\\\p{Mn}', ''), '[^\\\\p{L}\\\\p{N}\\\\p{M}]+', ' '), ' ')";

const MN = /\p{Mn}/gu;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

export function foldCodePoint(cp: string): string {
  return cp.toLowerCase().normalize('NFKD').replace(MN, '');
}

const CASED = /\p{Cased}/u;
const CASE_IGNORABLE = /\p{Case_Ignorable}/u;

/** Unicode's Final_Sigma: a cased letter before (past case-ignorables), none after. */
function isFinalSigma(cps: readonly string[], k: number): boolean {
  const cased = (step: number): boolean => {
    for (let j = k + step; j >= 0 && j < cps.length; j += step) {
      if (CASE_IGNORABLE.test(cps[j]!)) continue;
      return CASED.test(cps[j]!);
    }
    return false;
  };
  return cased(-1) && !cased(1);
}

/** A word of a text: its folded form, its exact form (lowercase, NFC) and where it is. */
export interface TextWord {
  fold: string;
  exact: string;
  /** Offsets in UTF-16 code units of the original text, end exclusive (String.prototype.slice). */
  start: number;
  end: number;
}

/**
 * The words of a text as the store's text index sees them (on text_norm), with the
 * offsets of each in the original text. A folded character that came from one code
 * point spans that code point; a combining mark that folds to nothing is kept inside
 * the word before it, so a highlight never cuts an accent off its letter.
 */
export function textWords(text: string): TextWord[] {
  const words: TextWord[] = [];
  let fold = '';
  let start = -1;
  let end = -1;
  const flush = () => {
    if (fold.length > 0) {
      words.push({ fold, exact: text.slice(start, end).toLowerCase().normalize('NFC'), start, end });
    }
    fold = '';
    start = -1;
  };
  let i = 0;
  const cps = [...text];
  for (let k = 0; k < cps.length; k++) {
    const cp = cps[k]!;
    const at = i;
    i += cp.length;
    const f = cp === 'Σ' && isFinalSigma(cps, k) ? 'ς' : foldCodePoint(cp);
    if (f.length === 0) {
      // A mark dropped by folding: part of the word it follows (if any), never a separator.
      if (start >= 0 && end === at && /\p{M}/u.test(cp)) end = i;
      continue;
    }
    for (const ch of f) {
      if (WORD_CHAR.test(ch)) {
        if (start < 0) start = at;
        fold += ch;
        end = i;
      } else {
        flush();
      }
    }
  }
  flush();
  return words;
}

/** Folded words of a query term, in order ("L'Équipe" -> ["l", "equipe"]). */
export function foldWords(text: string): string[] {
  return textWords(text).map((w) => w.fold);
}

/** Exact (accent-sensitive, case-insensitive) words of a query term. */
export function exactWords(text: string): string[] {
  return textWords(text).map((w) => w.exact);
}
