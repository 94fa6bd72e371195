/**
 * `custos audit verify [--tenant T] [--checkpoints DIR|kafka:TOPIC] [--public-key FILE]`:
 * recompute the audit hash chain(s) and name the first entry that does not match;
 * with checkpoints (kept outside the store), also a removed tail, a rewritten history
 * and a forged checkpoint (common/audit/verify-checkpoints.ts).
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { CustosError, errorMessage } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import {
  listAuditTenants, readCheckpointDirectory, readCheckpointTopic, verifyAgainstCheckpoints, verifyAuditChain,
  type Checkpoint, type CheckpointVerifyResult, type VerifyResult,
} from '../../common/audit/index.js';
import { findSigningKey } from '../../common/keys/signing-keys.js';
import type { Config } from '../../common/config.js';
import { commandContext, withStore } from '../context.js';

interface VerifyOptions {
  tenant?: string;
  checkpoints?: string;
  publicKey?: string;
}

async function loadCheckpoints(source: string, config: Config, tenant: string | undefined): Promise<Checkpoint[]> {
  if (!source.startsWith('kafka:')) return readCheckpointDirectory(source, tenant);
  const topic = source.slice('kafka:'.length);
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw new CustosError(`--checkpoints: "${topic}" is not a Kafka topic name`);
  if (!config.kafka) throw new CustosError('--checkpoints kafka:TOPIC needs KAFKA_BROKERS');
  return readCheckpointTopic({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-audit-verify`, topic }, tenant);
}

function readPublicKey(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CustosError(`--public-key: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`);
  }
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description("check Custos' own audit log");
  audit
    .command('verify')
    .description('recompute the hash chain of one tenant (or all) and report the first entry that does not match; with --checkpoints, also a removed tail, a rewrite and forged checkpoints')
    .option('--tenant <tenant>', 'tenant id (default: every tenant with an audit log)')
    .option('--checkpoints <source>', 'signed checkpoints kept outside the store: a directory (CUSTOS_AUDIT_CHECKPOINT_DIR) or kafka:TOPIC')
    .option('--public-key <file>', "the tenant's public key (PEM, from `custos keys show` or GET .../signing-keys, kept apart); default: the key in the data directory; needs --tenant")
    .action(async (opts: VerifyOptions) => {
      if (opts.tenant !== undefined && !TENANT_PATTERN.test(opts.tenant)) {
        throw new CustosError(`--tenant: "${opts.tenant}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
      }
      if (opts.publicKey !== undefined && opts.tenant === undefined) throw new CustosError('--public-key: needs --tenant (the key is one tenant\'s)');
      const ctx = commandContext();
      const checkpoints = opts.checkpoints !== undefined ? await loadCheckpoints(opts.checkpoints, ctx.config, opts.tenant) : undefined;
      const givenKey = opts.publicKey !== undefined ? readPublicKey(opts.publicKey) : undefined;
      const results: Array<VerifyResult | CheckpointVerifyResult> = await withStore(ctx, 'custos audit verify', async (store) => {
        const listed = opts.tenant !== undefined ? [opts.tenant] : await listAuditTenants(store);
        // A tenant whose whole chain was deleted still has checkpoints: it must be checked too.
        const tenants = [...new Set([...listed, ...(opts.tenant === undefined ? (checkpoints ?? []).map((c) => c.tenant) : [])])].sort();
        const out: Array<VerifyResult | CheckpointVerifyResult> = [];
        for (const t of tenants) {
          const tenantKey = findSigningKey(ctx.config.dataDir, t);
          if (!checkpoints) {
            // A chain start left by retention must be signed with the tenant's own key.
            out.push(await verifyAuditChain(store, t, tenantKey ? { trustedKeyIds: [tenantKey.keyId] } : {}));
            continue;
          }
          const key = givenKey ?? tenantKey?.publicKeyPem;
          out.push(await verifyAgainstCheckpoints(store, t, checkpoints, key));
        }
        return out;
      });
      for (const r of results) process.stdout.write(JSON.stringify(r) + '\n');
      const bad = results.filter((r) => !r.ok);
      if (bad.length > 0) {
        const first = bad[0]!;
        if (first.first_bad) throw new CustosError(`audit chain of tenant ${first.tenant} is broken at entry ${first.first_bad.seq}: ${first.first_bad.reason}`);
        const finding = (first as CheckpointVerifyResult).findings[0]!;
        throw new CustosError(`audit log of tenant ${first.tenant} fails its checkpoints (${finding.kind} at entry ${finding.seq}): ${finding.detail}`);
      }
      const withCp = results.filter((r): r is CheckpointVerifyResult => 'checkpoints' in r);
      const cpNote = checkpoints ? `, ${withCp.reduce((n, r) => n + r.checkpoints, 0)} checkpoint(s) matched` : '';
      process.stderr.write(`audit verify: ${results.length} tenant chain(s), ${results.reduce((n, r) => n + r.entries, 0)} entries${cpNote}, all intact\n`);
    });
}
