/**
 * Sorting a table the API answers whole (no paging): the column and direction live in
 * the URL (`sort`, `dir`), like every other filter, and the rows are sorted here. Tables
 * the API pages keep the API's order (newest first, keyset cursors): sorting one page
 * would misstate the whole.
 */
export type Direction = 'asc' | 'desc';

export interface SortState<K extends string> {
  key: K;
  dir: Direction;
}

/** The sort the URL asks for, if its column is one of `keys`; else the default. */
export function sortFromQuery<K extends string>(search: URLSearchParams, keys: readonly K[], fallback: SortState<K>): SortState<K> {
  const key = keys.find((k) => k === search.get('sort'));
  if (!key) return fallback;
  return { key, dir: search.get('dir') === 'desc' ? 'desc' : 'asc' };
}

/** A copy of `rows` ordered by `value(row, key)` (text by the locale's collation, numbers numerically), ties kept in their order. */
export function sortRows<T, K extends string>(rows: readonly T[], s: SortState<K>, value: (row: T, key: K) => string | number, locale?: string): T[] {
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  const sign = s.dir === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: value(row, s.key) }))
    .sort((a, b) => {
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : collator.compare(String(a.v), String(b.v));
      return c !== 0 ? sign * c : a.i - b.i;
    })
    .map((x) => x.row);
}

/** The direction a click on column `key` asks for: the other one on the sorted column, ascending on another. */
export function nextSort<K extends string>(current: SortState<K>, key: K): SortState<K> {
  return { key, dir: current.key === key && current.dir === 'asc' ? 'desc' : 'asc' };
}
