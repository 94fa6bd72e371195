/**
 * The hold form's fields to the body of POST .../holds (docs/retention.md). Ids are
 * separated by commas or spaces, days are whole UTC days with the end day included
 * (the API's `to` is exclusive); empty fields are left out, so each given one narrows.
 */
import type { HoldBody } from '../api/types.js';
import { dayToInstant } from '../format/times.js';
import { idList } from './export-request.js';

export const HOLD_FIELDS = ['case_name', 'reason', 'custodians', 'conversations', 'from', 'to', 'q'] as const;

export function holdRequest(f: URLSearchParams): HoldBody {
  const from = dayToInstant(f.get('from') ?? '');
  const to = dayToInstant(f.get('to') ?? '', true);
  const custodians = idList(f.get('custodians'));
  const conversations = idList(f.get('conversations'));
  const q = (f.get('q') ?? '').trim();
  return {
    case_name: (f.get('case_name') ?? '').trim(),
    reason: (f.get('reason') ?? '').trim(),
    ...(custodians.length ? { custodians } : {}),
    ...(conversations.length ? { conversations } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(q ? { q } : {}),
  };
}
