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
});
