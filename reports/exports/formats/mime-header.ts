/**
 * Header fields as RFC 5322 and RFC 2047 want them: CRLF line ends, lines folded at
 * 78 characters where a space allows it, and anything that is not printable ASCII
 * (or would not fold) carried as UTF-8 "B" encoded-words of at most 75 characters,
 * split between code points so that no word holds half a character.
 */
import type { MailIdentity } from './mail-address.js';

const CRLF = '\r\n';
const LINE = 78;
/**
 * RFC 2047 limits a line holding encoded-words to 76 characters. A word of 42 bytes is
 * 56 base64 characters + 12 = 68, which fits after `From: ` or a folding space.
 */
const WORD_BYTES = 42;
const WORD_LINE = 76;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** `firstBytes` lets the first word fit on the line after a long field name. */
export function encodedWords(value: string, firstBytes = WORD_BYTES): string[] {
  const words: string[] = [];
  let limit = firstBytes;
  let chunk = '';
  for (const ch of value) {
    if (chunk !== '' && Buffer.byteLength(chunk + ch, 'utf8') > limit) {
      words.push(encodeWord(chunk));
      chunk = '';
      limit = WORD_BYTES;
    }
    chunk += ch;
  }
  if (chunk !== '' || words.length === 0) words.push(encodeWord(chunk));
  return words;
}

/** Bytes whose encoded-word fits on the first line after `Name: `. */
function firstWordBytes(name: string): number {
  const room = WORD_LINE - name.length - 2 - '=?UTF-8?B??='.length;
  return Math.max(3, Math.floor(room / 4) * 3);
}

function encodeWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/**
 * Joins tokens with single spaces, folding (CRLF before the space) where the line
 * would pass 78 characters. Unfolding removes only the CRLF, so the value is unchanged.
 */
export function foldTokens(name: string, tokens: string[]): string {
  let out = `${name}:`;
  let lineLength = out.length;
  for (const token of tokens) {
    if (lineLength + 1 + token.length > LINE && lineLength > name.length + 1) {
      out += `${CRLF} ${token}`;
      lineLength = 1 + token.length;
    } else {
      out += ` ${token}`;
      lineLength += 1 + token.length;
    }
  }
  return out + CRLF;
}

/** An unstructured field (Subject, X-*): plain when it is printable ASCII that folds, encoded-words otherwise. */
export function unstructuredField(name: string, value: string): string {
  const clean = value.replace(/[\r\n\t]+/g, ' ');
  if (PRINTABLE.test(clean) && !clean.includes('=?') && !/^ | $|  /.test(clean)) {
    const folded = foldTokens(name, clean.split(' '));
    if (folded.split(CRLF).every((line) => line.length <= LINE)) return folded;
  }
  return foldTokens(name, encodedWords(clean, firstWordBytes(name)));
}

/** A header whose value is ASCII the caller built (Date, Message-ID, MIME fields), folded at its spaces. */
export function asciiField(name: string, value: string): string {
  if (!PRINTABLE.test(value) || value.includes('  ')) throw new RangeError(`${name}: not foldable ASCII: ${JSON.stringify(value)}`);
  return foldTokens(name, value.split(' '));
}

/**
 * The tokens of `"Display" <addr>`: a quoted-string for printable ASCII, otherwise
 * encoded-words. A name of up to 42 bytes is one word, which every parser reads the
 * same; a longer one needs several, and then Python's address parser keeps the space
 * between them, which RFC 2047 section 6.2 says to drop (mailparser drops it).
 */
function mailboxTokens(identity: MailIdentity): string[] {
  const display = identity.display.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  const addr = `<${identity.addrSpec}>`;
  if (display === '') return [addr];
  if (PRINTABLE.test(display) && display.length <= 900 && !display.includes('=?')) {
    return [`"${display.replace(/[\\"]/g, (c) => `\\${c}`)}"`, addr];
  }
  return [...encodedWords(display), addr];
}

/** From, To, Cc: mailboxes separated by commas, folded between tokens. */
export function addressField(name: string, identities: MailIdentity[]): string {
  const tokens: string[] = [];
  identities.forEach((identity, i) => {
    const mailbox = mailboxTokens(identity);
    if (i < identities.length - 1) mailbox[mailbox.length - 1] += ',';
    tokens.push(...mailbox);
  });
  return foldTokens(name, tokens);
}

/**
 * Fields carried as raw UTF-8 (RFC 6532), for the X-RSMF-* fields only: Relativity's
 * validator compares them with the manifest without decoding RFC 2047 encoded-words,
 * and it unfolds a folded line without keeping the space, so a value is folded only
 * after the commas of a list (where spaces do not matter) and otherwise kept on one
 * line (at most 998 octets; a longer value falls back to encoded-words).
 */
export function utf8Field(name: string, value: string): string {
  return utf8ListField(name, [value], '');
}

export function utf8ListField(name: string, items: string[], separator = ','): string {
  const clean = items.map((item) => item.replace(/[\x00-\x1f\x7f]+/g, ' '));
  const tokens = clean.map((item, i) => (i < clean.length - 1 ? item + separator : item));
  const folded = foldTokens(name, tokens);
  const fits = folded.split(CRLF).every((line) => Buffer.byteLength(line, 'utf8') <= 998);
  return fits ? folded : unstructuredField(name, clean.join(`${separator} `));
}
