import { describe, expect, it } from 'vitest';
import { reviewQuery } from './review-query.js';

describe('review queue query', () => {
  it('maps the filters and the cursor', () => {
    const s = new URLSearchParams({ state: 'escalated', severity: 'high', policy: 'pol_0123456789abcdef', cursor: 'c1' });
    expect(reviewQuery(s)).toEqual({ limit: '50', state: 'escalated', severity: 'high', policy: 'pol_0123456789abcdef', cursor: 'c1' });
  });

  it('leaves out unknown states and severities and empty fields', () => {
    expect(reviewQuery(new URLSearchParams({ state: 'done', severity: 'extreme', policy: ' ' }))).toEqual({ limit: '50' });
  });

  it('asks the API for oldest first when the time column is sorted ascending, and for the default otherwise', () => {
    expect(reviewQuery(new URLSearchParams({ sort: 'written', dir: 'asc' }))).toEqual({ limit: '50', order: 'oldest' });
    expect(reviewQuery(new URLSearchParams({ sort: 'written', dir: 'desc' }))).toEqual({ limit: '50' });
  });
});
