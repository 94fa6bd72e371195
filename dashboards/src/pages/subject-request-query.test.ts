import { describe, expect, it } from 'vitest';
import { openRequestBody, subjectRequestQuery, toldAt } from './subject-request-query.js';

describe('subject request list query', () => {
  it('maps the filters', () => {
    const s = new URLSearchParams({ late: 'true', due_within: '07', state: 'approved', type: 'erasure' });
    expect(subjectRequestQuery(s)).toEqual({ late: 'true', due_within: '7', state: 'approved', type: 'erasure' });
  });

  it('leaves out unknown states and types, days out of 1-366, and late other than true', () => {
    expect(subjectRequestQuery(new URLSearchParams({ late: 'yes', due_within: '0', state: 'closed', type: 'rectify' }))).toEqual({});
    expect(subjectRequestQuery(new URLSearchParams({ due_within: '367' }))).toEqual({});
    expect(subjectRequestQuery(new URLSearchParams({ due_within: '-3' }))).toEqual({});
  });
});

describe('open request body', () => {
  it('takes the type, the trimmed subject, the received UTC day and the note', () => {
    const f = new URLSearchParams({ type: 'erasure', subject: ' ana@example.com ', received: '2026-11-30', note: 'by letter' });
    expect(openRequestBody(f)).toEqual({ type: 'erasure', subject: 'ana@example.com', received_at: '2026-11-30T00:00:00Z', note: 'by letter' });
  });

  it('leaves the received day and note out when empty or invalid (the API then takes now)', () => {
    expect(openRequestBody(new URLSearchParams({ type: 'access', subject: 'U1', received: '2026-02-31', note: ' ' }))).toEqual({ type: 'access', subject: 'U1' });
  });

  it('the extension day is the start of that UTC day', () => {
    expect(toldAt('2026-12-01')).toBe('2026-12-01T00:00:00Z');
    expect(toldAt('')).toBeUndefined();
  });
});
