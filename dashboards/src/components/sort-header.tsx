/**
 * A column header that sorts its table: a link (keyboard and "open in a new tab" work) to
 * the same page with `sort`/`dir`, and `aria-sort` on the header. The link starts again at
 * the first page: a cursor pages one order only.
 */
import type { SortState } from '../format/sort.js';
import { nextSort } from '../format/sort.js';
import { queryOf } from '../router.js';

export function SortHeader<K extends string>({ label, column, sort, base, search }: { label: string; column: K; sort: SortState<K>; base: string; search: URLSearchParams }) {
  const next = nextSort(sort, column);
  const params = Object.fromEntries([...search.entries()].filter(([k]) => k !== 'sort' && k !== 'dir' && k !== 'cursor' && k !== 'prev'));
  const active = sort.key === column;
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <a href={base + queryOf({ ...params, sort: column, dir: next.dir })} class="sort">{label}{active ? <span aria-hidden="true">{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}</a>
    </th>
  );
}
