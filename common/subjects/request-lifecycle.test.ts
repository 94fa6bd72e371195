import { describe, expect, it } from 'vitest';
import { addCalendarMonths, approveRequest, cancelRequest, extendRequest, isLate, openRequest, selectRequests, SubjectRequestRuleError } from './request-lifecycle.js';
import type { SubjectRequest } from './subject-request.js';

const ids = { userIds: ['u1'], emails: ['a@x.test'], displayNames: ['Ann'] };

function opened(receivedAt: string, type: 'access' | 'erasure' = 'erasure', openedBy = 'sr_dpo'): SubjectRequest {
  const now = new Date(Date.parse(receivedAt) + 1000);
  return { ...openRequest({ tenant: 't', type, subjectRef: 'u1', identifiers: ids, receivedAt, openedBy, now }), version: 1, changedAt: now.toISOString() };
}

function ruleError(f: () => unknown): SubjectRequestRuleError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(SubjectRequestRuleError);
    return err as SubjectRequestRuleError;
  }
  throw new Error('expected a rule error');
}

describe('due dates (one calendar month, EU month-end rule)', () => {
  it.each([
    ['2026-01-15T10:00:00.000Z', 1, '2026-02-15T23:59:59.999Z'],
    ['2026-01-31T10:00:00.000Z', 1, '2026-02-28T23:59:59.999Z'],
    ['2028-01-31T00:00:00.000Z', 1, '2028-02-29T23:59:59.999Z'],
    ['2026-03-31T23:00:00.000Z', 1, '2026-04-30T23:59:59.999Z'],
    ['2026-12-20T00:00:00.000Z', 1, '2027-01-20T23:59:59.999Z'],
    ['2026-11-30T08:00:00.000Z', 3, '2027-02-28T23:59:59.999Z'],
  ])('%s + %i month(s) -> %s', (from, n, due) => {
    expect(addCalendarMonths(from, n)).toBe(due);
  });

  it('opens with due = received + one month, and received defaults to now', () => {
    const now = new Date('2026-05-31T12:00:00.000Z');
    const q = openRequest({ tenant: 't', type: 'access', subjectRef: 'u1', identifiers: ids, openedBy: 'sr_a', now });
    expect(q.receivedAt).toBe(now.toISOString());
    expect(q.dueAt).toBe('2026-06-30T23:59:59.999Z');
    expect(q.state).toBe('open');
  });

  it('refuses a receipt date in the future, naming the field', () => {
    const e = ruleError(() => openRequest({ tenant: 't', type: 'access', subjectRef: 'u1', identifiers: ids, openedBy: 'a', receivedAt: '2026-06-02T00:00:00Z', now: new Date('2026-06-01T00:00:00Z') }));
    expect(e.field).toBe('received');
  });
});

describe('extension', () => {
  const q = opened('2026-01-31T09:00:00.000Z');
  it('moves the due date to received + three months and records when the person was told', () => {
    const next = extendRequest(q, { personToldAt: '2026-02-10T00:00:00.000Z', by: 'sr_dpo', now: new Date('2026-02-11T00:00:00Z') });
    expect(next.dueAt).toBe('2026-04-30T23:59:59.999Z');
    expect(next.personToldAt).toBe('2026-02-10T00:00:00.000Z');
  });
  it('is refused once the first month is over', () => {
    const e = ruleError(() => extendRequest(q, { personToldAt: '2026-02-20T00:00:00.000Z', by: 'sr_dpo', now: new Date('2026-03-01T00:00:00Z') }));
    expect([e.code, e.field]).toEqual(['extension-too-late', 'person_told_at']);
  });
  it('is refused when the person was told after the first month, before receipt, or twice', () => {
    const now = new Date('2026-02-28T12:00:00Z');
    expect(ruleError(() => extendRequest(q, { personToldAt: '2026-03-01T00:00:00Z', by: 'x', now })).code).toBe('extension-too-late');
    expect(ruleError(() => extendRequest(q, { personToldAt: '2026-01-01T00:00:00Z', by: 'x', now })).code).toBe('bad-date');
    const once = { ...extendRequest(q, { personToldAt: '2026-02-01T00:00:00Z', by: 'x', now }), version: 2, changedAt: now.toISOString() };
    expect(ruleError(() => extendRequest(once, { personToldAt: '2026-02-02T00:00:00Z', by: 'x', now })).code).toBe('already-extended');
  });
});

describe('approval (four eyes) and cancelling', () => {
  it('refuses self-approval and approves by another person', () => {
    const q = opened('2026-03-01T00:00:00Z');
    expect(ruleError(() => approveRequest(q, { by: 'sr_dpo', now: new Date() })).code).toBe('self-approval');
    const next = approveRequest(q, { by: 'sr_other', now: new Date('2026-03-02T00:00:00Z') });
    expect([next.state, next.approvedBy, next.approvedAt]).toEqual(['approved', 'sr_other', '2026-03-02T00:00:00.000Z']);
  });
  it('approves only erasure requests, and only open ones', () => {
    expect(ruleError(() => approveRequest(opened('2026-03-01T00:00:00Z', 'access'), { by: 'b', now: new Date() })).code).toBe('wrong-type');
    const done = { ...opened('2026-03-01T00:00:00Z'), state: 'done' as const };
    expect(ruleError(() => approveRequest(done, { by: 'b', now: new Date() })).code).toBe('wrong-state');
    expect(ruleError(() => cancelRequest(done, { by: 'b' })).code).toBe('wrong-state');
    expect(cancelRequest(opened('2026-03-01T00:00:00Z'), { by: 'b' }).state).toBe('cancelled');
  });
});

describe('late and due soon', () => {
  const now = new Date('2026-06-15T00:00:00Z');
  const late = opened('2026-05-01T00:00:00Z'); // due 2026-06-01
  const soon = opened('2026-05-20T00:00:00Z'); // due 2026-06-20
  const later = opened('2026-06-10T00:00:00Z'); // due 2026-07-10
  const doneLate = { ...opened('2026-04-01T00:00:00Z'), state: 'done' as const };
  it('a request past due and still owed is late; a done one is not', () => {
    expect(isLate(late, now)).toBe(true);
    expect(isLate(soon, now)).toBe(false);
    expect(isLate(doneLate, now)).toBe(false);
  });
  it('lists late ones first, then those due within N days', () => {
    const all = [later, soon, doneLate, late];
    expect(selectRequests(all, { dueWithinDays: 7 }, now).map((q) => q.id)).toEqual([late.id, soon.id]);
    expect(selectRequests(all, { late: true }, now).map((q) => q.id)).toEqual([late.id]);
    expect(selectRequests(all, {}, now).map((q) => q.id)).toEqual([late.id, doneLate.id, soon.id, later.id]);
  });
});
