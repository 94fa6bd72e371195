import { describe, expect, it } from 'vitest';
import { engagementQuery, rangeOf } from './engagement-query.js';

describe('engagement page query', () => {
  it('defaults to active people by week and department', () => {
    expect(engagementQuery(new URLSearchParams())).toEqual({ metric: 'active_people', period: 'week', group_by: 'department' });
  });

  it('keeps known values and local dates, drops the rest', () => {
    const q = engagementQuery(new URLSearchParams({ metric: 'messages', period: 'month', group_by: 'none', from: '2026-10-01', to: 'soon' }));
    expect(q).toEqual({ metric: 'messages', period: 'month', group_by: 'none', from: '2026-10-01' });
    expect(rangeOf(q)).toEqual({ from: '2026-10-01' });
    expect(engagementQuery(new URLSearchParams({ metric: 'salary', group_by: 'app' }))).toEqual({ metric: 'active_people', period: 'week', group_by: 'department' });
  });
});
