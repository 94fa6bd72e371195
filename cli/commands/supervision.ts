/**
 * `custos supervision templates|policies|show|create|enable|disable`: supervision
 * policies from the host (docs/supervision.md), for an operator setting up a tenant
 * before anyone signs in. Every change is a new version, as through the API; the person
 * acting is named with `--by` and kept by audit pseudonym (the policy's `created_by`),
 * and every command is written to the tenant's audit chain under the OS user, refusals
 * included. Matching starts within the ingest's policy refresh (seconds), as after an
 * API change.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { DEFAULT_POLICIES, DEFAULT_POLICY_TEMPLATES } from '../../common/supervision/default-policies.js';
import { InvalidPolicyError, PolicyNotFoundError } from '../../common/supervision/errors.js';
import type { PolicyVersion } from '../../common/supervision/policy-model.js';
import { toPolicyView } from '../../api/schemas/supervision.js';
import { createPolicyStore, parsePolicyDefinition, POLICY_ID_PATTERN, type PolicyStore } from '../../common/supervision/policy-store.js';
import { checkBy, withPersonAudit } from '../person-audit.js';

function checkTenant(t: string): void {
  if (!TENANT_PATTERN.test(t)) throw new CustosError(`--tenant: "${t}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
}
function checkPolicy(id: string): void {
  if (!POLICY_ID_PATTERN.test(id)) throw new CustosError(`--policy: "${id}" is not a policy id (pol_ and 16 letters or digits)`);
}

const line = (v: PolicyVersion) => [v.policyId, `v${v.version}`, v.definition.enabled ? 'enabled' : 'disabled', v.definition.severity, JSON.stringify(v.definition.name)].join('\t');
const print = (json: boolean | undefined, obj: unknown, text: string) => process.stdout.write((json ? JSON.stringify(obj) : text) + '\n');

/** A policy file's JSON, or the template's definition with the file's fields over it. */
export function definitionInput(o: { template?: string; file?: string }): Record<string, unknown> {
  if (!o.template && !o.file) throw new CustosError('--template: give a template (custos supervision templates) or --file with a definition');
  let fields: Record<string, unknown> = {};
  if (o.file) {
    let text: string;
    try {
      text = readFileSync(o.file, 'utf8');
    } catch (err) {
      throw new CustosError(`--file: cannot read ${o.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    try {
      fields = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new CustosError(`--file: ${o.file} is not JSON: ${(err as Error).message}`);
    }
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw new CustosError(`--file: ${o.file} must hold one JSON object (a policy definition)`);
  }
  if (!o.template) return fields;
  const base = DEFAULT_POLICIES[o.template];
  if (!base) throw new CustosError(`--template: "${o.template}" must be one of ${DEFAULT_POLICY_TEMPLATES.join(', ')}`);
  return { ...(base as Record<string, unknown>), ...fields };
}

/** Runs `body` with the policy store and the acting person's pseudonym, and audits the command. */
async function audited<T>(tenant: string, command: string, action: string, params: Record<string, unknown>, byName: string | undefined, body: (policies: PolicyStore, by: string) => Promise<T>): Promise<T> {
  checkTenant(tenant);
  try {
    return await withPersonAudit({ tenant, command, action, params, byName, statusOf: (err) => (err instanceof PolicyNotFoundError ? 404 : err instanceof CustosError ? 400 : 500) },
      (store, by) => body(createPolicyStore(store), by));
  } catch (err) {
    if (err instanceof InvalidPolicyError) throw new CustosError(`definition: ${err.message}`);
    throw err;
  }
}

function registerToggle(sup: Command, name: 'enable' | 'disable'): void {
  sup
    .command(name)
    .description(`${name} a policy: a new version with enabled ${name === 'enable'}`)
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--policy <id>', 'policy id (pol_...)')
    .requiredOption('--by <name>', 'who is acting (recorded by pseudonym)')
    .option('--json', 'print the new version as one JSON object')
    .action(async (o: { tenant: string; policy: string; by: string; json?: boolean }) => {
      checkPolicy(o.policy);
      const v = await audited(o.tenant, `custos supervision ${name}`, 'supervision.policies.update', { policy_id: o.policy, enabled: name === 'enable' }, o.by, async (policies, by) => {
        const current = await policies.get(o.tenant, o.policy);
        return policies.update(o.tenant, o.policy, parsePolicyDefinition({ ...current.definition, enabled: name === 'enable' }, current.definition.sampling.seed), by);
      });
      print(o.json, toPolicyView(v), line(v));
    });
}

export function registerSupervision(program: Command): void {
  const sup = program.command('supervision').description('communication supervision policies (lexicons, conditions, sampling): every change a new version');
  sup
    .command('templates')
    .description('the default policies Custos ships (English and French), to create a policy from')
    .option('--json', 'one JSON object with the templates')
    .action((o: { json?: boolean }) => {
      const items = DEFAULT_POLICY_TEMPLATES.map((t) => ({ template: t, name: DEFAULT_POLICIES[t]!.name, severity: DEFAULT_POLICIES[t]!.severity, definition: DEFAULT_POLICIES[t] }));
      if (o.json) print(true, { items }, '');
      else for (const t of items) process.stdout.write(`${t.template}\t${t.severity}\t${JSON.stringify(t.name)}\n`);
    });
  sup
    .command('policies')
    .description("the tenant's policies, each at its newest version")
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--json', 'one JSON object with the list')
    .action(async (o: { tenant: string; json?: boolean }) => {
      const list = await audited(o.tenant, 'custos supervision policies', 'supervision.policies.list', {}, undefined, (p) => p.list(o.tenant));
      if (o.json) print(true, { items: list.map(toPolicyView), total: list.length }, '');
      else for (const v of list) process.stdout.write(line(v) + '\n');
    });
  sup
    .command('show')
    .description('one policy at its newest version, with every earlier version')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--policy <id>', 'policy id (pol_...)')
    .option('--json', 'one JSON object')
    .action(async (o: { tenant: string; policy: string; json?: boolean }) => {
      checkPolicy(o.policy);
      const versions = await audited(o.tenant, 'custos supervision show', 'supervision.policies.get', { policy_id: o.policy }, undefined, (p) => p.versions(o.tenant, o.policy));
      const newest = versions[versions.length - 1]!;
      print(o.json, { ...toPolicyView(newest), versions: versions.map(toPolicyView) }, versions.map(line).join('\n'));
    });
  sup
    .command('create')
    .description('create a policy (version 1) from a template, a definition file, or a template with the file\'s fields over it')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--template <name>', `a shipped policy (${DEFAULT_POLICY_TEMPLATES.join(', ')})`)
    .option('--file <policy.json>', 'a policy definition (docs/supervision.md): name, severity, enabled, lexicon, conditions, sampling')
    .requiredOption('--by <name>', 'who is acting (recorded by pseudonym)')
    .option('--json', 'print the policy as one JSON object')
    .action(async (o: { tenant: string; template?: string; file?: string; by: string; json?: boolean }) => {
      checkTenant(o.tenant);
      checkBy(o.by);
      const input = definitionInput(o);
      const v = await audited(o.tenant, 'custos supervision create', 'supervision.policies.create', { template: o.template ?? null }, o.by, (p, by) => p.create(o.tenant, parsePolicyDefinition(input), by));
      print(o.json, toPolicyView(v), line(v));
    });
  registerToggle(sup, 'enable');
  registerToggle(sup, 'disable');
}
