/**
 * A SQL condition that keeps every stored message version a lexicon could match, so
 * a backtest reads only candidates out of the store instead of every text (reading
 * the text into JavaScript was two-thirds of its time). The matcher then decides, as
 * at ingest: the prefilter only ever removes messages the matcher would not flag.
 *
 * Why nothing is dropped that could match:
 * - The store's `text_norm` column (migrations/0010) folds text as the matcher folds
 *   words (NFKD, marks dropped, lower case; separators become a space) for every
 *   character of `SAFE_RANGES`; prefilter.integration.test.ts checks each of those characters
 *   against the store. A text with any other character is always kept.
 * - A term is found only if each of its folded words is a folded word of the message
 *   (inside one, for scripts without spaces), so its longest word is in `text_norm`
 *   between spaces (a word of letters and digits), or its longest run of letters and
 *   digits is.
 * - A stemmed word matches a message word whose Snowball stem equals it. Snowball
 *   (English, French) only rewrites the end of a word, adding at most two letters
 *   of its own, so the stem without its last two letters begins the message word:
 *   ' head' is in `text_norm` (prefilter.integration.test.ts checks inflections of
 *   both languages, and fails with one letter less); a stem of two letters or fewer
 *   cannot be expressed.
 * - A proximity rule needs both of its terms (either one's string when the other has
 *   none); an exception only removes matches
 *   and is ignored here.
 * - A pattern runs only when one of its prefilter strings is in the text lower-cased
 *   (matcher.ts), so that string is in `lowerUTF8(text)` (the same lower case on the
 *   safe characters, also checked). A pattern without a prefilter cannot be
 *   expressed.
 * When any part of any lexicon cannot be expressed, there is no prefilter: a full scan.
 */
import { createStemmer, type Stemmer } from './stemmers.js';
import { isUnspaced, termWords } from './text-tokens.js';
import { patternPrefilter, type Lexicon } from './matcher.js';
import { termStem, textOfTerm, type StemLanguage, type TermInput } from './policy-model.js';

/** Code point ranges on which the store's folding and lower case are the matcher's (prefilter.integration.test.ts checks every one). */
export const SAFE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x012f], [0x0131, 0x017f], [0x2000, 0x206f], [0x20a0, 0x20a7], [0x20a9, 0x20bf], [0x2190, 0x21ff], [0x2600, 0x27bf], [0xfe00, 0xfe0f], [0x1f300, 0x1faff],
];

/** A text with a character outside SAFE_RANGES (RE2 syntax, as the store's `match` reads it). */
export const UNSAFE_TEXT_RE2 = `[^${SAFE_RANGES.map(([a, b]) => `\\x{${a.toString(16)}}-\\x{${b.toString(16)}}`).join('')}]`;

export interface Prefilter {
  /** Strings of which one must be in `text_norm`. */
  anyNorm: string[];
  /** Pairs of strings both of which must be in `text_norm` (proximity rules). */
  bothNorm: Array<[string, string]>;
  /** Strings of which one must be in `lowerUTF8(text)` (pattern prefilters). */
  anyLower: string[];
}

/** Longest run of letters and digits: what survives the store's separator rule inside a folded word. */
function longestRun(s: string): string {
  let best = '';
  for (const m of s.matchAll(/[\p{L}\p{N}]+/gu)) if (m[0].length > best.length) best = m[0];
  return best;
}

export const STEM_KEEP_MARGIN = 2;
const WHOLE = /^[\p{L}\p{N}]+$/u;

/** The prefilter of all `lexicons` together, or undefined when one of their parts cannot be expressed (scan everything). */
export function compilePrefilter(lexicons: readonly Lexicon[]): Prefilter | undefined {
  const stemmers = new Map<StemLanguage, Stemmer>();
  const needleOf = (t: TermInput): string | undefined => {
    const mode = termStem(t);
    const words = termWords(textOfTerm(t));
    let best = '';
    if (!mode || words.some(isUnspaced)) {
      for (const w of words) {
        // A whole word of letters and digits stands between separators: ' w ' in text_norm (unspaced scripts match inside words).
        const n = !isUnspaced(w) && WHOLE.test(w) ? ` ${w} ` : longestRun(w);
        if (n.trim().length > best.trim().length) best = n;
      }
    } else {
      let stem = stemmers.get(mode);
      if (!stem) stemmers.set(mode, (stem = createStemmer(mode)));
      for (const w of words) {
        // The head begins a word: after a separator.
        const head = stem(w).slice(0, -STEM_KEEP_MARGIN);
        const n = WHOLE.test(head) ? ` ${head}` : longestRun(head);
        if (n.trim().length > best.trim().length) best = n;
      }
    }
    // Any word of a phrase will do; the longest is the most selective.
    return best.trim().length > 0 ? best : undefined;
  };
  const out: Prefilter = { anyNorm: [], bothNorm: [], anyLower: [] };
  for (const lex of lexicons) {
    for (const t of lex.terms) {
      const n = needleOf(t);
      if (n === undefined) return undefined;
      out.anyNorm.push(n);
    }
    for (const r of lex.near) {
      const a = needleOf(r.a);
      const b = needleOf(r.b);
      if (a !== undefined && b !== undefined) out.bothNorm.push([a, b]);
      else if (a !== undefined || b !== undefined) out.anyNorm.push((a ?? b)!);
      else return undefined;
    }
    for (const p of lex.patterns) {
      const strings = patternPrefilter(p);
      if (!strings) return undefined;
      out.anyLower.push(...strings);
    }
  }
  out.anyNorm = [...new Set(out.anyNorm)];
  out.anyLower = [...new Set(out.anyLower)];
  return out;
}

/** multiSearchAny takes at most 255 needles. */
const CHUNK = 255;

/** The prefilter as a parameterized condition on message_versions (or message_edit_texts), and its parameters. */
export function prefilterSql(p: Prefilter): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { unsafeText: UNSAFE_TEXT_RE2 };
  const parts = ['match(text, {unsafeText:String})'];
  for (let i = 0; i < p.anyNorm.length; i += CHUNK) {
    params[`norm${i}`] = p.anyNorm.slice(i, i + CHUNK);
    parts.push(`multiSearchAny(text_norm, {norm${i}:Array(String)})`);
  }
  p.bothNorm.forEach(([a, b], i) => {
    params[`nearA${i}`] = a;
    params[`nearB${i}`] = b;
    parts.push(`(position(text_norm, {nearA${i}:String}) > 0 AND position(text_norm, {nearB${i}:String}) > 0)`);
  });
  for (let i = 0; i < p.anyLower.length; i += CHUNK) {
    params[`lower${i}`] = p.anyLower.slice(i, i + CHUNK);
    parts.push(`multiSearchAny(lowerUTF8(text), {lower${i}:Array(String)})`);
  }
  return { sql: `(${parts.join(' OR ')})`, params };
}
