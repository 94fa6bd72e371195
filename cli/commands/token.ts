/**
 * `custos token create|list|revoke`: Custos API tokens. The secret is printed once
 * on stdout and only its hash is stored (api/auth/api-tokens.ts).
 */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { ApiTokenStore, TokenInputError, type ApiToken } from '../../api/auth/api-tokens.js';
import { commandContext, withStore } from '../context.js';

/** Who ran the command, for created_by / revoked_by (the OS user: the CLI has no other identity). */
function cliActor(): string {
  return `cli:${userInfo().username}`;
}

function line(t: ApiToken): string {
  return [t.id, t.tenant, t.role, t.revokedAt ? `revoked ${t.revokedAt}` : 'active', t.createdAt, JSON.stringify(t.name)].join('\t');
}

export function registerToken(program: Command): void {
  const token = program.command('token').description('create, list and revoke Custos API tokens');
  token
    .command('create')
    .description('create an API token with one role in one tenant; prints the secret once')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--role <role>', 'admin | compliance_officer | auditor | dpo | manager | service')
    .requiredOption('--name <name>', 'what the token is for (shown in listings and the audit log)')
    .action(async (opts: { tenant: string; role: string; name: string }) => {
      const ctx = commandContext();
      try {
        const created = await withStore(ctx, 'custos token create', (store) =>
          new ApiTokenStore(store).create({ tenant: opts.tenant, role: opts.role, name: opts.name, createdBy: cliActor() }),
        );
        process.stderr.write(`created token ${created.token.id} (${created.token.role} in ${created.token.tenant}); the secret below is shown only now:\n`);
        process.stdout.write(created.secret + '\n');
      } catch (err) {
        if (err instanceof TokenInputError) throw new CustosError(`--${err.field}: ${err.message.slice(err.field.length + 2)}`);
        throw err;
      }
    });
  token
    .command('list')
    .description("list a tenant's API tokens (id, tenant, role, state, created, name); never secrets")
    .requiredOption('--tenant <tenant>', 'tenant id')
    .action(async (opts: { tenant: string }) => {
      if (!TENANT_PATTERN.test(opts.tenant)) throw new CustosError(`--tenant: "${opts.tenant}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
      const ctx = commandContext();
      const list = await withStore(ctx, 'custos token list', (store) => new ApiTokenStore(store).list(opts.tenant));
      for (const t of list) process.stdout.write(line(t) + '\n');
      process.stderr.write(`${list.length} token(s) in ${opts.tenant}\n`);
    });
  token
    .command('revoke <id>')
    .description('revoke an API token; it stops working at once')
    .action(async (id: string) => {
      const ctx = commandContext();
      const revoked = await withStore(ctx, 'custos token revoke', (store) => new ApiTokenStore(store).revoke(id, cliActor()));
      if (!revoked) throw new CustosError(`no API token with id "${id}"`);
      process.stdout.write(line(revoked) + '\n');
    });
}
