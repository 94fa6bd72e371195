/**
 * Subject requests as the API and the CLI handle them: resolve, apply a lifecycle
 * rule, append the version. One place, so the four-eyes rule and the legal clock are
 * the same whichever way a DPO works. Callers audit; the actor is always an audit
 * pseudonym (`by`).
 */
import type { Store } from '../store/store.js';
import { approveRequest, cancelRequest, extendRequest, openRequest, selectRequests, type DueFilter } from './request-lifecycle.js';
import { previewSubject, resolveSubject, type ResolvedSubject, type SubjectPreview } from './resolve-subject.js';
import type { SubjectRequest, SubjectRequestType } from './subject-request.js';
import { SubjectRequestStore, type SubjectRequestVersion } from './subject-request-store.js';

export interface OpenedRequest {
  request: SubjectRequest;
  resolved: ResolvedSubject;
  preview: SubjectPreview;
}

export interface RequestDetail {
  request: SubjectRequest;
  preview: SubjectPreview;
  history: SubjectRequestVersion[];
}

export class SubjectRequestService {
  readonly requests: SubjectRequestStore;
  constructor(private readonly store: Store, private readonly clock: () => Date = () => new Date()) {
    this.requests = new SubjectRequestStore(store);
  }

  async open(tenant: string, o: { type: SubjectRequestType; subject: string; receivedAt?: string; by: string; note?: string }): Promise<OpenedRequest> {
    const resolved = await resolveSubject(this.store, tenant, o.subject);
    const identifiers = { userIds: resolved.userIds, emails: resolved.emails, displayNames: resolved.displayNames };
    const draft = openRequest({ tenant, type: o.type, subjectRef: o.subject, identifiers, openedBy: o.by, now: this.clock(), ...(o.receivedAt ? { receivedAt: o.receivedAt } : {}), ...(o.note ? { note: o.note } : {}) });
    const request = await this.requests.append(draft, 'opened');
    return { request, resolved, preview: await previewSubject(this.store, tenant, identifiers) };
  }

  async show(tenant: string, id: string): Promise<RequestDetail> {
    const history = await this.requests.history(tenant, id);
    const request = history[history.length - 1]!.request;
    return { request, history, preview: await previewSubject(this.store, tenant, request.identifiers) };
  }

  async list(tenant: string, f: DueFilter): Promise<SubjectRequest[]> {
    return selectRequests(await this.requests.list(tenant), f, this.clock());
  }

  async extend(tenant: string, id: string, o: { personToldAt: string; by: string; note?: string }): Promise<SubjectRequest> {
    const q = await this.requests.get(tenant, id);
    return this.requests.append(extendRequest(q, { ...o, now: this.clock() }), 'extended');
  }

  async approve(tenant: string, id: string, o: { by: string; note?: string }): Promise<SubjectRequest> {
    const q = await this.requests.get(tenant, id);
    return this.requests.append(approveRequest(q, { ...o, now: this.clock() }), 'approved');
  }

  async cancel(tenant: string, id: string, o: { by: string; note?: string }): Promise<SubjectRequest> {
    const q = await this.requests.get(tenant, id);
    return this.requests.append(cancelRequest(q, o), 'cancelled');
  }
}
