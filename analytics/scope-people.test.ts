import { describe, expect, it } from 'vitest';
import { rowsByPerson, type ScopeHistory } from './scope-people.js';

const at = (iso: string) => Date.parse(iso);

describe('rowsByPerson', () => {
  const settled: ScopeHistory[] = [
    { user: 'U2', firstMs: at('2026-01-01T00:00:00Z'), outside: 0 },
    { user: 'U1', firstMs: at('2026-03-01T23:59:59Z'), outside: 0 },
  ];

  it('selects by person when no one left the scope and everyone was there before the range', () => {
    expect(rowsByPerson(settled, '2026-03-02')).toBe(true);
  });

  it('leaves the decision to the join when someone had a department outside the scope', () => {
    expect(rowsByPerson([...settled, { user: 'U3', firstMs: at('2026-01-01T00:00:00Z'), outside: 1 }], '2026-03-02')).toBe(false);
  });

  it('leaves the decision to the join when someone arrived in the directory on or after the range\'s first date (UTC midnight)', () => {
    expect(rowsByPerson(settled, '2026-03-01')).toBe(false);
    expect(rowsByPerson([{ user: 'U1', firstMs: at('2026-03-02T00:00:00Z'), outside: 0 }], '2026-03-02')).toBe(false);
  });

  it('selects by person (nobody) for a scope nobody ever had', () => {
    expect(rowsByPerson([], '2026-03-02')).toBe(true);
  });
});
