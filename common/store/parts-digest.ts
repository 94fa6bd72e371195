/**
 * A ClickHouse server's data version of some tables, for caches of answers: a digest
 * of their active parts (names and row counts), which any insert, merge, mutation or
 * dropped partition changes. The embedded store needs none (Store.writeGeneration()).
 * `tables` is the condition on `table` that picks them, with its parameters named by
 * the caller.
 */
export function partsDigestSql(tables: string): string {
  return `SELECT concat(toString(groupBitXor(cityHash64(table, name, rows))), ':', toString(count()), ':', toString(sum(rows)))
       FROM system.parts WHERE database = currentDatabase() AND active AND ${tables}`;
}
