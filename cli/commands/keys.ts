/**
 * `custos keys show --tenant T`: the tenant's public package-signing key (PEM,
 * SubjectPublicKeyInfo) and its id, creating the key pair on first use. Touches only
 * the key files in CUSTOS_DATA_DIR, never the store, so it needs no data-dir lock.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig } from '../../common/config.js';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { loadOrCreateSigningKey, signingKeyFile } from '../../common/keys/signing-keys.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('package signing keys');
  keys
    .command('show')
    .description("print a tenant's public signing key (PEM) and key id; creates the key pair if the tenant has none")
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--json', 'print one JSON object on stdout')
    .action((opts: { tenant: string; json?: boolean }) => {
      if (!TENANT_PATTERN.test(opts.tenant)) throw new CustosError(`--tenant: "${opts.tenant}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
      const dataDir = loadConfig().dataDir;
      const created = !existsSync(signingKeyFile(dataDir, opts.tenant));
      const key = loadOrCreateSigningKey(dataDir, opts.tenant);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ id: key.keyId, key_id: key.keyId, tenant: key.tenant, algorithm: key.algorithm, public_key_pem: key.publicKeyPem, created }) + '\n');
        return;
      }
      // stdout is the PEM alone, so `custos keys show --tenant T > pub.pem` gives openssl its input.
      process.stdout.write(key.publicKeyPem);
      process.stderr.write(`signing key of tenant ${key.tenant}: key id ${key.keyId} (Ed25519)${created ? ', created now' : ''}\n`);
    });
}
