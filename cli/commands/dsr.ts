/**
 * `custos dsr open|list|show|extend|approve|cancel`: data subject requests for
 * operators on the host (docs/subject-requests.md). The OS account is the credential;
 * the person acting is named with `--by` and recorded by audit pseudonym, so the
 * four-eyes rule holds here too (an erasure opened `--by ann` is not approved `--by
 * ann`). Every command is written to the tenant's audit chain, refusals included.
 */
import type { Command } from 'commander';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { SUBJECT_REQUEST_ID, SubjectRequestNotFoundError, type SubjectRequest } from '../../common/subjects/subject-request.js';
import { isLate, SubjectRequestRuleError, type DueFilter } from '../../common/subjects/request-lifecycle.js';
import { SubjectRequestService } from '../../common/subjects/request-service.js';
import type { Store } from '../../common/store/store.js';
import { withPersonAudit } from '../person-audit.js';

const TYPES = ['access', 'erasure'];
const STATES = ['open', 'approved', 'running', 'waiting-on-holds', 'done', 'failed', 'cancelled'];

function checkTenant(t: string): void {
  if (!TENANT_PATTERN.test(t)) throw new CustosError(`--tenant: "${t}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
}
function checkId(id: string): void {
  if (!SUBJECT_REQUEST_ID.test(id)) throw new CustosError(`request id: "${id}" is not a subject request id (dsr_...)`);
}

/** `--received 2026-01-31` (a UTC day) or an RFC 3339 time. */
export function parseReceived(text: string): string {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text)) throw new CustosError(`--received: "${text}" is not a date (YYYY-MM-DD) or an RFC 3339 time`);
  return new Date(ms).toISOString();
}

export function requestJson(q: SubjectRequest, now = new Date()): Record<string, unknown> {
  return {
    id: q.id, tenant: q.tenant, type: q.type, state: q.state, subject: q.subjectRef,
    identifiers: { user_ids: q.identifiers.userIds, emails: q.identifiers.emails, display_names: q.identifiers.displayNames },
    received_at: q.receivedAt, due_at: q.dueAt, late: isLate(q, now), extended: q.personToldAt !== null, person_told_at: q.personToldAt,
    opened_by: q.openedBy, approved_by: q.approvedBy, approved_at: q.approvedAt, job_ids: q.jobIds, note: q.note, version: q.version,
  };
}

const line = (q: SubjectRequest) => [q.id, q.type, q.state, `due ${q.dueAt}`, isLate(q, new Date()) ? 'LATE' : '', q.subjectRef].join('\t');

/** Runs `body` with the service and the acting person's pseudonym (from `--by`), and audits the command. */
async function audited<T>(tenant: string, command: string, action: string, params: Record<string, unknown>, byName: string | undefined, body: (s: SubjectRequestService, by: string, store: Store) => Promise<T>): Promise<T> {
  checkTenant(tenant);
  const statusOf = (err: unknown) => (err instanceof SubjectRequestNotFoundError ? 404 : err instanceof SubjectRequestRuleError ? (err.code === 'self-approval' ? 403 : 409) : err instanceof CustosError ? 400 : 500);
  try {
    return await withPersonAudit({ tenant, command, action, params, byName, statusOf }, (store, by) => body(new SubjectRequestService(store), by, store));
  } catch (err) {
    if (err instanceof SubjectRequestRuleError) throw new CustosError(`${err.field === 'by' ? '--by' : err.field === 'person_told_at' ? '--told' : err.field === 'received' ? '--received' : err.field}: ${err.message}`);
    throw err;
  }
}

const print = (json: boolean | undefined, obj: Record<string, unknown>, text: string) => process.stdout.write((json ? JSON.stringify(obj) : text) + '\n');

export function registerDsr(program: Command): void {
  const dsr = program.command('dsr').description('data subject requests (GDPR access and erasure) on the legal clock');
  dsr
    .command('open')
    .description('open a request for a person named by user id or e-mail; prints what Custos found about them before anything runs')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--type <type>', 'access or erasure')
    .requiredOption('--subject <id-or-email>', 'the person: a user id or an e-mail address')
    .requiredOption('--by <name>', 'who is opening it (recorded)')
    .option('--received <date>', 'when the request was received (YYYY-MM-DD or RFC 3339; default now)')
    .option('--note <text>', 'a note kept in the history')
    .option('--json', 'print one JSON object')
    .action(async (o: { tenant: string; type: string; subject: string; by: string; received?: string; note?: string; json?: boolean }) => {
      if (!TYPES.includes(o.type)) throw new CustosError(`--type: "${o.type}" must be access or erasure`);
      if (!o.subject.trim() || o.subject.length > 512) throw new CustosError('--subject: must be a user id or an e-mail address of 1 to 512 characters');
      const receivedAt = o.received ? parseReceived(o.received) : undefined;
      const r = await audited(o.tenant, 'custos dsr open', 'subject_requests.open', { type: o.type, received_at: receivedAt ?? null }, o.by, (s, by) =>
        s.open(o.tenant, { type: o.type as 'access' | 'erasure', subject: o.subject.trim(), by, ...(receivedAt ? { receivedAt } : {}), ...(o.note ? { note: o.note } : {}) }));
      print(o.json, { request: requestJson(r.request), sources: r.resolved.sources, found: r.resolved.found, preview: r.preview },
        `${line(r.request)}\n${r.request.identifiers.userIds.length} user id(s), ${r.request.identifiers.emails.length} e-mail(s), ${r.request.identifiers.displayNames.length} name(s) from ${r.resolved.sources.join(', ') || 'no source'}\n${Object.entries(r.preview).map(([k, v]) => `  ${k}\t${v}`).join('\n')}`);
      if (!r.resolved.found) process.stderr.write(`custos dsr: nothing in ${o.tenant} names ${o.subject}; check the identifier\n`);
    });
  dsr
    .command('list')
    .description("list a tenant's requests, late ones first")
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--due-within <days>', 'only requests still owed and due within this many days')
    .option('--late', 'only late requests')
    .option('--state <state>', `only this state (${STATES.join(', ')})`)
    .option('--type <type>', 'only access or only erasure')
    .option('--json', 'one JSON object with the list')
    .action(async (o: { tenant: string; dueWithin?: string; late?: boolean; state?: string; type?: string; json?: boolean }) => {
      if (o.dueWithin !== undefined && !/^\d{1,3}$/.test(o.dueWithin)) throw new CustosError(`--due-within: "${o.dueWithin}" must be a whole number of days`);
      if (o.state && !STATES.includes(o.state)) throw new CustosError(`--state: "${o.state}" must be one of ${STATES.join(', ')}`);
      if (o.type && !TYPES.includes(o.type)) throw new CustosError(`--type: "${o.type}" must be access or erasure`);
      const f = { ...(o.dueWithin !== undefined ? { dueWithinDays: Number(o.dueWithin) } : {}), ...(o.late ? { late: true } : {}), ...(o.state ? { state: o.state } : {}), ...(o.type ? { type: o.type } : {}) } as DueFilter;
      const list = await audited(o.tenant, 'custos dsr list', 'subject_requests.list', { ...f }, undefined, (s) => s.list(o.tenant, f));
      if (o.json) print(true, { items: list.map((q) => requestJson(q)), total: list.length }, '');
      else for (const q of list) process.stdout.write(line(q) + '\n');
    });
  dsr
    .command('show <id>')
    .description('one request: the request, counts per record family now, its history')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--json', 'print one JSON object')
    .action(async (id: string, o: { tenant: string; json?: boolean }) => {
      checkId(id);
      const d = await audited(o.tenant, 'custos dsr show', 'subject_requests.get', { request_id: id }, undefined, (s) => s.show(o.tenant, id));
      const history = d.history.map((v) => ({ change: v.change, state: v.request.state, due_at: v.request.dueAt, changed_by: v.request.changedBy, changed_at: v.request.changedAt, note: v.request.note }));
      print(o.json, { request: requestJson(d.request), preview: d.preview, history },
        `${line(d.request)}\n${Object.entries(d.preview).map(([k, v]) => `  ${k}\t${v}`).join('\n')}\n${history.map((h) => `${h.changed_at}\t${h.change}\t${h.state}\t${h.note}`).join('\n')}`);
    });
  dsr
    .command('extend <id>')
    .description('extend the due date by two more months (only within the first month), with the date the person was told')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--told <date>', 'when the person was told (YYYY-MM-DD or RFC 3339)')
    .requiredOption('--by <name>', 'who decides (recorded)')
    .option('--note <text>', 'why (kept in the history)')
    .option('--json', 'print one JSON object')
    .action(async (id: string, o: { tenant: string; told: string; by: string; note?: string; json?: boolean }) => {
      checkId(id);
      let told: string;
      try {
        told = parseReceived(o.told);
      } catch {
        throw new CustosError(`--told: "${o.told}" is not a date (YYYY-MM-DD) or an RFC 3339 time`);
      }
      const q = await audited(o.tenant, 'custos dsr extend', 'subject_requests.extend', { request_id: id, person_told_at: told }, o.by, (s, by) => s.extend(o.tenant, id, { personToldAt: told, by, ...(o.note ? { note: o.note } : {}) }));
      print(o.json, requestJson(q), line(q));
    });
  dsr
    .command('approve <id>')
    .description('approve an erasure request (four eyes: not by the person who opened it)')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--by <name>', 'who approves (recorded; must not be the opener)')
    .option('--note <text>', 'a note kept in the history')
    .option('--json', 'print one JSON object')
    .action(async (id: string, o: { tenant: string; by: string; note?: string; json?: boolean }) => {
      checkId(id);
      const q = await audited(o.tenant, 'custos dsr approve', 'subject_requests.approve', { request_id: id }, o.by, (s, by) => s.approve(o.tenant, id, { by, ...(o.note ? { note: o.note } : {}) }));
      print(o.json, requestJson(q), line(q));
    });
  dsr
    .command('cancel <id>')
    .description('cancel a request that is not running or finished')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--by <name>', 'who cancels (recorded)')
    .option('--note <text>', 'why (kept in the history)')
    .option('--json', 'print one JSON object')
    .action(async (id: string, o: { tenant: string; by: string; note?: string; json?: boolean }) => {
      checkId(id);
      const q = await audited(o.tenant, 'custos dsr cancel', 'subject_requests.cancel', { request_id: id }, o.by, (s, by) => s.cancel(o.tenant, id, { by, ...(o.note ? { note: o.note } : {}) }));
      print(o.json, requestJson(q), line(q));
    });
}
