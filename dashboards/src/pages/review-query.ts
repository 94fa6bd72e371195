/** The review queue page's URL query to the API's: pure, so it is unit-tested. Unknown values are left out. */
import type { ReviewQuery } from '../api/types.js';
import { serverOrder } from '../format/sort.js';

export const REVIEW_STATES = ['pending', 'resolved', 'false_positive', 'escalated'] as const;
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export const REVIEW_TAGS = ['compliant', 'non_compliant', 'questionable'] as const;
export const REVIEW_FIELDS = ['state', 'policy', 'severity'] as const;

export function reviewQuery(s: URLSearchParams): ReviewQuery {
  const q: ReviewQuery = { limit: '50' };
  const state = REVIEW_STATES.find((v) => v === s.get('state'));
  if (state) q.state = state;
  const severity = SEVERITIES.find((v) => v === s.get('severity'));
  if (severity) q.severity = severity;
  const policy = s.get('policy')?.trim();
  if (policy) q.policy = policy;
  if (serverOrder(s, 'written') === 'oldest') q.order = 'oldest';
  const cursor = s.get('cursor');
  if (cursor) q.cursor = cursor;
  return q;
}
