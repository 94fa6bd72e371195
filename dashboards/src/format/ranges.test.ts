import { describe, expect, it } from 'vitest';
import { rangeParts } from './ranges.js';

describe('matched ranges', () => {
  it('cuts the text at the matches and keeps every character', () => {
    const text = 'We guarantee returns of 10%';
    const parts = rangeParts(text, [{ start: 3, end: 12, label: 'guarantee' }, { start: 13, end: 20, label: 'returns' }]);
    expect(parts).toEqual([
      { text: 'We ', labels: [] }, { text: 'guarantee', labels: ['guarantee'] }, { text: ' ', labels: [] },
      { text: 'returns', labels: ['returns'] }, { text: ' of 10%', labels: [] },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });

  it('merges overlapping matches, naming both, whatever their order', () => {
    expect(rangeParts('abcdef', [{ start: 2, end: 5, label: 'near' }, { start: 1, end: 3, label: 'term' }])).toEqual([
      { text: 'a', labels: [] }, { text: 'bcde', labels: ['term', 'near'] }, { text: 'f', labels: [] },
    ]);
  });

  it('clips offsets past the text and drops empty matches', () => {
    expect(rangeParts('abc', [{ start: 2, end: 99, label: 'x' }, { start: 1, end: 1, label: 'empty' }])).toEqual([{ text: 'ab', labels: [] }, { text: 'c', labels: ['x'] }]);
    expect(rangeParts('', [{ start: 0, end: 3, label: 'x' }])).toEqual([]);
  });
});
