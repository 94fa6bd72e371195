/**
 * Host commands that act for a named person (`--by`): the OS user is the credential and
 * is audited as such, the person is kept by audit pseudonym (their name stays in
 * `audit_subjects`, which an erasure can remove), and the command lands in the tenant's
 * audit chain with its outcome, refusals included. `custos dsr`, `custos topics`,
 * `custos supervision` and `custos holds` share it, so they record people the same way.
 */
import { AuditWriter, loadPseudonymizer } from '../common/audit/index.js';
import { CustosError } from '../common/errors.js';
import type { Store } from '../common/store/store.js';
import { commandContext, withStore } from './context.js';
import { cliRequester } from './job-runtime.js';
import { auditCli } from './cli-audit.js';

const CONTROL = /[\x00-\x1f\x7f]/u;

export function checkBy(by: string): void {
  if (!by.trim() || [...by].length > 200 || CONTROL.test(by)) throw new CustosError('--by: must name the person acting (1 to 200 characters)');
}

export interface PersonCommand {
  tenant: string;
  command: string;
  action: string;
  params: Record<string, unknown>;
  /** The person acting, as typed after `--by`; undefined for a read that names nobody. */
  byName?: string | undefined;
  /** The HTTP-like status recorded for a failure (default: 400 for a CustosError, else 500). */
  statusOf?: (err: unknown) => number;
}

/**
 * Runs `body` with the store, the person's pseudonym ('' without `--by`) and the OS
 * account's pseudonym (the credential, for commands that record it as the actor), and
 * audits the command.
 */
export async function withPersonAudit<T>(c: PersonCommand, body: (store: Store, by: string, osRef: string) => Promise<T>): Promise<T> {
  if (c.byName !== undefined) checkBy(c.byName);
  return withStore(commandContext(), c.command, async (store) => {
    const audit = new AuditWriter(store);
    const os = await cliRequester(store, audit);
    let by = '';
    if (c.byName !== undefined) {
      const subject = `cli-person:${c.byName.trim()}`;
      by = (await loadPseudonymizer(store)).refOf(subject);
      await audit.rememberSubject({ ref: by, subject, name: c.byName.trim(), kind: 'cli' });
    }
    const recorded = { ...c.params, ...(by ? { by } : {}) };
    try {
      const out = await body(store, by, os.subjectRef);
      await auditCli(audit, os, { tenant: c.tenant, command: c.command, action: c.action, params: recorded, status: 200, resultCount: Array.isArray(out) ? out.length : 1 });
      return out;
    } catch (err) {
      const status = c.statusOf?.(err) ?? (err instanceof CustosError ? 400 : 500);
      await auditCli(audit, os, { tenant: c.tenant, command: c.command, action: c.action, params: recorded, status });
      throw err;
    }
  });
}
