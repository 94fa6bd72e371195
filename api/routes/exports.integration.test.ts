/**
 * An eDiscovery export over the API as a compliance officer does it, against the
 * real OIDC provider and store: queueing needs a person with fresh MFA (RFC 9470),
 * bad parameters are a 400 naming the field, the job runs, the download carries its
 * SHA-256 (Repr-Digest), verifies offline against the tenant's published key, and
 * the audit entry records the package id and hash. An auditor sees jobs but cannot
 * download.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { knownArchive } from '../../test/helpers/known-archive.js';
import { validateEvent } from '../../common/events/validate.js';
import { toRow } from '../../common/events/rows.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import type { JobRunner } from '../../reports/jobs/job-runner.js';
import { verifyPackage } from '../../reports/packages/verify.js';

let api: TestApi;
const archive = knownArchive('acme', 20);
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

beforeAll(async () => {
  api = await startTestApi('exports-api', { oidc: true });
  await createEventWriter(api.store).write(archive.events.map((e) => {
    const v = validateEvent(e);
    if (!v.ok) throw new Error(v.detail);
    return toRow(v, 'test');
  }));
});
afterAll(async () => api?.close());

describe('POST /v1/tenants/{tenant}/exports', () => {
  const post = (token: string, body: unknown) => fetch(`${api.baseUrl}/v1/tenants/acme/exports`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('needs a person with fresh MFA, and names the wrong field', async () => {
    const bob = (await api.idp!.accessTokenFor('bob')).access_token;
    const refused = await post(bob, { formats: ['jsonl'] });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/insufficient_user_authentication/);
    const alice = (await api.idp!.accessTokenFor('alice')).access_token;
    const bad = await post(alice, { from: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'from', detail: expect.stringContaining('RFC 3339') });
    const unknown = await post(alice, { formats: ['jsonl'], colour: 'red' });
    expect(unknown.status).toBe(400);
  });

  it('queues, runs, and serves a package whose bytes match its digest, verifiable with the published key, audited with its hash', async () => {
    const alice = (await api.idp!.accessTokenFor('alice')).access_token;
    const queued = await post(alice, { custodians: ['U2'], formats: ['jsonl', 'rsmf'] });
    expect(queued.status).toBe(202);
    const job = (await queued.json()) as { id: string; state: string; params: Record<string, unknown> };
    expect(job).toMatchObject({ state: 'queued', params: { custodians: ['U2'], formats: ['jsonl', 'rsmf'], include_deleted: true } });

    const runner = api.jobs.service as JobRunner;
    await runner.run(await runner.get('acme', job.id));
    const shown = await (await fetch(`${api.baseUrl}/v1/tenants/acme/jobs/${job.id}`, { headers: bearer(alice) })).json() as { state: string; result: { messages: number; merkle_root: string; signing_key_id: string }; files: Array<{ name: string; sha256: string; href: string }> };
    expect(shown).toMatchObject({ state: 'done', result: { messages: archive.messages.filter((m) => m.author_id === 'U2').length } });
    expect(shown.result).not.toHaveProperty('bag');
    const [file] = shown.files;
    expect(file!.name).toBe(`${job.id}.zip`);

    const download = await fetch(`${api.baseUrl}${file!.href}`, { headers: bearer(alice) });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    const bytes = Buffer.from(await download.arrayBuffer());
    const sha = createHash('sha256').update(bytes).digest();
    expect(sha.toString('hex')).toBe(file!.sha256);
    expect(download.headers.get('repr-digest')).toBe(`sha-256=:${sha.toString('base64')}:`);

    const keys = await (await fetch(`${api.baseUrl}/v1/tenants/acme/signing-keys`, { headers: bearer(alice) })).json() as { items: Array<{ key_id: string; public_key_pem: string }> };
    expect(keys.items[0]!.key_id).toBe(shown.result.signing_key_id);
    const zip = join(api.dataDir, 'downloaded.zip');
    writeFileSync(zip, bytes);
    expect(await verifyPackage(zip, { publicKey: keys.items[0]!.public_key_pem })).toMatchObject({ ok: true, merkleRoot: shown.result.merkle_root });

    const audit = await api.store.query<{ action: string; params: string; outcome: string }>('test: audit', `SELECT action, params, outcome FROM audit_log WHERE tenant = 'acme' AND action IN ('jobs.download', 'exports.create', 'jobs:done') ORDER BY seq`);
    const download_ = audit.find((a) => a.action === 'jobs.download')!;
    expect(JSON.parse(download_.params)).toMatchObject({ answer: { package_id: job.id, sha256: file!.sha256 } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['exports.create', 'jobs:done', 'jobs.download']));
  });

  it('lets an auditor see jobs but not download them, and a manager neither', async () => {
    const carol = (await api.idp!.accessTokenFor('carol')).access_token;
    const list = await fetch(`${api.baseUrl}/v1/tenants/acme/jobs`, { headers: bearer(carol) });
    expect(list.status).toBe(200);
    const items = ((await list.json()) as { items: Array<{ id: string; files: Array<{ href: string }> }> }).items;
    const done = items.find((j) => j.files.length > 0)!;
    expect((await fetch(`${api.baseUrl}${done.files[0]!.href}`, { headers: bearer(carol) })).status).toBe(403);
    const manager = await api.createToken('acme', 'manager');
    expect((await fetch(`${api.baseUrl}/v1/tenants/acme/jobs`, { headers: bearer(manager) })).status).toBe(403);
  });
});
