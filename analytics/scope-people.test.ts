import { describe, expect, it } from 'vitest';
import { peopleInScope, type ScopeHistory } from './scope-people.js';

const at = (iso: string) => Date.parse(iso);

describe('peopleInScope', () => {
  const settled: ScopeHistory[] = [
    { user: 'U2', firstMs: at('2026-01-01T00:00:00Z'), outside: 0 },
    { user: 'U1', firstMs: at('2026-03-01T23:59:59Z'), outside: 0 },
  ];

  it('lists everyone, sorted, when no one left the scope and everyone was there before the range', () => {
    expect(peopleInScope(settled, '2026-03-02')).toEqual(['U1', 'U2']);
  });

  it('leaves the decision to the join when someone had a department outside the scope', () => {
    expect(peopleInScope([...settled, { user: 'U3', firstMs: at('2026-01-01T00:00:00Z'), outside: 1 }], '2026-03-02')).toBeUndefined();
  });

  it('leaves the decision to the join when someone arrived in the directory on or after the range\'s first date (UTC midnight)', () => {
    expect(peopleInScope(settled, '2026-03-01')).toBeUndefined();
    expect(peopleInScope([{ user: 'U1', firstMs: at('2026-03-02T00:00:00Z'), outside: 0 }], '2026-03-02')).toBeUndefined();
  });

  it('gives an empty list for a scope nobody ever had', () => {
    expect(peopleInScope([], '2026-03-02')).toEqual([]);
  });
});
