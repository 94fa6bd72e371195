/** The patterns the document publishes, against plain reference definitions of what the server means. */
import { describe, expect, it } from 'vitest';
import { INSTANT_PATTERN, parseInstant } from './instant.js';
import { wholeNumberPattern } from './query-fields.js';
import { badlyEncodedParameter } from '../middleware/request-checks.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

describe('the instant pattern', () => {
  it('accepts exactly the dates that exist, every day from 1969 to 2200', () => {
    const wrong: string[] = [];
    for (let y = 1969; y <= 2200; y++) {
      for (let m = 1; m <= 12; m++) {
        for (let d = 28; d <= 32; d++) {
          const text = `${pad(y, 4)}-${pad(m)}-${pad(d)}T12:00:00Z`;
          const exists = y >= 1970 && y <= 2199 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
          if (INSTANT_PATTERN.test(text) !== exists) wrong.push(text);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('accepts hours 00-23, minutes and seconds 00-59, offsets up to 23:59, and converts to UTC', () => {
    expect(['T23:59:59Z', 'T00:00:00z', 't10:00:00+23:59', 'T10:00:00.5-00:00', 'T10:00:00.123456789+05:30'].every((t) => INSTANT_PATTERN.test(`2026-11-24${t}`))).toBe(true);
    expect(['T24:00:00Z', 'T10:60:00Z', 'T10:00:60Z', 'T10:00:00+24:00', 'T10:00:00+01:60', 'T10:00:00', ' 10:00:00Z', 'T10:00Z', 'T10:00:00.Z'].some((t) => INSTANT_PATTERN.test(`2026-11-24${t}`))).toBe(false);
    expect(parseInstant('2026-11-24T10:15:00.1239+01:00')).toBe(Date.UTC(2026, 10, 24, 9, 15, 0, 123));
    expect(parseInstant('1970-01-01T00:30:00+01:00')).toBe(-30 * 60_000);
    expect(parseInstant('2026-02-29T00:00:00Z')).toBeUndefined();
  });
});

describe('wholeNumberPattern', () => {
  it('matches exactly 1..max written without sign, exponent or leading zero', () => {
    for (const max of [1, 9, 10, 57, 200, 1000, 4096]) {
      const re = new RegExp(wholeNumberPattern(max));
      for (let n = 0; n <= max * 3; n++) expect(re.test(String(n)), `${n} of 1..${max}`).toBe(n >= 1 && n <= max);
      for (const s of ['01', '-1', '+1', '1e2', '1.0', ' 1', '']) expect(re.test(s), s).toBe(false);
    }
  });
});

describe('badlyEncodedParameter', () => {
  it('names the first parameter that is not percent-encoded UTF-8', () => {
    expect(badlyEncodedParameter('q=caf%C3%A9&limit=5')).toBeUndefined();
    expect(badlyEncodedParameter('q=a+b&x')).toBeUndefined();
    expect(badlyEncodedParameter('limit=5&q=%FF')).toBe('q');
    expect(badlyEncodedParameter('q=%C3')).toBe('q');
    expect(badlyEncodedParameter('q=%ED%A0%80')).toBe('q'); // a UTF-16 surrogate encoded as UTF-8 is not UTF-8
    expect(badlyEncodedParameter('q=50%')).toBe('q');
    expect(badlyEncodedParameter(`${'k'.repeat(300)}%FF=1`)).toMatch(/^k{64}…\(303 chars\)$/);
  });
});
