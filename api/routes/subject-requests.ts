/**
 * Data subject requests over HTTP (GDPR Art. 15 access, Art. 17 erasure;
 * docs/subject-requests.md): open (answers with what Custos found about the person
 * before anything runs), list (due soon, late), show (with counts now and history),
 * extend, approve (erasure only: a second person, step-up MFA), cancel. Every call is
 * audited by the route pipeline; changes record the request id in the answer facts.
 */
import { z } from 'zod';
import type { Store } from '../../common/store/store.js';
import type { Pseudonymizer } from '../../common/audit/index.js';
import { SUBJECT_REQUEST_ID, SubjectRequestNotFoundError, type SubjectRequest } from '../../common/subjects/subject-request.js';
import { isLate, SubjectRequestRuleError } from '../../common/subjects/request-lifecycle.js';
import { PREVIEW_FAMILIES } from '../../common/subjects/resolve-subject.js';
import { SubjectRequestService } from '../../common/subjects/request-service.js';
import { SubjectRequestStore } from '../../common/subjects/subject-request-store.js';
import type { JobService } from '../../common/jobs/job-service.js';
import { HttpProblem } from '../problem.js';
import { jobProblem } from './jobs.js';
import { PROBLEM_BASE } from '../middleware/problems.js';
import { defineRoute, type Principal, type RouteSpec } from '../route-spec.js';
import { booleanField, plainText, queryObject, tenantParam, wholeNumberPattern } from '../schemas/query-fields.js';
import { INSTANT_MAX_LENGTH, INSTANT_PATTERN, INSTANT_RULE } from '../schemas/instant.js';

const TYPES = ['access', 'erasure'] as const;
const STATES = ['open', 'approved', 'running', 'waiting-on-holds', 'done', 'failed', 'cancelled'] as const;

const requestIdParam = z.string().regex(SUBJECT_REQUEST_ID, 'must be a subject request id (dsr_ and 8 to 40 lowercase letters and digits)').meta({ description: 'Subject request id', minLength: 12, maxLength: 44 });
const instant = (description: string) => z.string().regex(INSTANT_PATTERN, `must be ${INSTANT_RULE}`).meta({ description, maxLength: INSTANT_MAX_LENGTH });
const note = plainText(0, 2000, 'must be at most 2000 characters without control characters').meta({ description: 'Why (kept in the history)' });

const identifiersView = z.object({ user_ids: z.array(z.string()), emails: z.array(z.string()), display_names: z.array(z.string()) });
const requestView = z.object({
  id: z.string(), tenant: z.string(), type: z.enum(TYPES), state: z.enum(STATES), subject: z.string(), identifiers: identifiersView,
  received_at: z.string(), due_at: z.string(), late: z.boolean(), extended: z.boolean(), person_told_at: z.string().nullable(),
  opened_by: z.string(), approved_by: z.string().nullable(), approved_at: z.string().nullable(), job_ids: z.array(z.string()), note: z.string(),
  version: z.number().int(), changed_by: z.string(), changed_at: z.string(),
});
const previewView = z.object(Object.fromEntries(PREVIEW_FAMILIES.map((k) => [k, z.number().int()])) as Record<(typeof PREVIEW_FAMILIES)[number], z.ZodNumber>);
const historyView = z.array(z.object({ change: z.string(), state: z.enum(STATES), due_at: z.string(), changed_by: z.string(), changed_at: z.string(), note: z.string() }));

function view(q: SubjectRequest, now = new Date()): z.infer<typeof requestView> {
  return {
    id: q.id, tenant: q.tenant, type: q.type, state: q.state, subject: q.subjectRef,
    identifiers: { user_ids: q.identifiers.userIds, emails: q.identifiers.emails, display_names: q.identifiers.displayNames },
    received_at: q.receivedAt, due_at: q.dueAt, late: isLate(q, now), extended: q.personToldAt !== null, person_told_at: q.personToldAt,
    opened_by: q.openedBy, approved_by: q.approvedBy, approved_at: q.approvedAt, job_ids: q.jobIds, note: q.note,
    version: q.version, changed_by: q.changedBy, changed_at: q.changedAt,
  };
}

/** Rule refusals as problems naming the field: self-approval is a 403, a request in the wrong state a 409, a bad date a 400. */
export function subjectRequestProblem(err: unknown): unknown {
  if (err instanceof SubjectRequestNotFoundError) return new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Subject request not found', detail: err.message, field: 'requestId' });
  if (err instanceof SubjectRequestRuleError) {
    if (err.code === 'self-approval') return new HttpProblem({ status: 403, type: `${PROBLEM_BASE}self-approval`, title: 'Four eyes: approval by the opener refused', detail: err.message, field: err.field });
    if (err.code === 'wrong-state' || err.code === 'already-extended' || err.code === 'wrong-type') return new HttpProblem({ status: 409, type: `${PROBLEM_BASE}request-state`, title: 'Subject request in another state', detail: err.message, field: err.field });
    return new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: err.message, field: err.field });
  }
  return err;
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw subjectRequestProblem(err);
  }
}

/** The states a request's job may start from (as the jobs check them): an access package for an open request or again, an erasure once approved or again while it waits on holds. */
const RUNNABLE: Record<SubjectRequest['type'], readonly SubjectRequest['state'][]> = { access: ['open', 'failed', 'done'], erasure: ['approved', 'waiting-on-holds', 'failed'] };

export function subjectRequestRoutes(deps: { store: Store; pseudonyms: Pseudonymizer; jobs: JobService }): RouteSpec[] {
  const service = new SubjectRequestService(deps.store);
  const requests = new SubjectRequestStore(deps.store);
  const by = (p: Principal) => deps.pseudonyms.refOf(p.subject);
  const base = '/v1/tenants/:tenant/subject-requests';
  const tenantOnly = z.strictObject({ tenant: tenantParam });
  const oneRequest = z.strictObject({ tenant: tenantParam, requestId: requestIdParam });
  const open = defineRoute({
    method: 'post', path: base, operationId: 'openSubjectRequest', summary: 'Open an access or erasure request for a person (user id or e-mail): answers with every identifier found and counts per record family, before anything runs', tags: ['subject-requests'],
    scope: 'subject_requests:manage', action: 'subject_requests.open', params: tenantOnly, query: queryObject({}),
    body: z.strictObject({
      type: z.enum(TYPES).meta({ description: 'access (Art. 15) or erasure (Art. 17)' }),
      subject: plainText(1, 512, 'must be a user id or an e-mail address of 1 to 512 characters').meta({ description: 'The person: a user id or an e-mail address' }),
      received_at: instant('When the request was received (default now); the due date is one calendar month later').optional(),
      note: note.optional(),
    }),
    response: z.object({ request: requestView, sources: z.array(z.string()), found: z.boolean(), preview: previewView }), successStatus: 201,
    handler: async ({ tenant, body, principal }) => {
      const o = await mapped(() => service.open(tenant, { type: body.type, subject: body.subject, by: by(principal), ...(body.received_at ? { receivedAt: new Date(body.received_at).toISOString() } : {}), ...(body.note ? { note: body.note } : {}) }));
      return { status: 201, body: { request: view(o.request), sources: o.resolved.sources, found: o.resolved.found, preview: o.preview }, resultCount: 1, audit: { request_id: o.request.id } };
    },
  });
  const list = defineRoute({
    method: 'get', path: base, operationId: 'listSubjectRequests', summary: "The tenant's subject requests, late ones first, then by due date", tags: ['subject-requests'],
    scope: 'subject_requests:read', action: 'subject_requests.list', params: tenantOnly,
    query: queryObject({
      due_within: z.string().regex(new RegExp(wholeNumberPattern(366)), 'must be a whole number of days from 1 to 366').meta({ description: 'Only requests still owed and due within this many days (late ones included)', minLength: 1, maxLength: 3 }).transform(Number).optional(),
      late: booleanField('Only requests past their due date and still owed').optional(),
      state: z.enum(STATES).optional().meta({ description: 'Only requests in this state' }),
      type: z.enum(TYPES).optional().meta({ description: 'Only access or only erasure requests' }),
    }),
    response: z.object({ items: z.array(requestView), total: z.number().int(), next_cursor: z.null() }),
    handler: async ({ tenant, query }) => {
      const items = (await service.list(tenant, { ...(query.due_within !== undefined ? { dueWithinDays: query.due_within } : {}), ...(query.late ? { late: true } : {}), ...(query.state ? { state: query.state } : {}), ...(query.type ? { type: query.type } : {}) })).map((q) => view(q));
      return { body: { items, total: items.length, next_cursor: null }, resultCount: items.length };
    },
  });
  const show = defineRoute({
    method: 'get', path: `${base}/:requestId`, operationId: 'getSubjectRequest', summary: 'One subject request: the request, counts per record family now, and its history', tags: ['subject-requests'],
    scope: 'subject_requests:read', action: 'subject_requests.get', params: oneRequest, query: queryObject({}),
    response: z.object({ request: requestView, preview: previewView, history: historyView }),
    handler: async ({ tenant, params }) => {
      const d = await mapped(() => service.show(tenant, params.requestId));
      const history = d.history.map((v) => ({ change: v.change, state: v.request.state, due_at: v.request.dueAt, changed_by: v.request.changedBy, changed_at: v.request.changedAt, note: v.request.note }));
      return { body: { request: view(d.request), preview: d.preview, history }, resultCount: 1, audit: { request_id: d.request.id } };
    },
  });
  const extend = defineRoute({
    method: 'post', path: `${base}/:requestId/extend`, operationId: 'extendSubjectRequest', summary: 'Extend the due date by two more months (GDPR Art. 12(3)); only within the first month, with the date the person was told', tags: ['subject-requests'],
    scope: 'subject_requests:manage', action: 'subject_requests.extend', params: oneRequest, query: queryObject({}),
    body: z.strictObject({ person_told_at: instant('When the person was told of the extension and why'), note: note.optional() }),
    response: requestView, conflict: 'The request is closed or was already extended',
    handler: async ({ tenant, params, body, principal }) => {
      const q = await mapped(() => service.extend(tenant, params.requestId, { personToldAt: new Date(body.person_told_at).toISOString(), by: by(principal), ...(body.note ? { note: body.note } : {}) }));
      return { body: view(q), resultCount: 1, audit: { request_id: q.id } };
    },
  });
  const approve = defineRoute({
    method: 'post', path: `${base}/:requestId/approve`, operationId: 'approveSubjectRequest', summary: 'Approve an erasure request: a person other than the opener, signed in with MFA recently (step-up)', tags: ['subject-requests'],
    scope: 'erasure:approve', action: 'subject_requests.approve', params: oneRequest, query: queryObject({}),
    body: z.strictObject({ note: note.optional() }),
    response: requestView, conflict: 'The request is not an open erasure request',
    handler: async ({ tenant, params, body, principal }) => {
      const q = await mapped(() => service.approve(tenant, params.requestId, { by: by(principal), ...(body.note ? { note: body.note } : {}) }));
      return { body: view(q), resultCount: 1, audit: { request_id: q.id } };
    },
  });
  const cancel = defineRoute({
    method: 'post', path: `${base}/:requestId/cancel`, operationId: 'cancelSubjectRequest', summary: 'Cancel a request that is not running or finished (the note says why)', tags: ['subject-requests'],
    scope: 'subject_requests:manage', action: 'subject_requests.cancel', params: oneRequest, query: queryObject({}),
    body: z.strictObject({ note: note.optional() }),
    response: requestView, conflict: 'The request is running or finished',
    handler: async ({ tenant, params, body, principal }) => {
      const q = await mapped(() => service.cancel(tenant, params.requestId, { by: by(principal), ...(body.note ? { note: body.note } : {}) }));
      return { body: view(q), resultCount: 1, audit: { request_id: q.id } };
    },
  });
  const run = defineRoute({
    method: 'post', path: `${base}/:requestId/run`, operationId: 'runSubjectRequest', summary: "Start the job that answers the request: the access package of an open access request, or an approved erasure (the approver is recorded on the job); follow it under .../jobs/{id}", tags: ['subject-requests'],
    scope: 'subject_requests:manage', action: 'subject_requests.run', params: oneRequest, query: queryObject({}),
    body: z.strictObject({
      context_messages: z.number().int().min(0).max(50).optional()
        .meta({ description: "Access requests only: others' messages shown around each of the person's, in the package, as 'Participant N' (default 3)" }),
    }),
    response: z.object({ job_id: z.string(), kind: z.enum(TYPES), state: z.string(), href: z.string() }), successStatus: 202,
    conflict: 'The request is not in a state its job can start from (an erasure must be approved first)',
    handler: async ({ tenant, params, body, principal }) => {
      const q = await mapped(() => requests.get(tenant, params.requestId));
      if (body.context_messages !== undefined && q.type !== 'access') {
        throw new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: 'context_messages applies to access requests only', field: 'context_messages' });
      }
      if (!RUNNABLE[q.type].includes(q.state)) {
        throw new HttpProblem({ status: 409, type: `${PROBLEM_BASE}request-state`, title: 'Subject request in another state', detail: `a ${q.type} request's job starts from ${RUNNABLE[q.type].join(' or ')}; this one is ${q.state}`, field: 'requestId' });
      }
      try {
        const job = await deps.jobs.submit(tenant, q.type, { request: q.id, ...(body.context_messages !== undefined ? { context_messages: body.context_messages } : {}) }, { subjectRef: by(principal), kind: principal.kind }, q.approvedBy ?? undefined);
        return { status: 202, body: { job_id: job.id, kind: q.type, state: job.state, href: `/v1/tenants/${tenant}/jobs/${job.id}` }, resultCount: 1, audit: { request_id: q.id, job_id: job.id } };
      } catch (err) {
        throw jobProblem(err);
      }
    },
  });
  return [open, list, show, extend, approve, cancel, run] as unknown as RouteSpec[];
}
