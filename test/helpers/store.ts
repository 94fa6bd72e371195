/** A real embedded store (chDB) in a fresh directory, migrated, for one test file. */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../common/config.js';
import { createStore, type Store } from '../../common/store/store.js';
import { migrate } from '../../migrations/runner.js';

export function testDataDir(label: string): string {
  const dir = join(process.cwd(), '.test-runs', `${label}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
}

export interface TestStore {
  store: Store;
  dataDir: string;
  config: Config;
  close(): Promise<void>;
}

export async function openTestStore(label: string): Promise<TestStore> {
  const dataDir = testDataDir(label);
  const config = testConfig(dataDir);
  const store = await createStore(config, { command: `vitest ${label}`, queryTimeoutS: 30 });
  await migrate(store);
  return {
    store,
    dataDir,
    config,
    async close() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the embedded store of a data directory a CLI child process also uses, runs
 * `body`, and closes it again: one process at a time may hold the directory, so a
 * test opens it only between the commands it runs.
 */
export async function withStoreAt<T>(dataDir: string, label: string, body: (s: Store) => Promise<T>): Promise<T> {
  const store = await createStore(testConfig(dataDir), { command: `vitest ${label}`, queryTimeoutS: 30 });
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}
