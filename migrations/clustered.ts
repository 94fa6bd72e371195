/**
 * Derives the clustered variant of a statement (ON CLUSTER, Replicated engines)
 * from the single-node one, so the two can never drift apart: there is one set of
 * files, and a test checks every statement converts.
 */

const CREATE = /^CREATE\s+(TABLE|VIEW|MATERIALIZED VIEW|DATABASE)\s+(IF NOT EXISTS\s+)?([A-Za-z_][A-Za-z0-9_.]*)/i;
const ENGINE = /ENGINE\s*=\s*(Replacing|Aggregating|Summing|Collapsing|VersionedCollapsing)?MergeTree(\s*\(([^)]*)\))?/i;
/**
 * EmbeddedRocksDB is one node's local key-value store; a cluster needs one map that
 * every replica and shard sees, so it becomes KeeperMap (the server must set
 * keeper_map_path_prefix). Each key is a Keeper node: fine for the ids of a few tens
 * of millions of events, see docs/schema.md "Event ids" before going far beyond.
 */
const KEY_VALUE_ENGINE = /ENGINE\s*=\s*EmbeddedRocksDB(\s*\(\s*\))?/i;
/** RocksDB's own table setting, which KeeperMap does not take. */
const ROCKSDB_SETTING = /\s*SETTINGS\s+optimize_for_bulk_insert\s*=\s*\d+/i;

/** Schema changes of an existing table (a column, an index and their backfill) run on every replica too. */
const ALTER = /^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_.]*)/i;

export class UnclusterableStatementError extends Error {}

export function toClustered(statement: string, cluster: string): string {
  if (ALTER.test(statement)) return statement.replace(ALTER, (m) => `${m} ON CLUSTER '${cluster}'`);
  const create = CREATE.exec(statement);
  if (!create) throw new UnclusterableStatementError(`not a CREATE statement: ${statement.slice(0, 60)}`);
  const name = create[3]!;
  let out = statement.replace(CREATE, (m) => `${m} ON CLUSTER '${cluster}'`);
  out = out.replace(ENGINE, (_m, family: string | undefined, _p, args: string | undefined) => {
    const zkPath = `'/clickhouse/tables/{shard}/{database}/${name}'`;
    const rest = args && args.trim() ? `, ${args.trim()}` : '';
    return `ENGINE = Replicated${family ?? ''}MergeTree(${zkPath}, '{replica}'${rest})`;
  });
  if (KEY_VALUE_ENGINE.test(out)) out = out.replace(KEY_VALUE_ENGINE, `ENGINE = KeeperMap('/custos/{database}/${name}')`).replace(ROCKSDB_SETTING, '');
  return out;
}
