import { describe, expect, it } from 'vitest';
import { highlightParts, queryWords } from './highlight.js';

describe('highlight', () => {
  it('splits the query like the index: ASCII punctuation separates, accents stay, case folds', () => {
    expect(queryWords('Budget, Q3-planning')).toEqual(['budget', 'q3', 'planning']);
    expect(queryWords('Réunion réunion')).toEqual(['réunion']);
    expect(queryWords('  ')).toEqual([]);
  });

  it('marks whole words only and joins back to the text', () => {
    const text = 'The final budget for Q3; budgeted later. BUDGET!';
    const parts = highlightParts(text, queryWords('budget q3'));
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(['budget', 'Q3', 'BUDGET']);
    expect(parts.some((p) => p.text.includes('budgeted') && !p.hit)).toBe(true);
  });

  it('handles non-ASCII words and empty input', () => {
    expect(highlightParts('Réunion demain à 9h', ['réunion']).filter((p) => p.hit).map((p) => p.text)).toEqual(['Réunion']);
    expect(highlightParts('', ['x'])).toEqual([]);
    expect(highlightParts('plain text', [])).toEqual([{ text: 'plain text', hit: false }]);
  });
});
