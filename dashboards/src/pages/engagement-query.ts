/** The engagement page's URL query to the API's (pure, unit-tested); the metric names are checked against the API's type at build. */
import type { EngagementQuery } from '../api/types.js';

export const METRICS = [
  'active_people', 'messages', 'thread_replies', 'reactions', 'mentions', 'after_hours_share', 'active_conversations', 'thread_reply_p50', 'thread_reply_p90',
  'dm_reply_p50', 'dm_reply_p90', 'calls', 'call_seconds', 'call_duration_p50', 'call_participants', 'app_invocations', 'app_users',
] as const satisfies readonly NonNullable<EngagementQuery['metric']>[];
export const PERIODS = ['day', 'week', 'month'] as const satisfies readonly NonNullable<EngagementQuery['period']>[];
/** This page shows one series table by department (or everyone); the API has more groupings. */
export const GROUPINGS = ['department', 'none'] as const satisfies readonly NonNullable<EngagementQuery['group_by']>[];
export const ENGAGEMENT_FIELDS = ['metric', 'period', 'group_by', 'from', 'to'] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function engagementQuery(s: URLSearchParams): EngagementQuery {
  const q: EngagementQuery = {
    metric: METRICS.find((m) => m === s.get('metric')) ?? 'active_people',
    period: PERIODS.find((p) => p === s.get('period')) ?? 'week',
    group_by: GROUPINGS.find((g) => g === s.get('group_by')) ?? 'department',
  };
  const from = s.get('from');
  const to = s.get('to');
  if (from && DAY.test(from)) q.from = from;
  if (to && DAY.test(to)) q.to = to;
  return q;
}

/** The summary takes the same range only. */
export function rangeOf(q: EngagementQuery): { from?: string; to?: string } {
  return { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
}
