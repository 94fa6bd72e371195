import { describe, expect, it } from 'vitest';
import { auditQuery } from './audit-query.js';

describe('audit page query', () => {
  it('maps the filters, with UTC days and an inclusive end day', () => {
    const s = new URLSearchParams({ action: 'messages.search', outcome: 'denied', subject_ref: 'sr_x', from: '2026-12-01', to: '2026-12-07', cursor: 'abc' });
    expect(auditQuery(s)).toEqual({ limit: '50', action: 'messages.search', outcome: 'denied', subject_ref: 'sr_x', from: '2026-12-01T00:00:00Z', to: '2026-12-08T00:00:00Z', cursor: 'abc' });
  });

  it('leaves out an unknown outcome and empty fields', () => {
    expect(auditQuery(new URLSearchParams({ outcome: 'maybe', action: '' }))).toEqual({ limit: '50' });
  });

  it('asks the API for oldest first when the time column is sorted ascending, and for the default otherwise', () => {
    expect(auditQuery(new URLSearchParams({ sort: 'time', dir: 'asc' }))).toEqual({ limit: '50', order: 'oldest' });
    expect(auditQuery(new URLSearchParams({ sort: 'time', dir: 'desc' }))).toEqual({ limit: '50' });
  });
});
