import { describe, expect, it } from 'vitest';
import { canUse, landingPage, navPages, type PageAccess } from './page-access.js';

const pages: PageAccess[] = [
  { id: 'search', scopes: ['messages:read'], nav: 'Search', landing: 100 },
  { id: 'message', scopes: ['messages:read'] },
  { id: 'jobs', scopes: ['jobs:read'], nav: 'Jobs', landing: 10 },
  { id: 'export', scopes: ['exports:create', 'messages:read'], nav: 'New export' },
  { id: 'audit', scopes: ['audit:read'], nav: 'Audit log', landing: 90 },
];

describe('page access', () => {
  it('needs every scope a page names', () => {
    expect(canUse(pages[3]!, new Set(['exports:create']))).toBe(false);
    expect(canUse(pages[3]!, new Set(['exports:create', 'messages:read']))).toBe(true);
  });

  it('shows a compliance officer search, jobs and export, and lands on search', () => {
    const officer = new Set(['messages:read', 'jobs:read', 'exports:create', 'exports:read']);
    expect(navPages(pages, officer).map((p) => p.id)).toEqual(['search', 'jobs', 'export']);
    expect(landingPage(pages, officer)?.id).toBe('search');
  });

  it('shows an auditor the audit log and jobs, not search, and lands on the audit log', () => {
    const auditor = new Set(['audit:read', 'audit:verify', 'jobs:read']);
    expect(navPages(pages, auditor).map((p) => p.id)).toEqual(['jobs', 'audit']);
    expect(landingPage(pages, auditor)?.id).toBe('audit');
  });

  it('has no landing page for someone with none of the scopes', () => {
    expect(navPages(pages, new Set(['metrics:read']))).toEqual([]);
    expect(landingPage(pages, new Set(['metrics:read']))).toBeUndefined();
  });
});
