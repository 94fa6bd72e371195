/**
 * Query words split exactly like the text index on message_versions.text
 * (tokenizer 'splitByNonAlpha', preprocessor lowerUTF8): every ASCII character that
 * is not a letter or a digit separates tokens, every non-ASCII character (é, ß, ...)
 * is part of a token. Tokens the index never produced can never match, so the
 * split must be the same on both sides.
 * Message search (`q`) no longer uses this: it folds accents and splits at every
 * non-letter (search-query/fold.ts, index on text_norm). Export sets still do.
 */

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
