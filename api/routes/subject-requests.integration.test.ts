/**
 * Subject requests over the API with the real OIDC provider and store: opening shows
 * every identifier of the person and counts computed from the generated events;
 * bad input names the field; self-approval refused; approval without recent MFA
 * answers RFC 9470; a late request is listed first and late; the extension is refused
 * after the first month; everything is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { DEFAULT_USERS } from '../../test/helpers/oidc-provider.js';
import { SAM, SAM_IDS, samTruth, storeSubjectArchive, subjectArchive } from '../../test/helpers/subject-archive.js';

let api: TestApi;
const token = new Map<string, string>();
const events = subjectArchive();
const truth = samTruth(events);
const call = (who: string, method: string, path: string, body?: unknown) =>
  fetch(`${api.baseUrl}/v1/tenants/acme/subject-requests${path}`, {
    method, headers: { authorization: `Bearer ${token.get(who)}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  const dpos = [
    { id: 'dana', name: 'Dana Dpo', groups: ['custos:acme:dpo'], mfa: true },
    { id: 'erin', name: 'Erin Nomfa', groups: ['custos:acme:dpo'], mfa: false },
    { id: 'fay', name: 'Fay Second', groups: ['custos:acme:dpo'], mfa: true },
  ];
  api = await startTestApi('dsr-api', { oidc: true, oidcUsers: [...DEFAULT_USERS, ...dpos] });
  await storeSubjectArchive(api.store, events);
  for (const u of ['dana', 'erin', 'fay', 'carol']) token.set(u, (await api.idp!.accessTokenFor(u)).access_token);
});
afterAll(async () => api?.close());

describe('subject requests API', () => {
  let erasureId = '';
  it('opens a request by e-mail and answers with every identifier and the counts per family', async () => {
    const r = await call('dana', 'POST', '', { type: 'erasure', subject: SAM.email.toUpperCase() });
    expect(r.status).toBe(201);
    const b = (await r.json()) as { request: { id: string; state: string; identifiers: { user_ids: string[]; emails: string[]; display_names: string[] } }; sources: string[]; found: boolean; preview: Record<string, number> };
    erasureId = b.request.id;
    expect(b.request.state).toBe('open');
    expect(b.request.identifiers.user_ids).toEqual([...SAM_IDS].sort());
    expect(b.request.identifiers.emails).toEqual([SAM.email]);
    expect(b.request.identifiers.display_names).toEqual([...SAM.names].sort());
    expect(b.sources).toEqual([...new Set(SAM.ids.map((i) => i.source))].sort());
    expect(b.found).toBe(true);
    expect(b.preview).toMatchObject({
      messages_written: truth.written.length, message_versions_written: truth.versions.length, messages_mentioning: truth.mentioning.length,
      reactions: truth.reactions.length, calls: truth.calls.size, app_invocations: truth.apps.length, admin_events: truth.admin.length, memberships: truth.memberships.size,
    });
  });

  it('names the wrong field', async () => {
    const r = await call('dana', 'POST', '', { type: 'copy', subject: 'U-SAM' });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ field: 'type' });
    const d = await call('dana', 'POST', '', { type: 'access', subject: 'U-SAM', received_at: '2026-13-01T00:00:00Z' });
    expect(await d.json()).toMatchObject({ field: 'received_at' });
  });

  it('refuses self-approval, refuses approval without recent MFA (RFC 9470), approves by a second person', async () => {
    const self = await call('dana', 'POST', `/${erasureId}/approve`, {});
    expect(self.status).toBe(403);
    expect(await self.json()).toMatchObject({ type: 'https://custos.dev/problems/self-approval', field: 'by' });
    const nomfa = await call('erin', 'POST', `/${erasureId}/approve`, {});
    expect(nomfa.status).toBe(401);
    expect(nomfa.headers.get('www-authenticate')).toMatch(/error="insufficient_user_authentication"/);
    const auditor = await call('carol', 'POST', `/${erasureId}/approve`, {});
    expect(auditor.status).toBe(403);
    const ok = await call('fay', 'POST', `/${erasureId}/approve`, { note: 'checked the identifiers' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ state: 'approved', note: 'checked the identifiers' });
    const again = await call('fay', 'POST', `/${erasureId}/approve`, {});
    expect(again.status).toBe(409);
  });

  it('runs an approved erasure as a job through the API, recording the approver; refuses to run an open erasure', async () => {
    const unapproved = (await (await call('dana', 'POST', '', { type: 'erasure', subject: 'U-BEN' })).json()) as { request: { id: string } };
    const refused = await call('dana', 'POST', `/${unapproved.request.id}/run`, {});
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ type: 'https://custos.dev/problems/request-state', field: 'requestId' });
    const contextOnErasure = await call('dana', 'POST', `/${erasureId}/run`, { context_messages: 5 });
    expect(contextOnErasure.status).toBe(400);
    expect(await contextOnErasure.json()).toMatchObject({ field: 'context_messages' });
    const tooWide = await call('dana', 'POST', `/${erasureId}/run`, { context_messages: 51 });
    expect(await tooWide.json()).toMatchObject({ field: 'context_messages' });
    const carol = await call('carol', 'POST', `/${erasureId}/run`, {});
    expect(carol.status).toBe(403);
    const started = await call('dana', 'POST', `/${erasureId}/run`, {});
    expect(started.status).toBe(202);
    const job = (await started.json()) as { job_id: string; kind: string; href: string };
    expect(job.kind).toBe('erasure');
    const queued = (await (await fetch(`${api.baseUrl}${job.href}`, { headers: { authorization: `Bearer ${token.get('dana')}` } })).json()) as { state: string; approved_by: string | null; params: Record<string, unknown> };
    expect(queued).toMatchObject({ state: 'queued', params: { request: erasureId } });
    expect(queued.approved_by).toBeTruthy();
    // `custos serve`'s scheduler runs queued jobs; the test API has none, so the test runs it as the scheduler would.
    const done = await api.jobs.service.run(await api.jobs.service.get('acme', job.job_id));
    expect(done.state).toBe('done');
    const shown = (await (await call('dana', 'GET', `/${erasureId}`)).json()) as { request: { state: string; subject: string; job_ids: string[]; identifiers: { emails: string[] } } };
    expect(shown.request.state).toBe('done');
    expect(shown.request.job_ids).toContain(job.job_id);
    expect(JSON.stringify(shown.request)).not.toContain(SAM.email);
    await call('dana', 'POST', `/${unapproved.request.id}/cancel`, { note: 'test' });
  });

  it('starts an access package with the context window the DPO chose', async () => {
    const opened = (await (await call('dana', 'POST', '', { type: 'access', subject: 'U-BEN' })).json()) as { request: { id: string } };
    const started = await call('dana', 'POST', `/${opened.request.id}/run`, { context_messages: 0 });
    expect(started.status).toBe(202);
    const job = (await started.json()) as { kind: string; href: string };
    expect(job.kind).toBe('access');
    const queued = (await (await fetch(`${api.baseUrl}${job.href}`, { headers: { authorization: `Bearer ${token.get('dana')}` } })).json()) as { params: Record<string, unknown> };
    expect(queued.params).toEqual({ request: opened.request.id, context_messages: 0 });
  });

  it('lists a late request as late and first; refuses its extension after the first month; shows the history', async () => {
    const received = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const opened = (await (await call('dana', 'POST', '', { type: 'access', subject: 'U-SAM', received_at: received })).json()) as { request: { id: string; late: boolean } };
    expect(opened.request.late).toBe(true);
    const fresh = (await (await call('dana', 'POST', '', { type: 'access', subject: 'U-BEN' })).json()) as { request: { id: string } };
    const late = (await (await call('dana', 'GET', '?late=true')).json()) as { items: Array<{ id: string; late: boolean }> };
    expect(late.items.map((i) => i.id)).toEqual([opened.request.id]);
    const soon = (await (await call('dana', 'GET', '?due_within=40')).json()) as { items: Array<{ id: string; late: boolean }> };
    expect(soon.items[0]!.id).toBe(opened.request.id);
    expect(soon.items.map((i) => i.id)).toContain(fresh.request.id);
    expect((await (await call('dana', 'GET', '?due_within=0x')).json())).toMatchObject({ field: 'due_within' });
    const ext = await call('dana', 'POST', `/${opened.request.id}/extend`, { person_told_at: new Date().toISOString() });
    expect(ext.status).toBe(400);
    expect(await ext.json()).toMatchObject({ field: 'person_told_at' });
    const okExt = await call('dana', 'POST', `/${fresh.request.id}/extend`, { person_told_at: new Date().toISOString(), note: 'complex request' });
    expect(okExt.status).toBe(200);
    expect(await okExt.json()).toMatchObject({ extended: true });
    const shown = (await (await call('fay', 'GET', `/${fresh.request.id}`)).json()) as { history: Array<{ change: string }>; preview: Record<string, number> };
    expect(shown.history.map((h) => h.change)).toEqual(['opened', 'extended']);
    expect(shown.preview.messages_written).toBeGreaterThan(0);
    expect((await call('dana', 'POST', `/${fresh.request.id}/cancel`, { note: 'withdrawn' })).status).toBe(200);
    expect((await call('dana', 'GET', '/dsr_doesnotexist1')).status).toBe(404);
  });

  it('audited every call, refusals included', async () => {
    const rows = await api.store.query<{ action: string; status: number }>('test: audit', "SELECT action, status FROM audit_log WHERE tenant = 'acme' AND action LIKE 'subject_requests.%'");
    const seen = rows.map((r) => `${r.action} ${r.status}`);
    expect(seen).toEqual(expect.arrayContaining(['subject_requests.open 201', 'subject_requests.open 400', 'subject_requests.approve 403', 'subject_requests.approve 401', 'subject_requests.approve 200', 'subject_requests.extend 400', 'subject_requests.list 200', 'subject_requests.get 200', 'subject_requests.cancel 200']));
  });
});
