/** The topics page's URL query to the API's, and a term's search link (pure, unit-tested); the names are checked against the API's type at build. */
import type { TopicsQuery } from '../api/types.js';

export const VIEWS = ['terms', 'trends', 'recurring', 'bottlenecks', 'training', 'sentiment'] as const satisfies readonly NonNullable<TopicsQuery['view']>[];
export const PERIODS = ['week', 'month'] as const satisfies readonly NonNullable<TopicsQuery['period']>[];
export const GROUPINGS = ['department', 'none', 'conversation'] as const satisfies readonly NonNullable<TopicsQuery['group_by']>[];
/** The form's fields (the view is kept in a hidden field: the view links change it). */
export const TOPICS_FIELDS = ['view', 'period', 'group_by', 'from', 'to'] as const;

export type View = (typeof VIEWS)[number];

/** The figures each view's tables show, in column order, with their unit (format/engagement.ts formatFigure). */
export const COLUMNS: Record<View, readonly { key: string; unit: 'count' | 'ratio' | 'seconds' | 'score' }[]> = {
  terms: [{ key: 'score', unit: 'score' }, { key: 'messages', unit: 'count' }, { key: 'authors', unit: 'count' }],
  trends: [{ key: 'rate', unit: 'ratio' }, { key: 'baseline_rate', unit: 'ratio' }, { key: 'z', unit: 'score' }, { key: 'p_value', unit: 'score' }],
  recurring: [{ key: 'weeks', unit: 'count' }, { key: 'conversations', unit: 'count' }, { key: 'messages', unit: 'count' }, { key: 'authors', unit: 'count' }],
  bottlenecks: [{ key: 'median_wait_s', unit: 'seconds' }, { key: 'questions', unit: 'count' }, { key: 'askers', unit: 'count' }, { key: 'unanswered', unit: 'count' }],
  training: [{ key: 'askers', unit: 'count' }, { key: 'questions', unit: 'count' }],
  sentiment: [],
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function topicsQuery(s: URLSearchParams): TopicsQuery & { view: View } {
  const q: TopicsQuery & { view: View } = {
    view: VIEWS.find((v) => v === s.get('view')) ?? 'terms',
    period: PERIODS.find((p) => p === s.get('period')) ?? 'week',
    group_by: GROUPINGS.find((g) => g === s.get('group_by')) ?? 'department',
  };
  const from = s.get('from');
  const to = s.get('to');
  if (from && DAY.test(from)) q.from = from;
  if (to && DAY.test(to)) q.to = to;
  return q;
}

/**
 * The message search page's query for a term (the API gives compliance officers the
 * query and an RFC 3339 range whose end is exclusive; the search page takes whole
 * days, its `to` included): `?q=...&from=YYYY-MM-DD&to=YYYY-MM-DD`.
 */
export function searchLink(tenant: string, s: { q: string; from: string; to: string }): string {
  const lastDay = new Date(Date.parse(s.to) - 1).toISOString().slice(0, 10);
  const p = new URLSearchParams({ q: s.q, from: s.from.slice(0, 10), to: lastDay });
  return `/ui/${encodeURIComponent(tenant)}/search?${p.toString()}`;
}
