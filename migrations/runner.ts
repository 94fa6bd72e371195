/**
 * Applies the numbered migration files once each, in order, and records them in
 * schema_migrations. Refuses to touch a database whose recorded migrations differ
 * from the files (a changed file, or a database migrated by newer code).
 */
import { MigrationMismatchError } from '../common/errors.js';
import type { Store } from '../common/store/store.js';
import { toClustered } from './clustered.js';
import { readMigrationFiles, type MigrationFile } from './files.js';

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

export interface MigrateResult {
  applied: number[];
  alreadyApplied: number;
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY version`;

export function checkRecorded(files: MigrationFile[], applied: AppliedRow[]): void {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (!file) {
      throw new MigrationMismatchError(`database has migration ${row.version} (${row.name}) that this code does not know: it was migrated by a newer version of Custos`);
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationMismatchError(`migration ${row.version} (${row.name}) was changed after it was applied: recorded checksum ${row.checksum.slice(0, 12)}, file ${file.checksum.slice(0, 12)}; add a new migration instead`);
    }
  }
}

export async function migrate(store: Store, options: { cluster?: string; onApply?: (f: MigrationFile) => void } = {}): Promise<MigrateResult> {
  const files = readMigrationFiles();
  const cluster = options.cluster;
  const prepare = (sql: string) => (cluster ? toClustered(sql, cluster) : sql);
  await store.command('migrate: ledger', prepare(LEDGER));
  const applied = await store.query<AppliedRow>('migrate: read ledger', 'SELECT version, name, checksum FROM schema_migrations ORDER BY version');
  checkRecorded(files, applied);
  const done = new Set(applied.map((a) => Number(a.version)));
  const result: MigrateResult = { applied: [], alreadyApplied: done.size };
  for (const file of files) {
    if (done.has(file.version)) continue;
    options.onApply?.(file);
    for (const statement of file.statements) {
      await store.command(`migrate: ${file.version}_${file.name}`, prepare(statement));
    }
    await store.insert('migrate: record', 'schema_migrations', [{ version: file.version, name: file.name, checksum: file.checksum }]);
    result.applied.push(file.version);
  }
  return result;
}

/** The whole migration set as clustered SQL, for review before a server rollout. */
export function clusteredSql(cluster: string): string {
  const parts = [toClustered(LEDGER, cluster) + ';'];
  for (const f of readMigrationFiles()) {
    parts.push(`-- ${String(f.version).padStart(4, '0')}_${f.name}`);
    for (const s of f.statements) parts.push(toClustered(s, cluster) + ';');
  }
  return parts.join('\n\n') + '\n';
}
