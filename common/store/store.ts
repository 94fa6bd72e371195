/**
 * The one module that owns @clickhouse/client. Embedded (chDB in-process, data in
 * CUSTOS_DATA_DIR) or a ClickHouse server: same client, same SQL. Every call is
 * tagged with an operation name (log_comment) and failures become StoreError.
 */
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Config } from '../config.js';
import { StoreError, StoreLockedError, errorMessage } from '../errors.js';
import { clearHolder, describeHolder, liveHolder, writeHolder } from './data-dir-lock.js';
import { ENCRYPTED_DISK, checkEncryptionState, markEncrypted, prepareEncryptedStore, type StoreEncryption } from './encryption.js';

export type QueryParams = Record<string, unknown>;

export interface Store {
  readonly kind: 'embedded' | 'server';
  readonly database: string;
  query<T>(operation: string, sql: string, params?: QueryParams, settings?: ClickHouseSettings): Promise<T[]>;
  command(operation: string, sql: string, params?: QueryParams, settings?: ClickHouseSettings): Promise<void>;
  insert(operation: string, table: string, rows: readonly object[], settings?: ClickHouseSettings): Promise<void>;
  /** Rows as arrays in `columns` order (JSONCompactEachRow): about a third cheaper than objects on the hot path. */
  insertColumns(operation: string, table: string, columns: readonly string[], rows: readonly unknown[][], settings?: ClickHouseSettings): Promise<void>;
  /** Rows already serialized as JSONCompactEachRow lines in `columns` order. */
  insertLines(operation: string, table: string, columns: readonly string[], lines: readonly string[], settings?: ClickHouseSettings): Promise<void>;
  /**
   * JSONCompactEachRow lines (each ending in a newline) in `columns` order, as bytes.
   * The embedded engine takes the buffer without a copy and parses it on several
   * threads; insertLines builds one more string of the whole statement first.
   */
  insertRaw(operation: string, table: string, columns: readonly string[], body: Buffer): Promise<void>;
  /**
   * The rows of a key-value table (EmbeddedRocksDB, KeeperMap) whose `keyColumn` is
   * one of `keys`: a point multi-get, not a scan.
   */
  lookupKeys<T>(operation: string, table: string, keyColumn: string, columns: readonly string[], keys: readonly string[]): Promise<T[]>;
  /**
   * Writes `rows` (values in `columns` order, the key first) into a key-value table,
   * except those whose key is already there and is in the set `keep` returns for the
   * rows found; returns the rows found. The lookup and the write share one pass of
   * the keys. Concurrent calls on one store take turns.
   */
  upsertKeys<T extends Record<string, unknown>>(operation: string, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], keep: (found: T[]) => Promise<ReadonlySet<string>>): Promise<T[]>;
  /**
   * How many writes (inserts, commands, upserts) this process has started and finished
   * on the embedded store, counted at both ends of each, except writes to
   * SIDE_EFFECT_TABLES; undefined for a ClickHouse server, which other processes may
   * write to. The embedded data directory is held by
   * one process (data-dir-lock.ts) and chDB has one engine per process, so in embedded
   * mode an unchanged count means unchanged data: the store has no TTL on the tables
   * that use it, and every mutation is waited for (mutations_sync = 2, lightweight
   * deletes by default). A cache of answers keys on it (analytics/answer-cache.ts).
   */
  writeGeneration(): number | undefined;
  /**
   * The same writes per table they name ('' for a command that names none), as
   * inserts (insert methods and upsertKeys: rows added) and commands (mutations,
   * partition drops, INSERT ... SELECT, DDL); undefined for a ClickHouse server. Lets
   * a cache tell events being appended from changes that must be seen at once
   * (analytics/answer-cache.ts).
   */
  writesByTable(): ReadonlyMap<string, TableWrites> | undefined;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Writes started plus writes finished on the embedded engine of this process (all its stores share the engine). */
let embeddedWrites = 0;

/** Writes of one table, counted like embeddedWrites (at both ends). */
export interface TableWrites {
  inserts: number;
  commands: number;
}
const embeddedWritesByTable = new Map<string, TableWrites>();

/**
 * Tables written as a side effect of reading (the audit entry of every request, the
 * subjects behind its pseudonyms, sign-in sessions) that no materialized view reads
 * (analytics/answer-cache.integration.test.ts checks it): a write to them changes no
 * data any other table's answers are computed from, so it is not counted.
 */
export const SIDE_EFFECT_TABLES: ReadonlySet<string> = new Set(['audit_log', 'audit_subjects', 'sessions']);

/** The table a write names (insert methods: their argument; a command: the table after ALTER TABLE / INSERT INTO / DELETE FROM / TRUNCATE TABLE), if any. */
function writtenTable(name: string, args: readonly unknown[]): string | undefined {
  if (name !== 'command') return typeof args[1] === 'string' ? args[1] : undefined;
  return /^\s*(?:ALTER\s+TABLE|INSERT\s+INTO|DELETE\s+FROM|TRUNCATE\s+TABLE)\s+`?([A-Za-z_][A-Za-z0-9_]*)`?\s/i.exec(String(args[1]))?.[1];
}

export interface StoreOptions {
  /** Written beside an embedded data directory so a refused second process learns who holds it. */
  command: string;
  /** Seconds a read may run in the store before it is cancelled. */
  queryTimeoutS: number;
}

/**
 * Every setting a caller may vary, at its default. The embedded engine applies
 * per-call settings as session-wide `SET`s, so one call's setting would otherwise
 * leak into every later call (a seen-id check turning skip indexes off would turn
 * them off for every search after it). Each call therefore sends all of these,
 * overridden only by its own; a setting not listed here is refused, so a new one
 * cannot leak unnoticed.
 */
export const VARIABLE_SETTINGS = {
  use_skip_indexes: 1,
  use_index_for_in_with_subqueries: 1,
  mutations_sync: '0',
  alter_sync: '1',
} as const satisfies ClickHouseSettings;

function callSettings(operation: string, base: ClickHouseSettings, own: ClickHouseSettings): ClickHouseSettings {
  for (const key of Object.keys(own)) {
    if (!(key in VARIABLE_SETTINGS) && !(key in base)) {
      throw new StoreError(operation, `setting ${key} is not in VARIABLE_SETTINGS (common/store/store.ts): add it with its default so it cannot leak into later calls`, undefined, undefined);
    }
  }
  return { ...VARIABLE_SETTINGS, ...base, log_comment: operation, ...own };
}

/** ClickHouse's numeric error code; chDB's raw insert reports its own code and keeps ClickHouse's in the message. */
function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  if (code !== undefined && /^\d+$/.test(String(code))) return String(code);
  return /\bCode: (\d+)\./.exec(errorMessage(err))?.[1] ?? (code !== undefined ? String(code) : undefined);
}

function wrap(operation: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { type?: unknown };
  return new StoreError(operation, errorMessage(err), errorCode(err), typeof e.type === 'string' ? e.type : undefined, { cause: err });
}

/** The chDB-only escape hatch of chdb/connection (its `.chdb` namespace), as far as the store uses it. */
interface ChdbExtension {
  rawInsert(params: { table: string; values: Buffer; format: 'JSONCompactEachRow'; columns?: readonly string[]; settings?: Record<string, string | number | boolean> }): Promise<unknown>;
}

interface Embedded {
  client: ClickHouseClient;
  chdb: ChdbExtension;
  /** The Session that started the engine with the encrypted storage configuration; closed with the store. */
  keyed?: { close(): void };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Table and column names are spliced into SQL, so only fixed identifiers may reach it. */
function identifiers(operation: string, names: readonly string[]): string {
  for (const n of names) if (!IDENTIFIER.test(n)) throw new StoreError(operation, `not an identifier: ${JSON.stringify(n).slice(0, 80)}`, undefined, undefined);
  return names.join(', ');
}

async function openEmbedded(dataDir: string, command: string, encryption: StoreEncryption | undefined): Promise<Embedded> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  if (liveHolder(dir)) throw new StoreLockedError(dir, describeHolder(dir));
  checkEncryptionState(dir, encryption);
  // chdb/connection is CommonJS and loads the native engine: import it only in embedded mode.
  const { createChdbConnection } = await import('chdb/connection');
  let keyed: { close(): void } | undefined;
  try {
    if (encryption) {
      // chdb/connection takes no engine arguments, but connections are one per data
      // directory: a Session opened first with the storage configuration makes the
      // engine that createChdbConnection then attaches to (common/store/encryption.ts).
      const { Session } = await import('chdb');
      const prepared = prepareEncryptedStore(dir, encryption);
      keyed = prepared.withKeys(() => new Session(dir, { connectionArgs: prepared.connectionArgs }));
    }
    const connection = createChdbConnection({ path: dir });
    const client = createClient({ connection } as never);
    await client.command({ query: 'SELECT 1' });
    if (encryption) {
      // Fail closed: never store plaintext in a directory the operator asked to encrypt.
      const rs = await client.query({ query: "SELECT disks FROM system.storage_policies WHERE policy_name = 'default'", format: 'JSONEachRow' });
      const [policy] = (await rs.json()) as Array<{ disks: string[] }>;
      if (!policy?.disks.every((d) => d === ENCRYPTED_DISK)) throw new StoreError('open embedded store', 'the engine did not take the encrypted storage configuration', undefined, undefined);
      markEncrypted(dir);
    }
    writeHolder(dir, command);
    return { client, chdb: (connection as unknown as { chdb: ChdbExtension }).chdb, ...(keyed ? { keyed } : {}) };
  } catch (err) {
    keyed?.close();
    const text = `${errorMessage(err)} ${errorMessage((err as { cause?: unknown }).cause)}`;
    if (/Cannot lock file|already running|Failed to create connection/i.test(text)) {
      throw new StoreLockedError(dir, describeHolder(dir));
    }
    throw wrap('open embedded store', err);
  }
}

/**
 * Sends the keys of a multi-get as data, not as a query parameter: the engine parses
 * a parameter of tens of thousands of strings as one literal, measured at 4-7 µs a
 * key, against about 1 µs to load them into a temporary table through the raw insert
 * path. One temporary table per target table, shaped like it, lives as long as the
 * embedded session; calls take turns on them. An upsert reuses the loaded rows for
 * its write, so its keys are parsed once.
 */
/** Up to this many keys, a multi-get sends them as a parameter (measured: same cost as the probe at 500, a quarter of the statements). */
const SMALL_KEY_BATCH = 2000;

function createKeyProbe(client: ClickHouseClient, chdb: ChdbExtension) {
  let turn: Promise<unknown> = Promise.resolve();
  const created = new Set<string>();
  async function load(operation: string, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<string> {
    const probe = `custos_probe_${table}`;
    const settings = callSettings(operation, { max_execution_time: 0 }, {});
    if (!created.has(probe)) {
      await client.command({ query: `CREATE TEMPORARY TABLE IF NOT EXISTS ${probe} ENGINE = Memory AS SELECT * FROM ${table} LIMIT 0`, clickhouse_settings: settings });
      created.add(probe);
    }
    await client.command({ query: `TRUNCATE TABLE ${probe}`, clickhouse_settings: settings });
    let body = '';
    for (const r of rows) body += JSON.stringify(r) + '\n';
    await chdb.rawInsert({ table: probe, columns, values: Buffer.from(body), format: 'JSONCompactEachRow', settings: { log_comment: operation } });
    return probe;
  }
  async function select<T>(operation: string, sql: string): Promise<T[]> {
    const rs = await client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: callSettings(operation, { max_execution_time: 0 }, {}) });
    return (await rs.json()) as T[];
  }
  function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const mine = turn.then(work);
    turn = mine.catch(() => undefined);
    return mine;
  }
  return {
    lookup<T>(operation: string, table: string, keyColumn: string, columnList: string, keys: readonly string[]): Promise<T[]> {
      return inTurn(async () => {
        const probe = await load(operation, table, [keyColumn], keys.map((k) => [k]));
        return select<T>(operation, `SELECT ${columnList} FROM ${table} WHERE ${keyColumn} IN (SELECT ${keyColumn} FROM ${probe})`);
      });
    },
    upsert<T>(operation: string, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], keep: (found: T[]) => Promise<ReadonlySet<string>>): Promise<T[]> {
      return inTurn(async () => {
        const key = columns[0]!;
        const columnList = columns.join(', ');
        const probe = await load(operation, table, columns, rows);
        const found = await select<T>(operation, `SELECT ${columnList} FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${probe})`);
        const kept = [...(await keep(found))];
        await client.command({
          query: `INSERT INTO ${table} (${columnList}) SELECT ${columnList} FROM ${probe}${kept.length ? ` WHERE ${key} NOT IN (SELECT arrayJoin({kept:Array(String)}))` : ''}`,
          query_params: kept.length ? { kept } : {},
          clickhouse_settings: callSettings(operation, { max_execution_time: 0 }, {}),
        });
        return found;
      });
    },
  };
}

export async function createStore(config: Config, options: StoreOptions): Promise<Store> {
  const ch = config.clickhouse;
  const database = ch.database;
  let client: ClickHouseClient;
  let chdb: ChdbExtension | undefined;
  let keyed: { close(): void } | undefined;
  if (ch.mode === 'embedded') {
    ({ client, chdb, keyed } = await openEmbedded(config.dataDir, options.command, ch.encryption));
    // The embedded session keeps its current database; the server gets it per request.
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
    await client.command({ query: `USE ${database}` });
  } else {
    client = createClient({
      url: ch.url,
      username: ch.user,
      password: ch.password,
      database,
      application: 'custos',
      request_timeout: (options.queryTimeoutS + 30) * 1000,
    });
  }
  // Quote 64-bit integers in both modes (the server's default) so callers see one shape.
  const readSettings: ClickHouseSettings = { max_execution_time: options.queryTimeoutS, timeout_overflow_mode: 'throw', output_format_json_quote_64bit_integers: 1 };
  // Writes are not bounded by the read timeout (and must not inherit it from a read in the embedded session).
  const writeSettings: ClickHouseSettings = { max_execution_time: 0 };
  const dataDir = config.dataDir;
  const keyProbe = chdb ? createKeyProbe(client, chdb) : undefined;

  const counted = ch.mode === 'embedded';
  /** Bumps the write count before and after `work`: an answer computed while a write runs is labelled with a count no later read sees. */
  async function writing<T>(kind: 'inserts' | 'commands', table: string | undefined, work: () => Promise<T>): Promise<T> {
    if (!counted || (table !== undefined && SIDE_EFFECT_TABLES.has(table))) return work();
    let byTable = embeddedWritesByTable.get(table ?? '');
    if (!byTable) embeddedWritesByTable.set(table ?? '', (byTable = { inserts: 0, commands: 0 }));
    embeddedWrites++;
    byTable[kind]++;
    try {
      return await work();
    } finally {
      embeddedWrites++;
      byTable[kind]++;
    }
  }

  const store: Store = {
    kind: ch.mode,
    database,
    writeGeneration: () => (counted ? embeddedWrites : undefined),
    writesByTable: () => (counted ? embeddedWritesByTable : undefined),
    async query<T>(operation: string, sql: string, params: QueryParams = {}, settings: ClickHouseSettings = {}): Promise<T[]> {
      try {
        const rs = await client.query({
          query: sql,
          query_params: params,
          format: 'JSONEachRow',
          clickhouse_settings: callSettings(operation, readSettings, settings),
        });
        return (await rs.json()) as T[];
      } catch (err) {
        throw wrap(operation, err);
      }
    },
    async command(operation: string, sql: string, params: QueryParams = {}, settings: ClickHouseSettings = {}): Promise<void> {
      try {
        await client.command({ query: sql, query_params: params, clickhouse_settings: callSettings(operation, writeSettings, settings) });
      } catch (err) {
        throw wrap(operation, err);
      }
    },
    async insert(operation: string, table: string, rows: readonly object[], settings: ClickHouseSettings = {}): Promise<void> {
      if (rows.length === 0) return;
      try {
        await client.insert({
          table,
          values: rows as object[],
          format: 'JSONEachRow',
          clickhouse_settings: callSettings(operation, writeSettings, settings),
        });
      } catch (err) {
        throw wrap(operation, err);
      }
    },
    async insertColumns(operation: string, table: string, columns: readonly string[], rows: readonly unknown[][], settings: ClickHouseSettings = {}): Promise<void> {
      if (rows.length === 0) return;
      try {
        await client.insert({
          table,
          columns: columns as [string, ...string[]],
          values: rows as unknown[][],
          format: 'JSONCompactEachRow',
          clickhouse_settings: callSettings(operation, writeSettings, settings),
        });
      } catch (err) {
        throw wrap(operation, err);
      }
    },
    async insertLines(operation: string, table: string, columns: readonly string[], lines: readonly string[], settings: ClickHouseSettings = {}): Promise<void> {
      if (lines.length === 0) return;
      try {
        // Data inline after FORMAT: the server reads it from the request body, chDB from the statement.
        await client.command({
          query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow\n${lines.join('\n')}`,
          clickhouse_settings: callSettings(operation, writeSettings, settings),
        });
      } catch (err) {
        throw wrap(operation, err);
      }
    },
    async insertRaw(operation: string, table: string, columns: readonly string[], body: Buffer): Promise<void> {
      if (body.length === 0) return;
      identifiers(operation, [table, ...columns]);
      try {
        if (chdb) await chdb.rawInsert({ table, columns, values: body, format: 'JSONCompactEachRow', settings: { log_comment: operation, max_execution_time: 0 } });
        else await client.insert({ table, columns: columns as [string, ...string[]], values: Readable.from([body]), format: 'JSONCompactEachRow', clickhouse_settings: callSettings(operation, writeSettings, {}) });
      } catch (err) {
        throw wrap(operation, err);
      }
    },
    async lookupKeys<T>(operation: string, table: string, keyColumn: string, columns: readonly string[], keys: readonly string[]): Promise<T[]> {
      if (keys.length === 0) return [];
      const columnList = identifiers(operation, columns);
      identifiers(operation, [table, keyColumn]);
      try {
        if (keyProbe && keys.length > SMALL_KEY_BATCH) return await keyProbe.lookup<T>(operation, table, keyColumn, columnList, keys);
      } catch (err) {
        throw wrap(operation, err);
      }
      return store.query<T>(operation, `SELECT ${columnList} FROM ${table} WHERE ${keyColumn} IN (SELECT arrayJoin({keys:Array(String)}))`, { keys });
    },
    async upsertKeys<T extends Record<string, unknown>>(operation: string, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], keep: (found: T[]) => Promise<ReadonlySet<string>>): Promise<T[]> {
      if (rows.length === 0) return [];
      identifiers(operation, [table, ...columns]);
      // Small batches (live traffic at a modest rate) take the parameter path: two statements instead of four, and a parameter of a few hundred keys parses quickly.
      if (keyProbe && rows.length > SMALL_KEY_BATCH) {
        try {
          return await keyProbe.upsert<T>(operation, table, columns, rows, keep);
        } catch (err) {
          throw wrap(operation, err);
        }
      }
      const key = columns[0]!;
      const found = await store.lookupKeys<T>(operation, table, key, columns, rows.map((r) => String(r[0])));
      const kept = await keep(found);
      let body = '';
      for (const r of rows) if (!kept.has(String(r[0]))) body += JSON.stringify(r) + '\n';
      await store.insertRaw(operation, table, columns, Buffer.from(body));
      return found;
    },
    async ping(): Promise<boolean> {
      try {
        const r = await client.ping();
        return r.success;
      } catch {
        return false;
      }
    },
    async close(): Promise<void> {
      await client.close();
      keyed?.close();
      if (ch.mode === 'embedded') clearHolder(resolve(dataDir));
    },
  };
  // Every write is counted at both ends (writeGeneration); upsertKeys' own insertRaw is counted again, which is harmless.
  for (const name of ['command', 'insert', 'insertColumns', 'insertLines', 'insertRaw', 'upsertKeys'] as const) {
    const write = store[name] as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => writing(name === 'command' ? 'commands' : 'inserts', writtenTable(name, args), () => write.apply(store, args));
  }
  return store;
}
