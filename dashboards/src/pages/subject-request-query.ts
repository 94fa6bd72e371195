/**
 * The subject request pages' URL query and form to the API's: the list filters, and
 * the open form's fields to the body of POST .../subject-requests. Pure, so unit-tested;
 * unknown values and empty fields are left out.
 */
import type { SubjectRequestBody, SubjectRequestQuery } from '../api/types.js';
import { dayToInstant } from '../format/times.js';

export const REQUEST_TYPES = ['access', 'erasure'] as const;
export const REQUEST_STATES = ['open', 'approved', 'running', 'waiting-on-holds', 'done', 'failed', 'cancelled'] as const;
export const REQUEST_FIELDS = ['late', 'due_within', 'state', 'type'] as const;
export const OPEN_FIELDS = ['type', 'subject', 'received', 'note'] as const;

export function subjectRequestQuery(s: URLSearchParams): SubjectRequestQuery {
  const q: SubjectRequestQuery = {};
  if (s.get('late') === 'true') q.late = 'true';
  const within = (s.get('due_within') ?? '').trim();
  if (/^\d{1,3}$/.test(within) && Number(within) >= 1 && Number(within) <= 366) q.due_within = String(Number(within));
  const state = REQUEST_STATES.find((v) => v === s.get('state'));
  if (state) q.state = state;
  const type = REQUEST_TYPES.find((v) => v === s.get('type'));
  if (type) q.type = type;
  return q;
}

/** The open form: type, the person (user id or e-mail), the UTC day it was received (the API's default, now, when empty), a note. */
export function openRequestBody(f: URLSearchParams): SubjectRequestBody {
  const type = REQUEST_TYPES.find((v) => v === f.get('type')) ?? 'access';
  const received = dayToInstant((f.get('received') ?? '').trim());
  const note = (f.get('note') ?? '').trim();
  return { type, subject: (f.get('subject') ?? '').trim(), ...(received ? { received_at: received } : {}), ...(note ? { note } : {}) };
}

/** The date input's UTC day as the instant the extension's `person_told_at` takes, or undefined. */
export const toldAt = (day: string): string | undefined => dayToInstant(day.trim());
