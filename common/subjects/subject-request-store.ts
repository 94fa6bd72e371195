/**
 * Subject requests in the store (`subject_requests`): every change appends a version, so
 * the rows of a request are its history and the newest is the request now.
 */
import type { Store } from '../store/store.js';
import { fromStoreTime, toStoreTime } from '../events/time.js';
import { SubjectRequestNotFoundError, type SubjectRequest, type SubjectRequestChange } from './subject-request.js';

interface Row {
  tenant: string; request_id: string; version: string | number; type: string; state: string; change: string;
  subject_ref: string; subject_hash: string; user_ids: string[]; emails: string[]; display_names: string[];
  received_at: string; due_at: string; person_told_at: string | null; opened_by: string; approved_by: string;
  approved_at: string | null; job_ids: string[]; note: string; changed_by: string; changed_at: string;
}

export interface SubjectRequestVersion { request: SubjectRequest; change: SubjectRequestChange }

const COLUMNS = 'tenant, request_id, version, type, state, change, subject_ref, subject_hash, user_ids, emails, display_names, received_at, due_at, person_told_at, opened_by, approved_by, approved_at, job_ids, note, changed_by, changed_at';

function fromRow(r: Row): SubjectRequestVersion {
  const t = (s: string | null) => (s === null ? null : fromStoreTime(s));
  return {
    change: r.change as SubjectRequestChange,
    request: {
      tenant: r.tenant, id: r.request_id, type: r.type as SubjectRequest['type'], state: r.state as SubjectRequest['state'],
      subjectRef: r.subject_ref, subjectHash: r.subject_hash,
      identifiers: { userIds: r.user_ids, emails: r.emails, displayNames: r.display_names },
      receivedAt: fromStoreTime(r.received_at), dueAt: fromStoreTime(r.due_at), personToldAt: t(r.person_told_at),
      openedBy: r.opened_by, approvedBy: r.approved_at ? r.approved_by : null, approvedAt: t(r.approved_at),
      jobIds: r.job_ids, note: r.note, version: Number(r.version), changedBy: r.changed_by, changedAt: fromStoreTime(r.changed_at),
    },
  };
}

function toRow(q: SubjectRequest, change: SubjectRequestChange): Record<string, unknown> {
  const t = (iso: string | null) => (iso === null ? null : toStoreTime(Date.parse(iso)));
  return {
    tenant: q.tenant, request_id: q.id, version: q.version, type: q.type, state: q.state, change,
    subject_ref: q.subjectRef, subject_hash: q.subjectHash, user_ids: q.identifiers.userIds, emails: q.identifiers.emails,
    display_names: q.identifiers.displayNames, received_at: t(q.receivedAt), due_at: t(q.dueAt), person_told_at: t(q.personToldAt),
    opened_by: q.openedBy, approved_by: q.approvedBy ?? '', approved_at: t(q.approvedAt), job_ids: q.jobIds, note: q.note,
    changed_by: q.changedBy, changed_at: t(q.changedAt),
  };
}

export class SubjectRequestStore {
  private lastVersion = 0;
  constructor(private readonly store: Store) {}

  private nextVersion(): number {
    this.lastVersion = Math.max(Date.now() * 1000, this.lastVersion + 1);
    return this.lastVersion;
  }

  /**
   * Writes `next` as the request's newest version (its `version`, `changedBy` and
   * `changedAt` are set here) and returns it as stored.
   */
  async append(next: Omit<SubjectRequest, 'version' | 'changedAt'>, change: SubjectRequestChange): Promise<SubjectRequest> {
    const stored: SubjectRequest = { ...next, version: this.nextVersion(), changedAt: new Date().toISOString() };
    await this.store.insert(`subject requests: ${change}`, 'subject_requests', [toRow(stored, change)]);
    return stored;
  }

  async get(tenant: string, requestId: string): Promise<SubjectRequest> {
    const [row] = await this.store.query<Row>('subject requests: get',
      `SELECT ${COLUMNS} FROM subject_requests WHERE tenant = {tenant:String} AND request_id = {id:String} ORDER BY version DESC LIMIT 1`,
      { tenant, id: requestId });
    if (!row) throw new SubjectRequestNotFoundError(tenant, requestId);
    return fromRow(row).request;
  }

  /** Every version of the request, oldest first. */
  async history(tenant: string, requestId: string): Promise<SubjectRequestVersion[]> {
    const rows = await this.store.query<Row>('subject requests: history',
      `SELECT ${COLUMNS} FROM subject_requests WHERE tenant = {tenant:String} AND request_id = {id:String} ORDER BY version`,
      { tenant, id: requestId });
    if (rows.length === 0) throw new SubjectRequestNotFoundError(tenant, requestId);
    return rows.map(fromRow);
  }

  /** The tenant's requests as they are now, oldest due date first. */
  async list(tenant: string): Promise<SubjectRequest[]> {
    const rows = await this.store.query<Row>('subject requests: list',
      `SELECT ${COLUMNS} FROM subject_requests WHERE tenant = {tenant:String}
       ORDER BY version DESC LIMIT 1 BY request_id`, { tenant });
    return rows.map((r) => fromRow(r).request).sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
  }
}
