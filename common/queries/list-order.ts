/**
 * Keyset paging in either direction. A page after the cursor's position is the rows
 * strictly before it (newest first) or strictly after it (oldest first) on the same
 * sort key, so a page never repeats or skips a row whatever is inserted meanwhile.
 */
export type ListOrder = 'newest' | 'oldest';

export interface OrderSql {
  /** `DESC` or `ASC`, for every column of the ORDER BY. */
  direction: 'DESC' | 'ASC';
  /** The keyset comparison for the tuple (sort key) against the cursor's tuple. */
  comparison: '<' | '>';
}

export function orderSql(order: ListOrder = 'newest'): OrderSql {
  return order === 'oldest' ? { direction: 'ASC', comparison: '>' } : { direction: 'DESC', comparison: '<' };
}
