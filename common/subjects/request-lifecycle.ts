/**
 * The rules of a subject request's life, as pure functions of the request and "now"
 * (no store, no clock): opening with its due date, the extension, approval with four
 * eyes, cancelling, and what is late or due soon. The API and the CLI apply them and
 * append what they return as the request's next version (docs/subject-requests.md).
 *
 * The legal clock (GDPR Art. 12(3)): one month from receipt, extendable by two more
 * months when the person is told within the first month. Months are counted as EU law
 * counts them (Regulation 1182/71 Art. 3(2)(c)): the period ends at the end of the day
 * with the same date in the last month, or, when that month has no such date, at the
 * end of its last day (received 31 January -> due 28 or 29 February, 23:59:59.999).
 * Days are UTC days.
 */
import { CustosError } from '../errors.js';
import type { SubjectIdentifiers, SubjectRequest, SubjectRequestState, SubjectRequestType } from './subject-request.js';
import { newSubjectRequestId } from './subject-request.js';

/** Why a rule refused a change: `field` names the input at fault, `code` the rule. */
export class SubjectRequestRuleError extends CustosError {
  constructor(
    readonly code: 'self-approval' | 'wrong-state' | 'wrong-type' | 'extension-too-late' | 'already-extended' | 'bad-date',
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const DAY_END_MS = 24 * 3600 * 1000 - 1;
/** States in which nothing more is owed to the person. */
const CLOSED: ReadonlySet<SubjectRequestState> = new Set(['done', 'cancelled']);

/** The end (23:59:59.999 UTC) of the day `months` calendar months after `iso`'s UTC date, clamped to the month's last day. */
export function addCalendarMonths(iso: string, months: number): string {
  const d = new Date(iso);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return new Date(Date.UTC(y, m, day) + DAY_END_MS).toISOString();
}

/** Due date of a request received at `receivedAt`: one month, or three once extended. */
export const dueDate = (receivedAt: string, extended: boolean): string => addCalendarMonths(receivedAt, extended ? 3 : 1);

export interface OpenInput {
  tenant: string;
  type: SubjectRequestType;
  subjectRef: string;
  identifiers: SubjectIdentifiers;
  /** RFC 3339; defaults to `now`. */
  receivedAt?: string;
  openedBy: string;
  note?: string;
  now: Date;
}

/** A new request (version and changedAt are set by the store). A receipt date in the future is refused. */
export function openRequest(i: OpenInput): Omit<SubjectRequest, 'version' | 'changedAt'> {
  const receivedAt = new Date(i.receivedAt ?? i.now.toISOString());
  if (Number.isNaN(receivedAt.getTime())) throw new SubjectRequestRuleError('bad-date', 'received', `"${i.receivedAt}" is not a date`);
  // A minute of slack for clocks; a request cannot have arrived tomorrow.
  if (receivedAt.getTime() > i.now.getTime() + 60_000) throw new SubjectRequestRuleError('bad-date', 'received', `${receivedAt.toISOString()} is in the future`);
  const received = receivedAt.toISOString();
  return {
    tenant: i.tenant, id: newSubjectRequestId(), type: i.type, state: 'open', subjectRef: i.subjectRef, subjectHash: '',
    identifiers: i.identifiers, receivedAt: received, dueAt: dueDate(received, false), personToldAt: null,
    openedBy: i.openedBy, approvedBy: null, approvedAt: null, jobIds: [], note: i.note ?? '', changedBy: i.openedBy,
  };
}

type Next = Omit<SubjectRequest, 'version' | 'changedAt'>;

function requireNotClosed(q: SubjectRequest, action: string): void {
  if (CLOSED.has(q.state)) throw new SubjectRequestRuleError('wrong-state', 'state', `request ${q.id} is ${q.state}: it cannot be ${action}`);
}

/**
 * Extends the due date to received + three months. Refused once the first month is
 * over (Art. 12(3): the person must be told within it), when the person was told
 * after it or before the request arrived, and a second time.
 */
export function extendRequest(q: SubjectRequest, o: { personToldAt: string; by: string; note?: string; now: Date }): Next {
  requireNotClosed(q, 'extended');
  if (q.personToldAt !== null) throw new SubjectRequestRuleError('already-extended', 'person_told_at', `request ${q.id} was already extended (person told ${q.personToldAt})`);
  const firstMonthEnds = dueDate(q.receivedAt, false);
  const told = new Date(o.personToldAt);
  if (Number.isNaN(told.getTime())) throw new SubjectRequestRuleError('bad-date', 'person_told_at', `"${o.personToldAt}" is not a date`);
  if (o.now.toISOString() > firstMonthEnds) throw new SubjectRequestRuleError('extension-too-late', 'person_told_at', `the first month ended ${firstMonthEnds}: an extension must be decided and told within it (GDPR Art. 12(3))`);
  if (told.toISOString() > firstMonthEnds) throw new SubjectRequestRuleError('extension-too-late', 'person_told_at', `the person was told ${told.toISOString()}, after the first month ended ${firstMonthEnds}`);
  if (told.toISOString() < q.receivedAt) throw new SubjectRequestRuleError('bad-date', 'person_told_at', `the person cannot have been told (${told.toISOString()}) before the request was received (${q.receivedAt})`);
  if (told.getTime() > o.now.getTime() + 60_000) throw new SubjectRequestRuleError('bad-date', 'person_told_at', `${told.toISOString()} is in the future`);
  return { ...q, personToldAt: told.toISOString(), dueAt: dueDate(q.receivedAt, true), changedBy: o.by, note: o.note ?? q.note };
}

/** Four eyes: an erasure is approved by someone other than who opened it, while it is open. */
export function approveRequest(q: SubjectRequest, o: { by: string; now: Date; note?: string }): Next {
  if (q.type !== 'erasure') throw new SubjectRequestRuleError('wrong-type', 'type', `request ${q.id} is an ${q.type} request: only erasure requests are approved`);
  if (q.state !== 'open') throw new SubjectRequestRuleError('wrong-state', 'state', `request ${q.id} is ${q.state}: only an open request can be approved`);
  if (o.by === q.openedBy) throw new SubjectRequestRuleError('self-approval', 'by', `request ${q.id} was opened by the same person: an erasure needs a second person's approval (four eyes)`);
  return { ...q, state: 'approved', approvedBy: o.by, approvedAt: o.now.toISOString(), changedBy: o.by, note: o.note ?? q.note };
}

/** A request that is not running and not finished can be cancelled (the reason goes in the note). */
export function cancelRequest(q: SubjectRequest, o: { by: string; note?: string }): Next {
  if (!['open', 'approved', 'failed'].includes(q.state)) throw new SubjectRequestRuleError('wrong-state', 'state', `request ${q.id} is ${q.state}: only an open, approved or failed request can be cancelled`);
  return { ...q, state: 'cancelled', changedBy: o.by, note: o.note ?? q.note };
}

/** Still owed to the person and past its due date. */
export const isLate = (q: SubjectRequest, now: Date): boolean => !CLOSED.has(q.state) && q.dueAt < now.toISOString();

export interface DueFilter {
  /** Only requests still owed and due within this many days from now (late ones included). */
  dueWithinDays?: number;
  /** Only late requests. */
  late?: boolean;
  state?: SubjectRequestState;
  type?: SubjectRequestType;
}

/** The requests the filter keeps, late ones first, then by due date. */
export function selectRequests(all: readonly SubjectRequest[], f: DueFilter, now: Date): SubjectRequest[] {
  const horizon = f.dueWithinDays === undefined ? undefined : new Date(now.getTime() + f.dueWithinDays * 24 * 3600 * 1000).toISOString();
  return all
    .filter((q) => (f.state === undefined || q.state === f.state) && (f.type === undefined || q.type === f.type))
    .filter((q) => !f.late || isLate(q, now))
    .filter((q) => horizon === undefined || (!CLOSED.has(q.state) && q.dueAt <= horizon))
    .sort((a, b) => Number(isLate(b, now)) - Number(isLate(a, now)) || a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
}
