/** What every command needs, built once from the validated configuration. */
import { loadConfig, type Config } from '../common/config.js';
import { createLogger, type Logger } from '../common/logger.js';
import { createStore, type Store } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';

export interface CommandContext {
  config: Config;
  log: Logger;
}

export function commandContext(): CommandContext {
  const config = loadConfig();
  return { config, log: createLogger(config.logLevel) };
}

/** Opens the store and brings its schema up to date (idempotent, and refuses a mismatched database). */
export async function openStore(ctx: CommandContext, command: string): Promise<Store> {
  const store = await createStore(ctx.config, { command, queryTimeoutS: ctx.config.queryTimeoutS });
  try {
    const ch = ctx.config.clickhouse;
    await migrate(store, ch.mode === 'server' && ch.cluster ? { cluster: ch.cluster } : {});
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Runs `body` with an open store and always closes it. */
export async function withStore<T>(ctx: CommandContext, command: string, body: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(ctx, command);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}
