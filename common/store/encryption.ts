/**
 * Encryption at rest for the embedded store, with the engine's own `encrypted` disk
 * (AES-256-CTR). chDB reads a ClickHouse server configuration given as a connection
 * argument (`--config-file=...`, chdb's SessionOptions.connectionArgs), so nothing
 * depends on the process's current directory. The configuration written here
 * (`<data dir>/custos-storage.xml`) redefines the `default` storage policy to one
 * encrypted disk under `<data dir>/encrypted/`, so every MergeTree table of the
 * migrations is encrypted without changing them. The keys are not in that file: it
 * names environment variables (`from_env`) that hold them only while the engine
 * opens, and are removed from the process environment right after.
 *
 * Keys: CUSTOS_STORE_KEYS (`<id>:<64 hex>` comma list, or one bare key = id 0) or
 * CUSTOS_STORE_KEYS_FILE (the same, one per line, mode 0600). New parts are written
 * with CUSTOS_STORE_KEY_ID (default: the highest id); parts written with an older key
 * stay readable while that key is listed, and are re-encrypted when merged (or by
 * OPTIMIZE ... FINAL). A marker file records that the directory is encrypted, so the
 * store refuses to open it without keys, and refuses to start encrypting a directory
 * that already holds unencrypted data.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, StoreError } from '../errors.js';

export interface StoreKey {
  id: number;
  hex: string;
}

export interface StoreEncryption {
  keys: StoreKey[];
  currentId: number;
}

const KEY_ENTRY = /^(?:(\d{1,6}):)?([0-9a-fA-F]{64})$/;

/** Parses a key list; `variable` names where it came from in the one-line error. */
export function parseStoreKeys(text: string, variable: string): StoreKey[] {
  const entries = text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#'));
  if (entries.length === 0) throw new ConfigError(variable, 'holds no key');
  const keys = entries.map((e, i) => {
    const m = KEY_ENTRY.exec(e);
    if (!m) throw new ConfigError(variable, `entry ${i + 1} is not <id>:<64 hex digits> (a 256-bit key: openssl rand -hex 32)`);
    if (m[1] === undefined && entries.length > 1) throw new ConfigError(variable, 'give every key an id (<id>:<hex>) when there are several');
    return { id: m[1] === undefined ? 0 : Number(m[1]), hex: m[2]!.toLowerCase() };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new ConfigError(variable, 'two keys have the same id');
  return keys;
}

export function readStoreKeysFile(file: string): StoreKey[] {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    throw new ConfigError('CUSTOS_STORE_KEYS_FILE', `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if ((mode & 0o077) !== 0) throw new ConfigError('CUSTOS_STORE_KEYS_FILE', `${file} is readable by group or others: chmod 600 it`);
  return parseStoreKeys(readFileSync(file, 'utf8'), 'CUSTOS_STORE_KEYS_FILE');
}

export function storeEncryption(keys: StoreKey[], currentId: number | undefined, variable: string): StoreEncryption {
  const current = currentId ?? Math.max(...keys.map((k) => k.id));
  if (!keys.some((k) => k.id === current)) throw new ConfigError('CUSTOS_STORE_KEY_ID', `no key with id ${current} in ${variable}`);
  return { keys, currentId: current };
}

export const MARKER_FILE = 'custos-encryption.json';
export const CONFIG_FILE = 'custos-storage.xml';
export const ENCRYPTED_DISK = 'custos_encrypted';
const envName = (id: number) => `CUSTOS_CHDB_STORE_KEY_${id}`;

/** Refuses the combinations that would lose data or silently store plaintext. */
export function checkEncryptionState(dir: string, enc: StoreEncryption | undefined): void {
  const marked = existsSync(join(dir, MARKER_FILE));
  if (marked && !enc) throw new StoreError('open embedded store', `${dir} is encrypted (${MARKER_FILE}): set CUSTOS_STORE_KEYS or CUSTOS_STORE_KEYS_FILE`, undefined, undefined);
  if (!marked && enc && existsSync(join(dir, 'metadata'))) {
    throw new StoreError('open embedded store', `${dir} already holds an unencrypted store: encryption applies to a new data directory (export, then import into an encrypted one)`, undefined, undefined);
  }
}

export function storageConfigXml(dir: string, enc: StoreEncryption): string {
  const keys = enc.keys.map((k) => `        <key_hex id="${k.id}" from_env="${envName(k.id)}"/>`).join('\n');
  return `<clickhouse>
  <!-- Written by Custos (common/store/encryption.ts) at every start; holds no key. -->
  <storage_configuration>
    <disks>
      <custos_plain><type>local</type><path>${join(dir, 'encrypted')}/</path></custos_plain>
      <${ENCRYPTED_DISK}>
        <type>encrypted</type>
        <disk>custos_plain</disk>
        <path>data/</path>
        <algorithm>AES_256_CTR</algorithm>
${keys}
        <current_key_id>${enc.currentId}</current_key_id>
      </${ENCRYPTED_DISK}>
    </disks>
    <policies>
      <default><volumes><main><disk>${ENCRYPTED_DISK}</disk></main></volumes></default>
    </policies>
  </storage_configuration>
</clickhouse>
`;
}

/**
 * Writes the configuration and returns the connection arguments; the
 * keys are in the environment only inside `withKeys`, around the engine's start.
 */
export function prepareEncryptedStore(dir: string, enc: StoreEncryption): { connectionArgs: string[]; withKeys<T>(open: () => T): T } {
  const configFile = join(dir, CONFIG_FILE);
  writeFileSync(configFile, storageConfigXml(dir, enc), { mode: 0o600 });
  return {
    connectionArgs: [`--config-file=${configFile}`],
    withKeys<T>(open: () => T): T {
      for (const k of enc.keys) process.env[envName(k.id)] = k.hex;
      try {
        return open();
      } finally {
        for (const k of enc.keys) delete process.env[envName(k.id)];
      }
    },
  };
}

/** Records, once the engine took the configuration, that this directory is encrypted. */
export function markEncrypted(dir: string): void {
  if (existsSync(join(dir, MARKER_FILE))) return;
  writeFileSync(join(dir, MARKER_FILE), JSON.stringify({ encrypted: true, algorithm: 'AES_256_CTR', since: new Date().toISOString() }) + '\n', { mode: 0o600 });
}
