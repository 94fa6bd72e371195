import { describe, expect, it } from 'vitest';
import { decodeManifestPath, encodeManifestPath, manifestLine, parseManifest, parseTagFile, tagFileText, tagValue } from './bagit-text.js';

describe('RFC 8493 manifest lines', () => {
  it('percent-encode CR, LF and % and nothing else, and decode back', () => {
    const path = 'data/a%b\r\nc d\tü#?.txt';
    expect(encodeManifestPath(path)).toBe('data/a%25b%0D%0Ac d\tü#?.txt');
    expect(decodeManifestPath(encodeManifestPath(path))).toBe(path);
    // A literal "%0A" in a name is written %250A, so it cannot be mistaken for a newline.
    expect(decodeManifestPath(encodeManifestPath('data/x%0A.txt'))).toBe('data/x%0A.txt');
  });

  it('parse LF and CRLF manifests, and name the first malformed line', () => {
    const hex = 'ab'.repeat(32);
    const text = manifestLine(hex, 'data/a b.txt') + `${hex.toUpperCase()}\tdata/c%0D.txt\r\n`;
    expect(parseManifest(text, 64)).toEqual({ entries: [{ hex, path: 'data/a b.txt', line: 1 }, { hex, path: 'data/c\r.txt', line: 2 }] });
    expect(parseManifest(`${hex}  data/a\nnot a line\n`, 64)).toEqual({ problem: 'line 2 is not "<64 hex digits>  <path>"' });
  });
});

describe('tag files', () => {
  it('write "Label: value" lines without line breaks in values, and read folded lines back', () => {
    expect(tagFileText([['External-Description', 'two\nlines']])).toBe('External-Description: two lines\n');
    const parsed = parseTagFile('Payload-Oxum: 10.2\nExternal-Description: a long\n  folded value\n');
    expect('fields' in parsed && tagValue(parsed.fields, 'external-description')).toBe('a long folded value');
    expect(parseTagFile('no colon here\n')).toEqual({ problem: 'line 1 is not "Label: value"' });
  });
});
