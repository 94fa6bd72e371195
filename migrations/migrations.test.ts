import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationMismatchError } from '../common/errors.js';
import { toClustered } from './clustered.js';
import { readMigrationFiles, splitStatements } from './files.js';
import { checkRecorded, clusteredSql, migrate } from './runner.js';
import { openTestStore, type TestStore } from '../test/helpers/store.js';

describe('migration files', () => {
  const files = readMigrationFiles();

  it('are numbered without gaps from 1', () => {
    expect(files.map((f) => f.version)).toEqual(files.map((_, i) => i + 1));
  });

  it('split into statements, comments dropped', () => {
    expect(splitStatements('-- a;\nCREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x;\n\nCREATE VIEW v AS SELECT 1;\n')).toEqual([
      'CREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x',
      'CREATE VIEW v AS SELECT 1',
    ]);
  });

  it('every statement has a clustered variant with ON CLUSTER and a Replicated engine', () => {
    for (const f of files) {
      for (const s of f.statements) {
        const c = toClustered(s, 'main');
        expect(c).toMatch(/^(CREATE \w+( VIEW)? (IF NOT EXISTS )?\w+|ALTER TABLE \w+) ON CLUSTER 'main'/);
        if (/MergeTree/.test(s) && !/^ALTER/.test(s)) {
          expect(c).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\w+', '\{replica\}'/);
          expect(c).not.toMatch(/ENGINE = (Replacing|Aggregating)?MergeTree/);
        }
      }
    }
    expect(clusteredSql('main')).toContain("CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER 'main'");
  });

  it('turns a node-local key-value table into one KeeperMap shared by the cluster', () => {
    const c = toClustered('CREATE TABLE IF NOT EXISTS ids (key String) ENGINE = EmbeddedRocksDB PRIMARY KEY key', 'main');
    expect(c).toBe("CREATE TABLE IF NOT EXISTS ids ON CLUSTER 'main' (key String) ENGINE = KeeperMap('/custos/{database}/ids') PRIMARY KEY key");
    expect(toClustered('CREATE TABLE ids (key String) ENGINE = EmbeddedRocksDB PRIMARY KEY key SETTINGS optimize_for_bulk_insert = 0 AS SELECT 1', 'c')).toBe(
      "CREATE TABLE ids ON CLUSTER 'c' (key String) ENGINE = KeeperMap('/custos/{database}/ids') PRIMARY KEY key AS SELECT 1",
    );
    expect(clusteredSql('main')).toContain("ENGINE = KeeperMap('/custos/{database}/event_ids')");
    expect(clusteredSql('main')).not.toContain('optimize_for_bulk_insert');
  });

  it('keeps engine arguments after the replication ones', () => {
    expect(toClustered('CREATE TABLE t (v UInt8) ENGINE = ReplacingMergeTree(v) ORDER BY v', 'c')).toContain("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/t', '{replica}', v)");
  });

  it('refuses a database whose recorded migrations differ from the files', () => {
    const [first] = files;
    expect(() => checkRecorded(files, [{ version: first!.version, name: first!.name, checksum: 'other' }])).toThrow(MigrationMismatchError);
    expect(() => checkRecorded(files, [{ version: 9999, name: 'future', checksum: 'x' }])).toThrow(/newer version of Custos/);
    expect(() => checkRecorded(files, [{ version: first!.version, name: first!.name, checksum: first!.checksum }])).not.toThrow();
  });
});

describe('migrate on the real engine', () => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await openTestStore('migrate');
  });
  afterAll(async () => ts?.close());

  it('applies each file once and records it', async () => {
    const again = await migrate(ts.store);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(readMigrationFiles().length);
    const rows = await ts.store.query<{ n: string }>('test', 'SELECT count() AS n FROM schema_migrations');
    expect(Number(rows[0]!.n)).toBe(readMigrationFiles().length);
  });

  it('refuses to run when a recorded checksum was changed', async () => {
    await ts.store.command('test: tamper', "ALTER TABLE schema_migrations UPDATE checksum = 'deadbeef' WHERE version = 1", {}, { mutations_sync: 1 });
    await expect(migrate(ts.store)).rejects.toThrow(/migration 1 \(event_tables\) was changed after it was applied/);
  });
});
