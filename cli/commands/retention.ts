/**
 * `custos retention show|set`: the tenant's retention policy from the host. `set`
 * validates the file (the refusal names the field), applies the first-run brake
 * (CUSTOS_RETENTION_CONFIRM_FRACTION; `--confirm` to go past it) and stores a new
 * version; both are audited under the OS user. Runs: `custos jobs run retention`.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { AuditWriter } from '../../common/audit/index.js';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { PolicyError } from '../../common/retention/policy.js';
import { currentPolicy } from '../../common/retention/policy-store.js';
import { RetentionBrakeError, setRetentionPolicy } from '../../common/retention/set-policy.js';
import { commandContext, withStore } from '../context.js';
import { cliRequester } from '../job-runtime.js';
import { auditCli } from '../cli-audit.js';

function checkTenant(t: string): void {
  if (!TENANT_PATTERN.test(t)) throw new CustosError(`--tenant: "${t}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
}

function readPolicyFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CustosError(`--file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CustosError(`--file: ${file} is not JSON (${(err as Error).message})`);
  }
}

export function registerRetention(program: Command): void {
  const retention = program.command('retention').description('retention policies (runs: custos jobs run retention --tenant T [--dry-run])');
  retention
    .command('show')
    .description('print the policy in force and its version')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--json', 'print it as one JSON object (the default)')
    .action(async (o: { tenant: string }) => {
      checkTenant(o.tenant);
      const ctx = commandContext();
      const p = await withStore(ctx, 'custos retention show', async (store) => {
        const audit = new AuditWriter(store);
        const stored = await currentPolicy(store, o.tenant);
        await auditCli(audit, await cliRequester(store, audit), { tenant: o.tenant, command: 'custos retention show', action: 'retention.policy.get', params: {}, status: 200, resultCount: 1 });
        return stored;
      });
      process.stdout.write(JSON.stringify({ tenant: o.tenant, version: p.version, policy: p.policy, set_by: p.setBy, set_at: p.setAt }) + '\n');
    });
  retention
    .command('set')
    .description('set a new version of the policy from a JSON file')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--file <path>', 'the policy as JSON: {"default": {...}, "rules": [...]}')
    .option('--confirm', 'set it even when its first run deletes more than CUSTOS_RETENTION_CONFIRM_FRACTION of the records')
    .option('--json', 'print the result as one JSON object')
    .action(async (o: { tenant: string; file: string; confirm?: boolean; json?: boolean }) => {
      checkTenant(o.tenant);
      const raw = readPolicyFile(o.file);
      const ctx = commandContext();
      const r = await withStore(ctx, 'custos retention set', async (store) => {
        const audit = new AuditWriter(store);
        const by = await cliRequester(store, audit);
        const base = { tenant: o.tenant, command: 'custos retention set', action: 'retention.policy.set' };
        try {
          const set = await setRetentionPolicy(store, { tenant: o.tenant, raw, confirm: o.confirm === true, setBy: by.subjectRef, confirmFraction: ctx.config.retention.confirmFraction });
          await auditCli(audit, by, { ...base, params: { old_version: set.previous.version, old_policy: set.previous.policy, new_version: set.current.version, new_policy: set.current.policy, confirm: o.confirm === true }, status: 200 });
          return set;
        } catch (err) {
          const status = err instanceof RetentionBrakeError ? 409 : err instanceof PolicyError ? 400 : 500;
          await auditCli(audit, by, { ...base, params: { new_policy: raw, confirm: o.confirm === true }, status });
          if (err instanceof PolicyError) throw new CustosError(`--file: ${err.field}: ${err.reason}`);
          if (err instanceof RetentionBrakeError) throw new CustosError(`--confirm: ${err.message.replace('confirm to set it anyway', 'run again with --confirm to set it anyway')}`);
          throw err;
        }
      });
      if (o.json) process.stdout.write(JSON.stringify({ id: `${o.tenant}:v${r.current.version}`, tenant: o.tenant, version: r.current.version, previous_version: r.previous.version, first_run: r.firstRun }) + '\n');
      process.stderr.write(`custos retention: policy version ${r.current.version} set for ${o.tenant}; its first run removes ${r.firstRun.records} of ${r.firstRun.stored} records\n`);
    });
}
