import { describe, expect, it } from 'vitest';
import { FIRST, fromStack, searchQuery } from './search-query.js';

describe('search page query', () => {
  it('asks for the default page size and nothing else on an empty URL', () => {
    expect(searchQuery(new URLSearchParams())).toEqual({ limit: '25' });
  });

  it('maps every filter, with dates as whole UTC days and an inclusive end day', () => {
    const s = new URLSearchParams({ q: 'budget', match: 'phrase', author: 'U1', conversation: 'C1', conversation_type: 'dm', from: '2026-10-01', to: '2026-10-02', include_deleted: 'false', has_attachments: 'true', cursor: 'a.b', limit: '2' });
    expect(searchQuery(s)).toEqual({ limit: '2', q: 'budget', match: 'phrase', author: 'U1', conversation: 'C1', conversation_type: 'dm', from: '2026-10-01T00:00:00Z', to: '2026-10-03T00:00:00Z', include_deleted: 'false', has_attachments: 'true', cursor: 'a.b' });
  });

  it('drops values the API would refuse instead of sending them', () => {
    const s = new URLSearchParams({ match: 'all', conversation_type: 'forum', from: '2026-02-30', include_deleted: 'true', has_attachments: 'maybe', limit: '0' });
    expect(searchQuery(s)).toEqual({ limit: '25' });
  });

  it('marks the first page in the previous-pages stack with a value no cursor can have', () => {
    expect(FIRST).not.toContain('.');
    expect(fromStack(FIRST)).toBeUndefined();
    expect(fromStack(undefined)).toBeUndefined();
    expect(fromStack('x.y')).toBe('x.y');
  });

  it('asks the API for oldest first when the posted column is sorted ascending', () => {
    expect(searchQuery(new URLSearchParams({ q: 'budget', sort: 'posted', dir: 'asc' }))).toMatchObject({ q: 'budget', order: 'oldest' });
    expect(searchQuery(new URLSearchParams({ q: 'budget', sort: 'posted', dir: 'desc' }))).not.toHaveProperty('order');
  });
});
