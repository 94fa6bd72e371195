import { describe, expect, it } from 'vitest';
import { searchLink, topicsQuery } from './topics-query.js';

describe('topics page query', () => {
  it('keeps known values and valid days, defaults the rest', () => {
    expect(topicsQuery(new URLSearchParams('view=bottlenecks&period=month&group_by=none&from=2026-10-01&to=2026-10-31'))).toEqual({ view: 'bottlenecks', period: 'month', group_by: 'none', from: '2026-10-01', to: '2026-10-31' });
    expect(topicsQuery(new URLSearchParams('view=messages&period=day&group_by=user&from=yesterday'))).toEqual({ view: 'terms', period: 'week', group_by: 'department' });
  });
  it('links a term to the search with whole days, the exclusive end turned into the last day included', () => {
    expect(searchLink('acme co', { q: '(réunion OR réunions)', from: '2026-10-05T00:00:00Z', to: '2026-10-12T00:00:00.000Z' }))
      .toBe(`/ui/acme%20co/search?${new URLSearchParams({ q: '(réunion OR réunions)', from: '2026-10-05', to: '2026-10-11' }).toString()}`);
  });
});
