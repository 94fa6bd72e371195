/** The audit page's URL query to the API's: pure, so it is unit-tested. */
import type { AuditQuery } from '../api/types.js';
import { dayToInstant } from '../format/times.js';
import { serverOrder } from '../format/sort.js';

export const OUTCOMES = ['success', 'denied', 'not_found', 'invalid', 'error'] as const;
export const AUDIT_FIELDS = ['action', 'outcome', 'subject_ref', 'from', 'to'] as const;

export function auditQuery(s: URLSearchParams): AuditQuery {
  const q: AuditQuery = { limit: '50' };
  const action = s.get('action');
  if (action) q.action = action;
  const outcome = s.get('outcome');
  const known = OUTCOMES.find((o) => o === outcome);
  if (known) q.outcome = known;
  const subject = s.get('subject_ref');
  if (subject) q.subject_ref = subject;
  const from = dayToInstant(s.get('from') ?? '');
  const to = dayToInstant(s.get('to') ?? '', true);
  if (from) q.from = from;
  if (to) q.to = to;
  if (serverOrder(s, 'time') === 'oldest') q.order = 'oldest';
  const cursor = s.get('cursor');
  if (cursor) q.cursor = cursor;
  return q;
}

