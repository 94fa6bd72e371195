/**
 * Audit entries for commands an operator runs on the host (holds, retention): the
 * OS user, pseudonymized like every subject (cliRequester), in the tenant's chain,
 * with what was done and its outcome, as the API writes them for HTTP requests.
 */
import { randomUUID } from 'node:crypto';
import type { AuditWriter } from '../common/audit/index.js';
import type { Requester } from '../reports/jobs/job-runner.js';

export async function auditCli(audit: AuditWriter, by: Requester, e: { tenant: string; command: string; action: string; params: Record<string, unknown>; status: number; resultCount?: number }): Promise<void> {
  await audit.append({
    tenant: e.tenant, timeMs: Date.now(), subjectRef: by.subjectRef, subjectKind: 'cli', roles: [], authMethod: 'os_user', operationId: e.action,
    action: e.action, httpMethod: 'CLI', route: e.command, params: e.params, resultCount: e.resultCount ?? null, status: e.status, ip: '', userAgent: 'custos-cli', requestId: randomUUID(),
  });
}
