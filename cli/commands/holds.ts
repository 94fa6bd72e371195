/**
 * `custos holds create|list|show|release`: legal holds for operators on the host
 * (the API is the way for people; releasing there needs step-up MFA, here the OS
 * account is the credential). Every command is written to the tenant's audit chain
 * under the OS user.
 */
import type { Command } from 'commander';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { HoldNotFoundError, HoldReleasedError, holdInput, scopeOf, type LegalHold } from '../../common/holds/hold-model.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import { coverageCountSql } from '../../common/holds/coverage.js';
import type { Store } from '../../common/store/store.js';
import { withPersonAudit } from '../person-audit.js';

const many = (v: string, prev: string[] = []) => [...prev, v];

function checkTenant(t: string): void {
  if (!TENANT_PATTERN.test(t)) throw new CustosError(`--tenant: "${t}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
}

function asJson(h: LegalHold, covers?: Record<string, number>): Record<string, unknown> {
  return { id: h.id, tenant: h.tenant, case_name: h.caseName, reason: h.reason, scope: h.scope, created_by: h.createdBy, created_at: h.createdAt, state: h.releasedAt ? 'released' : 'active', released_at: h.releasedAt, release_reason: h.releaseReason, ...(covers ? { covers } : {}) };
}

function line(h: LegalHold): string {
  return [h.id, h.releasedAt ? `released ${h.releasedAt}` : 'active', h.createdAt, JSON.stringify(h.caseName)].join('\t');
}

async function coverage(store: Store, h: LegalHold): Promise<Record<string, number>> {
  const c = coverageCountSql(h);
  const [r] = await store.query<Record<string, string>>('holds: coverage', c.sql, { tenant: h.tenant, ...c.params });
  return { messages: Number(r?.messages ?? 0), calls: Number(r?.calls ?? 0), app_invocations: Number(r?.app_invocations ?? 0) };
}

const holdStatus = (err: unknown) => (err instanceof HoldNotFoundError ? 404 : err instanceof HoldReleasedError ? 409 : err instanceof CustosError ? 400 : 500);

/** Runs `body` with the hold store and the OS user's pseudonym (the actor), and audits the command (refusals too). */
async function audited<T>(tenant: string, command: string, action: string, params: Record<string, unknown>, body: (holds: HoldStore, store: Store, by: string) => Promise<T>): Promise<T> {
  checkTenant(tenant);
  try {
    return await withPersonAudit({ tenant, command, action, params, statusOf: holdStatus }, (store, _person, osRef) => body(new HoldStore(store), store, osRef));
  } catch (err) {
    // A missing or released hold is the operator's input, told in one line like any other.
    if (err instanceof HoldNotFoundError || err instanceof HoldReleasedError) throw new CustosError(err.message);
    throw err;
  }
}

export function registerHolds(program: Command): void {
  const holds = program.command('holds').description('legal holds: records they cover are never removed by retention or erasure');
  holds
    .command('create')
    .description('put a legal hold on custodians, conversations, a time range and/or words (each narrows the others)')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--case <name>', 'case name')
    .requiredOption('--reason <text>', 'why the records must be kept')
    .option('--custodian <user>', 'user id: messages they wrote or were mentioned in, calls they took part in, their app invocations (repeatable)', many)
    .option('--conversation <id>', 'conversation id (repeatable)', many)
    .option('--from <time>', 'records at or after this RFC 3339 time')
    .option('--to <time>', 'records before this RFC 3339 time')
    .option('--q <words>', 'messages with all these words in one version')
    .option('--json', 'print the hold as one JSON object')
    .action(async (o: { tenant: string; case: string; reason: string; custodian?: string[]; conversation?: string[]; from?: string; to?: string; q?: string; json?: boolean }) => {
      const raw = { case_name: o.case, reason: o.reason, custodians: o.custodian ?? [], conversations: o.conversation ?? [], ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}), ...(o.q ? { q: o.q } : {}) };
      const parsed = holdInput.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const flag = { case_name: 'case', custodians: 'custodian', conversations: 'conversation' }[String(issue.path[0])] ?? String(issue.path[0] ?? 'case');
        throw new CustosError(`--${flag}: ${issue.message}`);
      }
      const hold = await audited(o.tenant, 'custos holds create', 'holds.create', raw, (h, _store, by) => h.create(o.tenant, { caseName: parsed.data.case_name, reason: parsed.data.reason, scope: scopeOf(parsed.data), createdBy: by }));
      if (o.json) process.stdout.write(JSON.stringify(asJson(hold)) + '\n');
      else process.stdout.write(line(hold) + '\n');
      process.stderr.write(`custos holds: created ${hold.id} (${hold.caseName})\n`);
    });
  holds
    .command('list')
    .description("list a tenant's legal holds, newest first")
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--json', 'one JSON object with the list')
    .action(async (o: { tenant: string; json?: boolean }) => {
      const list = await audited(o.tenant, 'custos holds list', 'holds.list', {}, (h) => h.list(o.tenant));
      if (o.json) process.stdout.write(JSON.stringify({ items: list.map((h) => asJson(h)), total: list.length }) + '\n');
      else for (const h of list) process.stdout.write(line(h) + '\n');
      process.stderr.write(`custos holds: ${list.length} hold(s) in ${o.tenant}, ${list.filter((h) => !h.releasedAt).length} active\n`);
    });
  holds
    .command('show <id>')
    .description('one hold, with the count of records it covers now')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--json', 'print the hold as one JSON object')
    .action(async (id: string, o: { tenant: string; json?: boolean }) => {
      const shown = await audited(o.tenant, 'custos holds show', 'holds.get', { hold_id: id }, async (h, store) => {
        const hold = await h.get(o.tenant, id);
        return { hold, covers: await coverage(store, hold) };
      });
      process.stdout.write((o.json ? JSON.stringify(asJson(shown.hold, shown.covers)) : `${line(shown.hold)}\tcovers ${JSON.stringify(shown.covers)}`) + '\n');
    });
  holds
    .command('release <id>')
    .description('release a hold: what it kept goes at the next retention run if the policy says so')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--reason <text>', 'why the hold ends')
    .option('--json', 'print the hold as one JSON object')
    .action(async (id: string, o: { tenant: string; reason: string; json?: boolean }) => {
      const released = await audited(o.tenant, 'custos holds release', 'holds.release', { hold_id: id, reason: o.reason }, (h, _store, by) => h.release(o.tenant, id, { by, reason: o.reason }));
      process.stdout.write((o.json ? JSON.stringify(asJson(released)) : line(released)) + '\n');
      process.stderr.write(`custos holds: released ${released.id}\n`);
    });
}
