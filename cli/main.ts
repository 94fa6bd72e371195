/**
 * `custos` command line. Each command lives in cli/commands/<name>.ts and registers
 * itself here. Every failure ends as one line on stderr and a non-zero exit.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, CustosError } from '../common/errors.js';
import { registerMigrate } from './commands/migrate.js';
import { registerStats } from './commands/stats.js';
import { registerServe } from './commands/serve.js';
import { registerIngest } from './commands/ingest.js';
import { registerDemo } from './commands/demo.js';
import { registerToken } from './commands/token.js';
import { registerAudit } from './commands/audit.js';
import { registerImport } from './commands/import.js';
import { registerJobs } from './commands/jobs.js';
import { registerPackage } from './commands/package.js';
import { registerKeys } from './commands/keys.js';
import { registerHolds } from './commands/holds.js';
import { registerRetention } from './commands/retention.js';
import { registerDsr } from './commands/dsr.js';
import { registerTopics } from './commands/topics.js';
import { registerSupervision } from './commands/supervision.js';

const program = new Command('custos')
  .description('Compliance, audit and analytics archive for workplace chat')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerServe(program);
registerIngest(program);
registerMigrate(program);
registerStats(program);
registerDemo(program);
registerToken(program);
registerAudit(program);
registerImport(program);
registerPackage(program);
registerKeys(program);
registerJobs(program);
registerHolds(program);
registerRetention(program);
registerDsr(program);
registerTopics(program);
registerSupervision(program);

function failureLine(err: unknown): string {
  if (err instanceof ConfigError) return `custos: invalid configuration: ${err.message}`;
  if (err instanceof CustosError) return `custos: ${err.message}`;
  if (err instanceof Error) return `custos: ${err.message.split('\n')[0]}`;
  return `custos: ${String(err)}`;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  process.stderr.write(failureLine(err) + '\n');
  process.exit(1);
}
