/**
 * Jobs over HTTP (DESIGN.md "Jobs"): list, show, cancel, download a finished job's
 * files; and `POST .../exports`, which queues an eDiscovery export (a step-up
 * action). The runner behind it is reached through common/jobs/job-service.ts.
 */
import { z } from 'zod';
import { JOB_STATES, progressOf, type Job } from '../../common/jobs/job-model.js';
import type { JobService } from '../../common/jobs/job-service.js';
import { InvalidJobParamsError, JobNotFoundError, JobStateError, UnknownJobKindError } from '../../common/jobs/job-errors.js';
import type { CursorCodec } from '../../common/queries/cursor.js';
import { fromStoreTime, toStoreTime } from '../../common/events/time.js';
import type { Pseudonymizer } from '../../common/audit/index.js';
import { HttpProblem } from '../problem.js';
import { PROBLEM_BASE } from '../middleware/problems.js';
import { defineRoute, type Principal, type RouteSpec } from '../route-spec.js';
import { cursorFilters, decodeCursorParam } from '../schemas/cursor.js';
import { cursorField, limitField, orderField, pageOf, queryObject, tenantParam } from '../schemas/query-fields.js';

const JOB_ID = /^job_[a-z0-9]{8,40}$/;
const jobIdParam = z.string().regex(JOB_ID, 'must be a job id (job_ and lowercase letters and digits)').meta({ description: 'Job id', minLength: 12, maxLength: 44 });
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const fileView = z.object({ name: z.string(), bytes: z.number().int(), sha256: z.string(), href: z.string() });
const jobView = z.object({
  id: z.string(), tenant: z.string(), kind: z.string(), state: z.enum(JOB_STATES),
  progress: z.object({ done: z.number(), total: z.number(), rate_per_s: z.number().nullable(), eta_s: z.number().nullable() }),
  params: z.record(z.string(), z.unknown()), requested_by: z.string(), approved_by: z.string().nullable(),
  created_at: z.string(), started_at: z.string().nullable(), finished_at: z.string().nullable(), attempt: z.number().int(),
  cancel_requested: z.boolean(), result: z.record(z.string(), z.unknown()).nullable(), error: z.string().nullable(), files: z.array(fileView),
});

function view(j: Job): z.infer<typeof jobView> {
  const { bag: _internalPath, ...result } = j.result ?? {};
  return {
    id: j.id, tenant: j.tenant, kind: j.kind, state: j.state, progress: progressOf(j), params: j.params, requested_by: j.requestedBy,
    approved_by: j.approvedBy || null, created_at: j.createdAt, started_at: j.startedAt, finished_at: j.finishedAt, attempt: j.attempt,
    cancel_requested: j.cancelRequested, result: j.result ? result : null, error: j.error || null,
    files: j.files.map((f) => ({ ...f, href: `/v1/tenants/${j.tenant}/jobs/${j.id}/files/${f.name}` })),
  };
}

/** Job errors as problems naming the field or the job. */
export function jobProblem(err: unknown): unknown {
  if (err instanceof JobNotFoundError) return new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Job not found', detail: err.message, field: 'jobId' });
  if (err instanceof JobStateError) return new HttpProblem({ status: 409, type: `${PROBLEM_BASE}job-state`, title: 'Job state does not allow this', detail: err.message, field: 'jobId' });
  if (err instanceof InvalidJobParamsError) return new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: `body.${err.field}: ${err.message.split(': ').slice(2).join(': ')}`, field: err.field });
  if (err instanceof UnknownJobKindError) return new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: err.message, field: 'kind' });
  return err;
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw jobProblem(err);
  }
}

export interface JobRouteDeps {
  jobs: JobService;
  cursors: CursorCodec;
  pseudonyms: Pseudonymizer;
}

export function jobRoutes(deps: JobRouteDeps): RouteSpec[] {
  const { jobs, cursors } = deps;
  const requester = (p: Principal) => ({ subjectRef: deps.pseudonyms.refOf(p.subject), kind: p.kind });
  const tenantOnly = z.strictObject({ tenant: tenantParam });
  const oneJob = z.strictObject({ tenant: tenantParam, jobId: jobIdParam });
  const list = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/jobs', operationId: 'listJobs', summary: "The tenant's jobs, newest first (or oldest first)", tags: ['jobs'],
    scope: 'jobs:read', action: 'jobs.list', params: tenantOnly,
    query: queryObject({ kind: z.string().regex(/^[a-z_-]{1,32}$/, 'must be a job kind').meta({ description: 'Only jobs of this kind (export, supervision-backtest, ...)', minLength: 1, maxLength: 32 }).optional(), state: z.enum(JOB_STATES).optional(), order: orderField('By creation time'), limit: limitField(), cursor: cursorField.optional() }),
    response: pageOf(jobView),
    handler: async ({ tenant, query }) => {
      const filters = cursorFilters('jobs.list', tenant, query);
      const pos = decodeCursorParam(cursors, query.cursor, filters);
      const before = pos ? { createdAt: fromStoreTime(pos.t), id: pos.k[0]! } : undefined;
      const page = await jobs.list(tenant, { limit: query.limit + 1, order: query.order, ...(query.kind ? { kind: query.kind } : {}), ...(query.state ? { state: query.state } : {}), ...(before ? { before } : {}) });
      const items = page.jobs.slice(0, query.limit);
      const last = items[items.length - 1];
      const next = page.jobs.length > query.limit && last ? cursors.encode({ t: toStoreTime(Date.parse(last.createdAt)), k: [last.id] }, filters) : null;
      return { body: { items: items.map(view), total: page.total, next_cursor: next }, resultCount: items.length };
    },
  });
  const show = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/jobs/:jobId', operationId: 'getJob', summary: 'One job: state, progress (rate, ETA), parameters, result and files', tags: ['jobs'],
    scope: 'jobs:read', action: 'jobs.get', params: oneJob, query: queryObject({}), response: jobView,
    handler: async ({ tenant, params }) => ({ body: view(await mapped(() => jobs.get(tenant, params.jobId))), resultCount: 1 }),
  });
  const cancel = defineRoute({
    method: 'post', path: '/v1/tenants/:tenant/jobs/:jobId/cancel', operationId: 'cancelJob', summary: 'Cancel a queued job at once, a running one at its next safe point', tags: ['jobs'],
    scope: 'jobs:cancel', action: 'jobs.cancel', params: oneJob, response: jobView, successStatus: 202, conflict: 'The job has already ended (done, failed or cancelled)',
    handler: async ({ tenant, params, principal }) => ({ status: 202, body: view(await mapped(() => jobs.cancel(tenant, params.jobId, requester(principal)))), resultCount: 1 }),
  });
  const file = defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/jobs/:jobId/files/:name', operationId: 'downloadJobFile', summary: "Download a finished job's file (an export's signed BagIt package as a ZIP)", tags: ['jobs'],
    scope: 'exports:read', action: 'jobs.download',
    params: z.strictObject({ tenant: tenantParam, jobId: jobIdParam, name: z.string().regex(FILE_NAME, 'must be the name of one of the job\'s files').meta({ description: 'File name, as the job lists it', minLength: 1, maxLength: 128 }) }),
    query: queryObject({}),
    response: z.string().meta({ description: 'the file', contentMediaType: 'application/zip' }),
    handler: async ({ tenant, params }) => {
      const job = await mapped(() => jobs.get(tenant, params.jobId));
      const path = jobs.filePath(job, params.name);
      const listed = job.files.find((f) => f.name === params.name);
      if (!path || !listed) throw new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: 'File not found', detail: `job ${job.id} (${job.state}) has no file ${params.name}`, field: 'name' });
      return { body: null, file: { path, name: listed.name, contentType: listed.name.endsWith('.zip') ? 'application/zip' : 'application/octet-stream', sha256: listed.sha256 }, resultCount: 1, audit: { package_id: job.id, sha256: listed.sha256, bytes: listed.bytes } };
    },
  });
  const createExport = defineRoute({
    method: 'post', path: '/v1/tenants/:tenant/exports', operationId: 'createExport', summary: 'Queue an eDiscovery export: a signed BagIt package of the set the filters define (step-up)', tags: ['exports'],
    scope: 'exports:create', action: 'exports.create', params: tenantOnly,
    body: z.record(z.string(), z.unknown()).meta({ description: 'Export parameters: q, custodians, conversations, conversation_types, from, to, whole_conversations, context {messages, duration}, include_deleted, include_edits, as_of, formats, holds, recipients (docs/exports.md)' }),
    response: jobView, successStatus: 202,
    handler: async ({ tenant, body, principal }) => ({ status: 202, body: view(await mapped(() => jobs.submit(tenant, 'export', body, requester(principal)))), resultCount: 1 }),
  });
  return [list, show, cancel, file, createExport] as unknown as RouteSpec[];
}
