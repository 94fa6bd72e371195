import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWithPython, pyAddresses, pyHeader, removeTempDirs, tempDir } from '../testing/mail-checks.js';
import { mailIdentity } from './mail-address.js';
import { addressField, encodedWords, unstructuredField, utf8Field, utf8ListField } from './mime-header.js';

const VALUES = [
  'plain ascii',
  'x'.repeat(200),
  `${'word '.repeat(40)}end`,
  '🎉'.repeat(40),
  'é'.repeat(100),
  'a  double  space',
  ' leading and trailing ',
  '=?UTF-8?B?not-an-encoded-word?=',
  'injected\r\nBcc: victim@example.com',
  'tab\there',
];
const NAMES = ['Zoë Ñandú 🎉', 'Bob "Builder" O\'Neil, Jr.', 'back\\slash', '', 'x'.repeat(90), 'Élodie Lefèvre-Château de Saint-Exupéry 🎉'];

function messageWith(headers: string): string {
  const dir = tempDir('custos-hdr-');
  const path = join(dir, 'm.eml');
  writeFileSync(path, `${headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n`, 'latin1');
  return path;
}

afterAll(removeTempDirs);

describe('mime headers', () => {
  it('never splits a character between encoded-words and keeps every word within 75 characters', () => {
    for (const value of VALUES) {
      const words = encodedWords(value);
      for (const w of words) {
        expect(w.length).toBeLessThanOrEqual(75);
        expect(Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).not.toContain('\uFFFD');
      }
      expect(words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('')).toBe(value);
    }
  });

  it("gives unstructured fields Python reads back unchanged, without defects, and no way to inject a field", () => {
    const headers = VALUES.map((v, i) => unstructuredField(`X-Test-${i}`, v)).join('');
    const [parsed] = [...parseWithPython([messageWith(headers)]).values()];
    expect(parsed!.header_defects).toEqual([]);
    expect(parsed!.defects).toEqual([]);
    VALUES.forEach((v, i) => expect(pyHeader(parsed!, `X-Test-${i}`), v).toBe(v.replace(/[\r\n\t]+/g, ' ')));
    expect(pyHeader(parsed!, 'Bcc')).toBeUndefined();
    for (const line of headers.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('gives address fields whose display names and addresses Python and mailparser read back', async () => {
    const identities = NAMES.map((display, i) => ({ ...mailIdentity(`u${i}`, undefined, 'acme'), display }));
    const path = messageWith(addressField('To', identities));
    const [parsed] = [...parseWithPython([path]).values()];
    expect(parsed!.header_defects).toEqual([]);
    const fromMailparser = ((await simpleParser(readFileSync(path))).to as AddressObject).value.map((a) => [a.name, a.address]);
    expect(fromMailparser).toEqual(identities.map((id) => [id.display, id.addrSpec]));
    // Over 42 bytes a name takes two encoded-words, and Python keeps the space between them (RFC 2047 6.2 drops it).
    const oneWord = (d: string): boolean => Buffer.byteLength(d, 'utf8') <= 42 || /^[\x20-\x7e]*$/.test(d);
    const squeeze = ([d, a]: [string, string]): [string, string] => [d.replace(/ /g, ''), a];
    expect(pyAddresses(parsed!, 'To').filter(([d]) => oneWord(d))).toEqual(identities.filter((id) => oneWord(id.display)).map((id) => [id.display, id.addrSpec]));
    expect(pyAddresses(parsed!, 'To').map(squeeze)).toEqual(identities.map((id) => squeeze([id.display, id.addrSpec])));
  });

  it('folds raw UTF-8 list fields only after a comma, and keeps single values on one line', () => {
    const names = Array.from({ length: 40 }, (_, i) => `Fatou Ørsted ${i}`);
    const field = utf8ListField('X-RSMF-Participants', names);
    const lines = field.split('\r\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(0, -1)) expect(line.endsWith(',')).toBe(true);
    expect(field.replace(/\r\n /g, ' ')).toBe(`X-RSMF-Participants: ${names.join(', ')}\r\n`);
    const value = `Custos ${'générateur '.repeat(9)}`.trim();
    expect(utf8Field('X-RSMF-Generator', value)).toBe(`X-RSMF-Generator: ${value}\r\n`);
  });
});
