import type { Command } from 'commander';
import { clusteredSql, migrate } from '../../migrations/runner.js';
import { createStore } from '../../common/store/store.js';
import { commandContext } from '../context.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending schema migrations (serve does this too)')
    .option('--print-clustered <cluster>', 'print the clustered variant (ON CLUSTER, Replicated engines) and exit')
    .action(async (opts: { printClustered?: string }) => {
      if (opts.printClustered) {
        process.stdout.write(clusteredSql(opts.printClustered));
        return;
      }
      const ctx = commandContext();
      const cluster = ctx.config.clickhouse.mode === 'server' ? ctx.config.clickhouse.cluster : undefined;
      // Not openStore(): that migrates implicitly, and this command reports what it applies.
      const store = await createStore(ctx.config, { command: 'custos migrate', queryTimeoutS: ctx.config.queryTimeoutS });
      const result = await migrate(store, {
        ...(cluster ? { cluster } : {}),
        onApply: (f) => process.stderr.write(`applying ${String(f.version).padStart(4, '0')}_${f.name}\n`),
      }).finally(() => store.close());
      process.stdout.write(`migrate: ${result.applied.length} applied, ${result.alreadyApplied} already applied\n`);
    });
}
