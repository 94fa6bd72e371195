import { describe, expect, it } from 'vitest';
import { nextSort, sortFromQuery, sortRows, serverOrder, serverSortState, sortParams } from './sort.js';

const rows = [
  { name: 'Écureuil', n: 10 },
  { name: 'alpha', n: 2 },
  { name: 'Zèbre', n: 2 },
  { name: 'beta', n: 30 },
];

describe('table sorting', () => {
  it('orders text by collation (accents and case folded) and numbers numerically, keeping ties in order', () => {
    expect(sortRows(rows, { key: 'name', dir: 'asc' }, (r, k) => r[k as 'name'], 'fr').map((r) => r.name)).toEqual(['alpha', 'beta', 'Écureuil', 'Zèbre']);
    expect(sortRows(rows, { key: 'n', dir: 'asc' }, (r) => r.n).map((r) => r.name)).toEqual(['alpha', 'Zèbre', 'Écureuil', 'beta']);
    expect(sortRows(rows, { key: 'n', dir: 'desc' }, (r) => r.n).map((r) => r.name)).toEqual(['beta', 'Écureuil', 'alpha', 'Zèbre']);
  });

  it('reads the sort from the URL, refusing unknown columns', () => {
    const fallback = { key: 'created' as const, dir: 'desc' as const };
    expect(sortFromQuery(new URLSearchParams('sort=case&dir=desc'), ['case', 'created'] as const, fallback)).toEqual({ key: 'case', dir: 'desc' });
    expect(sortFromQuery(new URLSearchParams('sort=case'), ['case', 'created'] as const, fallback)).toEqual({ key: 'case', dir: 'asc' });
    expect(sortFromQuery(new URLSearchParams('sort=secret'), ['case', 'created'] as const, fallback)).toEqual(fallback);
  });

  it('flips the sorted column, and starts another ascending', () => {
    expect(nextSort({ key: 'case', dir: 'asc' }, 'case')).toEqual({ key: 'case', dir: 'desc' });
    expect(nextSort({ key: 'case', dir: 'desc' }, 'case')).toEqual({ key: 'case', dir: 'asc' });
    expect(nextSort({ key: 'case', dir: 'desc' }, 'state')).toEqual({ key: 'state', dir: 'asc' });
  });

  it('maps a server-sorted table\'s time column to the API order, newest first unless asked', () => {
    expect(serverOrder(new URLSearchParams('sort=time&dir=asc'), 'time')).toBe('oldest');
    expect(serverOrder(new URLSearchParams('sort=time&dir=desc'), 'time')).toBe('newest');
    expect(serverOrder(new URLSearchParams('sort=other&dir=asc'), 'time')).toBe('newest');
    expect(serverOrder(new URLSearchParams(''), 'time')).toBe('newest');
    expect(serverSortState(new URLSearchParams('sort=time&dir=asc'), 'time')).toEqual({ key: 'time', dir: 'asc' });
    expect(serverSortState(new URLSearchParams(''), 'time')).toEqual({ key: 'time', dir: 'desc' });
    expect(sortParams(new URLSearchParams('sort=time&dir=asc&cursor=x'))).toEqual({ sort: 'time', dir: 'asc' });
  });
});
