/**
 * Holds and retention over the API with the real OIDC provider and store: a hold
 * created and shown with what it covers, release refused without fresh MFA (RFC
 * 9470) and done with it, the policy refused with the field named, the first-run
 * brake (409 with figures) and confirm, the PUT audited with the old and new policy,
 * and "why is this kept?" under each kind of rule and under a hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { TEST_POLICY, agedArchive, storeArchive, type AgedArchive } from '../../reports/retention/testing/aged-archive.js';
import type { JobRunner } from '../../reports/jobs/job-runner.js';

let api: TestApi;
let archive: AgedArchive;
let alice: string;
let bob: string;
let carol: string;
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
const call = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${api.baseUrl}/v1/tenants/acme${path}`, { method, headers: json(token), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

beforeAll(async () => {
  api = await startTestApi('retention-api', { oidc: true });
  archive = agedArchive();
  await storeArchive(api.store, archive);
  alice = (await api.idp!.accessTokenFor('alice')).access_token;
  bob = (await api.idp!.accessTokenFor('bob')).access_token;
  carol = (await api.idp!.accessTokenFor('carol')).access_token;
});
afterAll(async () => api?.close());

describe('retention policy', () => {
  it('names the wrong field', async () => {
    const r = await call(alice, 'PUT', '/retention/policy', { policy: { default: { messages: { delete_after: 'ninety days' } } } });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ field: 'policy.default.messages.delete_after' });
  });

  it('refuses a first run that deletes more than the configured share, with the figures, and sets it with confirm; the PUT is audited with old and new policy', async () => {
    // The audit log is a family too: its entries so far (all recent, none expire) count as records.
    const [audit] = await api.store.query<{ n: string }>('test: audit entries', "SELECT count() AS n FROM audit_log WHERE tenant = 'acme'");
    const refused = await call(alice, 'PUT', '/retention/policy', { policy: TEST_POLICY });
    expect(refused.status).toBe(409);
    const gone = archive.records.filter((r) => r.tenant === 'acme' && r.fate !== 'kept').length;
    const stored = archive.records.filter((r) => r.tenant === 'acme').length + Number(audit!.n);
    const problem = (await refused.json()) as { would_delete: number; records: number; field: string };
    expect(problem.field).toBe('confirm');
    expect(problem.would_delete).toBe(gone);
    expect(problem.records).toBe(stored);
    expect((await (await call(alice, 'GET', '/retention/policy')).json()).version).toBe(0);
    const set = await call(alice, 'PUT', '/retention/policy', { policy: TEST_POLICY, confirm: true });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ version: 1, previous_version: 0, first_run: { records: gone } });
    const [entry] = await api.store.query<{ params: string }>('test: audit', "SELECT params FROM audit_log WHERE tenant = 'acme' AND action = 'retention.policy.set' AND status = 200");
    const params = JSON.parse(entry!.params) as { answer: { old_policy: unknown; new_policy: unknown; old_version: number } };
    expect(params.answer.old_policy).toEqual({ default: {}, rules: [] });
    expect(params.answer.new_policy).toEqual(TEST_POLICY);
  });

  it('/metrics shows the overdue records while no run has happened (a stopped retention), and no last success', async () => {
    const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
    const overdue = (family: string) => Number(new RegExp(`custos_retention_records_overdue\\{tenant="acme",family="${family}"\\} (\\d+)`).exec(text)?.[1]);
    const fate = (tables: string[]) => archive.records.filter((r) => r.tenant === 'acme' && tables.includes(r.table) && r.fate !== 'kept').length;
    expect(overdue('messages')).toBe(fate(['message_versions', 'message_deletions', 'reactions']));
    expect(overdue('calls')).toBe(fate(['calls']));
    expect(overdue('app_invocations')).toBe(fate(['app_invocations']));
    expect(text).not.toMatch(/custos_retention_last_success_timestamp_seconds\{tenant="acme"/);
  });
});

describe('legal holds', () => {
  let holdId: string;
  it('creates a hold (audited) and shows what it covers now', async () => {
    const r = await call(alice, 'POST', '/holds', { case_name: 'Acme v. Doe', reason: 'litigation', custodians: ['U-held'] });
    expect(r.status).toBe(201);
    holdId = ((await r.json()) as { id: string }).id;
    const shown = (await (await call(carol, 'GET', `/holds/${holdId}`)).json()) as { covers: { messages: number; calls: number }; state: string };
    expect(shown.state).toBe('active');
    expect(shown.covers.messages).toBe(new Set(archive.records.filter((x) => x.table === 'message_versions' && x.fate === 'held').map((x) => x.key)).size);
    expect(shown.covers.calls).toBe(1);
    const bad = await call(alice, 'POST', '/holds', { case_name: 'x', reason: 'y', from: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('from');
  });

  it('explains a record under each kind of rule and under a hold', async () => {
    const explain = async (path: string) => (await (await call(carol, 'GET', path)).json()) as { status: string; rule: { path: string } | null; principles: string[]; holds: Array<{ id: string }>; kept_until: string | null; forever: boolean; removal_expected_at: string | null };
    const dm = await explain('/messages/D1/m-dm/retention');
    expect(dm).toMatchObject({ status: 'removable', rule: { path: 'rules[0].messages' }, principles: ['shortest_delete'] });
    const explicit = await explain('/messages/C-explicit/m-explicit/retention');
    expect(explicit).toMatchObject({ status: 'kept', rule: { path: 'rules[1].messages' }, principles: ['explicit_beats_implicit'] });
    expect(Date.parse(explicit.kept_until!)).toBeGreaterThan(Date.now());
    const keep = await explain('/messages/C-keep/m-keep/retention');
    expect(keep).toMatchObject({ status: 'kept', rule: { path: 'rules[2].messages' }, principles: ['keep_beats_delete'] });
    const byDefault = await explain('/messages/C-chan/m-chan-60/retention');
    expect(byDefault).toMatchObject({ status: 'kept', rule: { path: 'default.messages' }, principles: [] });
    expect(Date.parse(byDefault.removal_expected_at!)).toBeGreaterThanOrEqual(Date.parse(byDefault.kept_until!));
    const held = await explain('/messages/C-chan/m-held/retention');
    expect(held).toMatchObject({ status: 'held', principles: ['hold'], holds: [{ id: holdId }], removal_expected_at: null });
    const heldCall = await explain('/calls/C-chan/K-held/retention');
    expect(heldCall).toMatchObject({ status: 'held', holds: [{ id: holdId }], rule: { path: 'default.calls' } });
    const adminOnly = await call(carol, 'GET', '/messages/C-chan/nope/retention');
    expect(adminOnly.status).toBe(404);
  });

  it('a dry run over the API reports the held records', async () => {
    const r = await call(alice, 'POST', '/retention/runs', { dry_run: true });
    expect(r.status).toBe(202);
    const { job_id } = (await r.json()) as { job_id: string };
    const runner = api.jobs.service as JobRunner;
    const done = await runner.run(await runner.get('acme', job_id));
    expect(done.state).toBe('done');
    const report = (done.result as { report: { holds: Record<string, { kept: Record<string, number> }> } }).report;
    expect(report.holds[holdId]!.kept.calls).toBe(2);
  });

  it('release needs a person with fresh MFA (RFC 9470), then is done and audited', async () => {
    const refused = await call(bob, 'POST', `/holds/${holdId}/release`, { reason: 'case closed' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/insufficient_user_authentication/);
    const ok = await call(alice, 'POST', `/holds/${holdId}/release`, { reason: 'case closed' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ state: 'released', release_reason: 'case closed' });
    expect((await call(alice, 'POST', `/holds/${holdId}/release`, { reason: 'again' })).status).toBe(409);
    const actions = await api.store.query<{ action: string; status: number }>('test: audit', "SELECT action, status FROM audit_log WHERE tenant = 'acme' AND action LIKE 'holds.%' ORDER BY seq");
    expect(actions.map((a) => `${a.action} ${a.status}`)).toEqual(expect.arrayContaining(['holds.create 201', 'holds.release 401', 'holds.release 200']));
    const after = (await (await call(carol, 'GET', '/messages/C-chan/m-held/retention')).json()) as { status: string; holds: unknown[] };
    expect(after).toMatchObject({ status: 'removable', holds: [] });
  });
});
