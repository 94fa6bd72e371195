import type { Command } from 'commander';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { CustosError } from '../../common/errors.js';
import { getArchiveStats } from '../../common/queries/archive-stats.js';
import { commandContext, withStore } from '../context.js';

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('print what the archive holds for a tenant, as one JSON object')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .action(async (opts: { tenant: string }) => {
      if (!TENANT_PATTERN.test(opts.tenant)) throw new CustosError(`--tenant: "${opts.tenant}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
      const ctx = commandContext();
      const stats = await withStore(ctx, 'custos stats', (store) => getArchiveStats(store, opts.tenant));
      process.stdout.write(JSON.stringify(stats, null, 2) + '\n');
    });
}
