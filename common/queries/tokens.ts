/**
 * Query words split exactly like the text index on message_versions.text
 * (tokenizer 'splitByNonAlpha', preprocessor lowerUTF8): every ASCII character that
 * is not a letter or a digit separates tokens, every non-ASCII character (é, ß, ...)
 * is part of a token. Tokens the index never produced can never match, so the
 * split must be the same on both sides.
 * Message search (`q`) no longer uses this: it folds accents and splits at every
 * non-letter (search-query/fold.ts, index on text_norm). Export sets and legal holds
 * still do, through `exactTokensCondition`.
 */
import { foldWords } from './search-query/fold.js';

const SEPARATOR = /[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/;
/** Separator class for the phrase regular expression (RE2 syntax, same set as above). */
const RE2_SEPARATOR = '[\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]';

export const MAX_QUERY_TOKENS = 32;

/** Lowercased tokens of a query, in order, duplicates kept (a phrase may repeat a word). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(SEPARATOR).filter((t) => t.length > 0);
}

/**
 * RE2 pattern that matches the tokens as consecutive words of a lowercased text:
 * separators between them, and a separator or the text's edge on both ends, so
 * "release plan" does not match "prerelease planning". Tokens hold only letters,
 * digits and non-ASCII characters, none of which is special in RE2.
 */
export function phrasePattern(tokens: readonly string[]): string {
  return `(?:^|${RE2_SEPARATOR})${tokens.join(`${RE2_SEPARATOR}+`)}(?:$|${RE2_SEPARATOR})`;
}

/**
 * SQL condition "every token is a word of the version's lowercased text" (the match
 * export sets and legal holds have always had), for message_versions and parameters
 * named `${name}` and `${name}_fold` (see `exactTokensParams`). The index on `text`
 * this used to read was dropped (migrations/0016_ingest_indexes.sql: one text index
 * fewer to build at every insert and merge); the text index on `text_norm` now finds
 * the candidates, and the exact check runs on those only. A token's folded words are
 * always words of the folded text when the token is a word of the lowercased text
 * (both split at ASCII separators, which folding keeps), so the candidates hold every
 * match and the answer is unchanged.
 */
export function exactTokensCondition(name: string, foldedCount: number): string {
  const exact = `hasAllTokens(lowerUTF8(text), {${name}:Array(String)})`;
  return foldedCount > 0 ? `hasAllTokens(text_norm, {${name}_fold:Array(String)}) AND ${exact}` : exact;
}

/** The parameters of `exactTokensCondition`: the tokens and their folded words. */
export function exactTokensParams(name: string, tokens: readonly string[]): { params: Record<string, string[]>; foldedCount: number } {
  const folded = [...new Set(tokens.flatMap((t) => foldWords(t)))];
  return { params: { [name]: [...tokens], [`${name}_fold`]: folded }, foldedCount: folded.length };
}
