/**
 * Encryption at rest in the embedded store (chDB's `encrypted` disk, configured by a
 * connection argument, not the current directory): a distinctive string ingested
 * through the real ingest path is found by search, and in no file under the data
 * directory (read with the store-files tool of ../shared/tools, copied to test/helpers, which decompresses ClickHouse's
 * blocks); the same string in an unencrypted store is found there (the control).
 * Key rotation: a new current key for new parts, old parts still readable; the
 * directory refuses to open without keys.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createStore, type Store } from './store.js';
import { migrate } from '../../migrations/runner.js';
import { testDataDir } from '../../test/helpers/store.js';
import { ensureVenv } from '../../test/helpers/python-venv.js';
import { validateEvent } from '../events/validate.js';
import { toRow, type RoutedRow } from '../events/rows.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import { searchMessages } from '../queries/message-search.js';
import { parseQuery } from '../queries/search-query/parser.js';
import { compileText, SqlParams } from '../queries/search-query/compile.js';
import { CONFIG_FILE, MARKER_FILE } from './encryption.js';

// The project's copy of ../shared/tools/store-files/search.py (test/helpers/store-files.py), so the test needs no fixed path.
const SEARCH_TOOL = resolve(import.meta.dirname, '../../test/helpers/store-files.py');
const base62 = (n: number) => Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[b % 62]).join('');
const key = () => randomBytes(32).toString('hex');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open(dir: string, env: Record<string, string>): Promise<Store> {
  const config = loadConfig({ CUSTOS_DATA_DIR: dir, LOG_LEVEL: 'silent', ...env });
  const store = await createStore(config, { command: 'vitest encryption', queryTimeoutS: 30 });
  await migrate(store);
  return store;
}

/** Stores messages through the ingest path (validate -> toRow -> event writer), as Kafka ingest does. */
async function ingest(store: Store, texts: string[]): Promise<void> {
  const rows: RoutedRow[] = texts.map((text, i) => {
    const id = `${base62(8)}-${i}`;
    const v = validateEvent({ specversion: '1.0', id: `e-${id}`, source: 'test://enc', type: 'message.created', time: new Date(Date.UTC(2026, 11, 1, 10, 0, i)).toISOString(), tenant: 'acme', data: { message_id: `m-${id}`, conversation_id: 'C1', conversation_type: 'channel', author_id: 'U1', text } });
    if (!v.ok) throw new Error(`fixture event invalid: ${JSON.stringify(v)}`);
    return toRow(v, 'test');
  });
  await createEventWriter(store).write(rows);
}

/** Messages a one-word search finds, through the search query language as the API compiles it. */
async function found(store: Store, word: string): Promise<number> {
  const p = new SqlParams();
  const text = compileText(parseQuery(word), p, { exactAccents: false, prefixes: new Map() });
  return (await searchMessages(store, { tenant: 'acme', text, queryParams: p.values, includeDeleted: true, limit: 10 })).hits.length;
}

/** {string: [files]} for each string, over every file under `dir`, decompressed. */
function filesHolding(dir: string, strings: string[]): Record<string, string[]> {
  const python = ensureVenv('store-files', ['lz4==4.4.5', 'zstandard==0.25.0']);
  const list = join(dir, '..', `strings-${base62(6)}.txt`);
  writeFileSync(list, strings.join('\n') + '\n');
  try {
    return JSON.parse(execFileSync(python, [SEARCH_TOOL, dir, list], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Record<string, string[]>;
  } finally {
    rmSync(list, { force: true });
  }
}

describe('encrypted embedded store', () => {
  it('finds an ingested string by search and in no file under the data directory; an unencrypted store shows it (control)', async () => {
    const secret = `Zk${base62(22)}`;
    const plainDir = testDataDir('enc-control');
    const encDir = testDataDir('enc-store');
    dirs.push(plainDir, encDir);
    // One data directory per process at a time (chDB): one store after the other.
    for (const [dir, env] of [[plainDir, {}], [encDir, { CUSTOS_STORE_KEYS: `0:${key()}` }]] as const) {
      const s = await open(dir, env);
      try {
        await ingest(s, [`quarterly numbers ${secret} attached`, 'an ordinary message']);
        await s.command('test: merge', 'OPTIMIZE TABLE message_versions FINAL');
        expect(await found(s, secret)).toBe(1);
      } finally {
        await s.close();
      }
    }
    expect(filesHolding(plainDir, [secret])[secret]!.length).toBeGreaterThan(0);
    expect(filesHolding(encDir, [secret])).toEqual({ [secret]: [] });
    // The configuration the engine read holds no key, and the marker records the choice.
    expect(readFileSync(join(encDir, CONFIG_FILE), 'utf8')).not.toMatch(/[0-9a-f]{64}/);
    expect(existsSync(join(encDir, MARKER_FILE))).toBe(true);
    expect(Object.keys(process.env).filter((k) => k.startsWith('CUSTOS_CHDB_STORE_KEY'))).toEqual([]);
  });

  it('rotates keys: new parts use the new current key, old parts stay readable while the old key is listed, and without keys the directory does not open', async () => {
    const dir = testDataDir('enc-rotate');
    dirs.push(dir);
    const k0 = key();
    const k1 = key();
    const before = `Rb${base62(20)}`;
    const after = `Ra${base62(20)}`;
    const first = await open(dir, { CUSTOS_STORE_KEYS: `0:${k0}` });
    await ingest(first, [`before rotation ${before}`]);
    await first.close();
    const second = await open(dir, { CUSTOS_STORE_KEYS: `0:${k0},1:${k1}` });
    try {
      await ingest(second, [`after rotation ${after}`]);
      expect(await found(second, before)).toBe(1);
      expect(await found(second, after)).toBe(1);
    } finally {
      await second.close();
    }
    expect(filesHolding(dir, [before, after])).toEqual({ [before]: [], [after]: [] });
    await expect(open(dir, {})).rejects.toThrow(/is encrypted .*set CUSTOS_STORE_KEYS/);
  });

  it('refuses to start encrypting a directory that already holds an unencrypted store, and bad key settings with one line naming the variable', async () => {
    const dir = testDataDir('enc-refuse');
    dirs.push(dir);
    await (await open(dir, {})).close();
    await expect(open(dir, { CUSTOS_STORE_KEYS: key() })).rejects.toThrow(/already holds an unencrypted store/);
    expect(() => loadConfig({ CUSTOS_STORE_KEYS: 'abc' })).toThrow(/^CUSTOS_STORE_KEYS: entry 1 is not/);
    expect(() => loadConfig({ CUSTOS_STORE_KEYS: `0:${key()},0:${key()}` })).toThrow(/^CUSTOS_STORE_KEYS: two keys have the same id/);
    expect(() => loadConfig({ CUSTOS_STORE_KEYS: `0:${key()}`, CUSTOS_STORE_KEY_ID: '3' })).toThrow(/^CUSTOS_STORE_KEY_ID: no key with id 3/);
    expect(() => loadConfig({ CUSTOS_STORE_KEYS: key(), CLICKHOUSE_URL: 'http://localhost:8123' })).toThrow(/^CUSTOS_STORE_KEYS: applies to the embedded store only/);
    const loose = join(dir, 'keys.txt');
    writeFileSync(loose, `0:${key()}\n`, { mode: 0o644 });
    expect(() => loadConfig({ CUSTOS_STORE_KEYS_FILE: loose })).toThrow(/^CUSTOS_STORE_KEYS_FILE: .* chmod 600/);
    const good = join(dir, 'keys-ok.txt');
    const k = key();
    writeFileSync(good, `# rotated 2026-12\n0:${k}\n`, { mode: 0o600 });
    const c = loadConfig({ CUSTOS_STORE_KEYS_FILE: good });
    expect(c.clickhouse.mode === 'embedded' && c.clickhouse.encryption).toEqual({ keys: [{ id: 0, hex: k }], currentId: 0 });
  });
});
