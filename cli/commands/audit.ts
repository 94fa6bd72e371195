/** `custos audit verify [--tenant T]`: recompute the audit hash chain(s) and name the first entry that does not match. */
import type { Command } from 'commander';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { listAuditTenants, verifyAuditChain, type VerifyResult } from '../../common/audit/index.js';
import { commandContext, withStore } from '../context.js';
import { findSigningKey } from '../../reports/packages/signing-keys.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description("check Custos' own audit log");
  audit
    .command('verify')
    .description('recompute the hash chain of one tenant (or all) and report the first entry that does not match')
    .option('--tenant <tenant>', 'tenant id (default: every tenant with an audit log)')
    .action(async (opts: { tenant?: string }) => {
      if (opts.tenant !== undefined && !TENANT_PATTERN.test(opts.tenant)) {
        throw new CustosError(`--tenant: "${opts.tenant}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
      }
      const ctx = commandContext();
      const results: VerifyResult[] = await withStore(ctx, 'custos audit verify', async (store) => {
        const tenants = opts.tenant !== undefined ? [opts.tenant] : await listAuditTenants(store);
        const out: VerifyResult[] = [];
        // A checkpoint left by retention must be signed with the tenant's own key.
        for (const t of tenants) {
          const key = findSigningKey(ctx.config.dataDir, t);
          out.push(await verifyAuditChain(store, t, key ? { trustedKeyIds: [key.keyId] } : {}));
        }
        return out;
      });
      for (const r of results) process.stdout.write(JSON.stringify(r) + '\n');
      const bad = results.filter((r) => !r.ok);
      if (bad.length > 0) {
        const first = bad[0]!;
        throw new CustosError(`audit chain of tenant ${first.tenant} is broken at entry ${first.first_bad!.seq}: ${first.first_bad!.reason}`);
      }
      process.stderr.write(`audit verify: ${results.length} tenant chain(s), ${results.reduce((n, r) => n + r.entries, 0)} entries, all intact\n`);
    });
}
