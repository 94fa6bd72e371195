/**
 * Sorting tables: the column and direction live in the URL (`sort`, `dir`), like every
 * other filter. A table the API answers whole (no paging) is sorted here; a table the
 * API pages is sorted by the API (`order=newest|oldest` on its time column), since
 * sorting one page would misstate the whole.
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

/** The API order a server-sorted table's URL asks for: `sort=<its time column>&dir=asc` is oldest first; anything else is the default, newest first. */
export function serverOrder(search: URLSearchParams, timeColumn: string): 'newest' | 'oldest' {
  return search.get('sort') === timeColumn && search.get('dir') === 'asc' ? 'oldest' : 'newest';
}

/** The header state of a server-sorted table: only its time column sorts. */
export function serverSortState<K extends string>(search: URLSearchParams, timeColumn: K): SortState<K> {
  return { key: timeColumn, dir: serverOrder(search, timeColumn) === 'oldest' ? 'asc' : 'desc' };
}

/** The URL parameters that keep a server-sorted table's order across pages. */
export function sortParams(search: URLSearchParams): Record<string, string | undefined> {
  return { sort: search.get('sort') ?? undefined, dir: search.get('dir') ?? undefined };
}

/** The direction a click on column `key` asks for: the other one on the sorted column, ascending on another. */
export function nextSort<K extends string>(current: SortState<K>, key: K): SortState<K> {
  return { key, dir: current.key === key && current.dir === 'asc' ? 'desc' : 'asc' };
}
