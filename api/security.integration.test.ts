/**
 * The pipeline's guards with the real app and store: injection and traversal in
 * tenant ids, cursors and filters get a 4xx and change nothing; body size and rate
 * limits; security headers and no CORS; audit search as auditors use it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../common/audit/index.js';
import { startTestApi, type TestApi } from '../test/helpers/api.js';

let api: TestApi;
let auditor: string;
let admin: string;
let officer: string;

beforeAll(async () => {
  api = await startTestApi('security', { env: { CUSTOS_RATE_LIMIT_PER_MIN: '120', CUSTOS_MAX_BODY_BYTES: '2048' } });
  auditor = await api.createToken('acme', 'auditor');
  admin = await api.createToken('acme', 'admin');
  officer = await api.createToken('acme', 'compliance_officer');
});
afterAll(async () => {
  await api?.close();
});

const get = (path: string, token: string, init: RequestInit = {}) =>
  fetch(`${api.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

async function snapshot(): Promise<{ tokens: string; tables: string }> {
  const [t] = await api.store.query<{ n: string; h: string }>('test: tokens', 'SELECT count() AS n, groupBitXor(cityHash64(token_id, revoked_at, version)) AS h FROM api_tokens');
  const tables = await api.store.query<{ name: string }>('test: tables', 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name');
  return { tokens: JSON.stringify(t), tables: tables.map((x) => x.name).join(',') };
}

describe('injection and traversal', () => {
  it('answers 4xx problem+json to hostile tenant ids, cursors and filters, and changes nothing', async () => {
    const before = await snapshot();
    const hostileTenants = ["acme' OR '1'='1", 'acme%27%20OR%201%3D1--', '..%2Fglobex', '..', '%2e%2e', 'acme%00', 'acme;DROP TABLE audit_log', 'a'.repeat(65), '__proto__', 'constructor', '%C3%A9cole', 'acme%0d%0aX-Injected:1'];
    const paths: string[] = [];
    for (const t of hostileTenants) paths.push(`/v1/tenants/${t}/audit`, `/v1/tenants/${t}/archive/stats`, `/v1/tenants/${t}/tokens`);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const cursor of ["1' OR 1=1--", b64({ v: 1, before: '1 OR 1=1' }), b64({ v: 1, before: -5 }), b64({ v: 2, before: 5 }), '../../etc/passwd', 'A'.repeat(300), '%00']) {
      paths.push(`/v1/tenants/acme/audit?cursor=${encodeURIComponent(cursor)}`);
    }
    paths.push(
      `/v1/tenants/acme/audit?action=${encodeURIComponent("x' OR 1=1--")}`,
      `/v1/tenants/acme/audit?subject_ref=${encodeURIComponent("sr_' UNION SELECT * FROM api_tokens--")}`,
      '/v1/tenants/acme/audit?outcome=success%27',
      '/v1/tenants/acme/audit?from=yesterday',
      '/v1/tenants/acme/audit?to=2026-02-30T00:00:00Z',
      '/v1/tenants/acme/audit?limit=1000000',
      '/v1/tenants/acme/audit?limit=-1',
      '/v1/tenants/acme/audit?action=a&action=b',
      '/v1/tenants/acme/audit?unknown=1',
    );
    for (const path of paths) {
      const res = await get(path, path.includes('/tokens') ? admin : auditor);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers.get('content-type'), path).toMatch(/application\/problem\+json/);
      const text = await res.text();
      expect(text, path).not.toMatch(/SELECT|FROM audit_log|Code: \d+|at .*\.(ts|js):\d+/);
    }
    const named = (await (await get('/v1/tenants/acme/audit?cursor=abc', auditor)).json()) as { field: string };
    expect(named.field).toBe('cursor');
    const limit = (await (await get('/v1/tenants/acme/audit?limit=1000000', auditor)).json()) as { field: string };
    expect(limit.field).toBe('limit');

    for (const id of ['..%2F..%2Fx', "abc'%20OR%201=1", 'aaaaaaaaaaaaaaaa%27']) {
      const res = await get(`/v1/tenants/acme/tokens/${id}/revoke`, admin, { method: 'POST' });
      expect(res.status, id).toBeGreaterThanOrEqual(400);
      expect(res.status, id).toBeLessThan(500);
    }
    expect(await snapshot()).toEqual(before);
    expect((await verifyAuditChain(api.store, 'acme')).ok).toBe(true);
  });

  it('refuses malformed Authorization headers and unknown tokens', async () => {
    for (const h of ['Basic YTpi', 'Bearer', 'Bearer cst_x', `Bearer ${admin}x`, `Bearer ${admin.slice(0, -1)}${admin.endsWith('A') ? 'B' : 'A'}`, "Bearer ' OR 1=1--"]) {
      const res = await fetch(`${api.baseUrl}/v1/tenants/acme/archive/stats`, { headers: { authorization: h } });
      expect(res.status, h).toBe(401);
      expect(res.headers.get('www-authenticate'), h).toMatch(/^Bearer/);
    }
  });
});

describe('API tokens over the API', () => {
  it('lists tokens without secrets and revokes one so it stops working at once', async () => {
    const victim = await api.createToken('acme', 'manager', 'to revoke');
    expect((await get('/v1/tenants/acme/archive/stats', victim)).status).toBe(200);
    const list = (await (await get('/v1/tenants/acme/tokens', admin)).json()) as { items: Array<{ id: string; name: string; revoked_at: string | null }>; total: number };
    expect(JSON.stringify(list)).not.toMatch(/cst_|secret|sha256/);
    const entry = list.items.find((t) => t.name === 'to revoke')!;
    const revoked = await get(`/v1/tenants/acme/tokens/${entry.id}/revoke`, admin, { method: 'POST' });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revoked_at: string | null }).revoked_at).not.toBeNull();
    expect((await get('/v1/tenants/acme/archive/stats', victim)).status).toBe(401);
    // A token of another tenant cannot be revoked from this one.
    const foreign = await api.createToken('globex', 'admin', 'foreign');
    const foreignId = foreign.split('_')[1]!;
    expect((await get(`/v1/tenants/acme/tokens/${foreignId}/revoke`, admin, { method: 'POST' })).status).toBe(404);
    expect((await get('/v1/tenants/globex/archive/stats', foreign)).status).toBe(200);
  });
});

describe('abuse limits and headers', () => {
  it('limits the body size (413 problem+json)', async () => {
    const res = await fetch(`${api.baseUrl}/v1/tenants/acme/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(5000), role: 'service' }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('sends security headers, no CORS headers, and problem+json for unknown paths', async () => {
    const res = await get('/v1/tenants/acme/archive/stats', officer, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const pre = await fetch(`${api.baseUrl}/v1/tenants/acme/archive/stats`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const missing = await fetch(`${api.baseUrl}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(`${api.baseUrl}/healthz`)).status).toBe(200);
  });

  it('rate-limits per principal (429 problem+json), not per IP', async () => {
    const noisy = await api.createToken('acme', 'manager', 'noisy');
    let limited: Response | undefined;
    for (let i = 0; i < 125 && !limited; i++) {
      const res = await get('/v1/tenants/acme/archive/stats', noisy);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(limited).toBeDefined();
    expect(limited!.headers.get('content-type')).toMatch(/problem\+json/);
    // Retry-After is the real wait: the `reset` of the RateLimit header, not the window length.
    const reset = Number(/reset=(\d+)/.exec(limited!.headers.get('ratelimit') ?? '')?.[1]);
    expect(Number(limited!.headers.get('retry-after'))).toBe(reset);
    expect(reset).toBeLessThanOrEqual(60);
    expect((await limited!.json()) as { type: string }).toMatchObject({ type: 'https://custos.dev/problems/rate-limited' });
    // Another principal from the same address is not affected.
    expect((await get('/v1/tenants/acme/archive/stats', officer)).status).toBe(200);
  });
});

describe('audit search', () => {
  it('lets an auditor search by action, outcome and subject, newest first, with an exact total and a cursor', async () => {
    const all = (await (await get('/v1/tenants/acme/audit?limit=200', auditor)).json()) as { items: Array<Record<string, unknown>>; total: number };
    expect(all.total).toBeGreaterThan(10);
    const seqs = all.items.map((i) => i.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const statsEntry = all.items.find((i) => i.action === 'archive.stats')!;
    expect(statsEntry).toMatchObject({ method: 'GET', route: '/v1/tenants/:tenant/archive/stats', auth_method: 'api_token', subject_kind: 'api_token', ip: expect.stringMatching(/127\.0\.0\.1/) });
    expect(JSON.stringify(all.items)).not.toMatch(/cst_[a-z0-9]{16}_/); // no token secret ever lands in the log
    expect(statsEntry.subject).toMatch(/^token:[a-z0-9]{16}$/);
    expect(typeof statsEntry.subject_name).toBe('string');

    const denied = (await (await get('/v1/tenants/acme/audit?outcome=invalid&limit=5', auditor)).json()) as { items: Array<{ outcome: string }>; total: number; next_cursor: string | null };
    expect(denied.total).toBeGreaterThan(5);
    expect(denied.items.every((i) => i.outcome === 'invalid')).toBe(true);
    const page2 = (await (await get(`/v1/tenants/acme/audit?outcome=invalid&limit=5&cursor=${denied.next_cursor}`, auditor)).json()) as { items: Array<{ seq: number }>; total: number };
    expect(page2.total).toBe(denied.total);
    expect(page2.items[0]!.seq).toBeLessThan((denied.items.at(-1) as unknown as { seq: number }).seq);

    const ref = statsEntry.subject_ref as string;
    const bySubject = (await (await get(`/v1/tenants/acme/audit?subject_ref=${ref}&action=archive.stats&limit=200`, auditor)).json()) as { items: Array<{ subject_ref: string }>; total: number };
    expect(bySubject.total).toBe(bySubject.items.length);
    expect(bySubject.items.every((i) => i.subject_ref === ref)).toBe(true);

    const future = (await (await get('/v1/tenants/acme/audit?from=2100-01-01T00:00:00Z', auditor)).json()) as { total: number; next_cursor: null };
    expect(future).toMatchObject({ total: 0, next_cursor: null });

    const verify = (await (await get('/v1/tenants/acme/audit/verify', auditor)).json()) as { ok: boolean; entries: number };
    expect(verify.ok).toBe(true);
    expect(verify.entries).toBeGreaterThan(all.total - 1);

    // Erasing the person behind a pseudonym removes the name, not the entries, and the chain still verifies.
    await api.store.command('test: erase subject', 'ALTER TABLE audit_subjects DELETE WHERE subject_ref = {ref:String}', { ref }, { mutations_sync: '2' } as never);
    const erased = (await (await get(`/v1/tenants/acme/audit?subject_ref=${ref}&action=archive.stats&limit=200`, auditor)).json()) as { items: Array<{ subject: string | null; subject_name: string | null }>; total: number };
    expect(erased.total).toBe(bySubject.total);
    expect(erased.items.every((i) => i.subject === null && i.subject_name === null)).toBe(true);
    expect(((await (await get('/v1/tenants/acme/audit/verify', auditor)).json()) as { ok: boolean }).ok).toBe(true);
  });

  it('pages oldest first when asked, every entry once across pages, and refuses a cursor of the other order', async () => {
    type Page = { items: Array<{ seq: number }>; total: number; next_cursor: string | null };
    const newest = (await (await get('/v1/tenants/acme/audit?outcome=invalid&limit=200', auditor)).json()) as Page;
    const seen: number[] = [];
    let cursor: string | null = null;
    let total = -1;
    do {
      const page: Page = (await (await get(`/v1/tenants/acme/audit?outcome=invalid&order=oldest&limit=3${cursor ? `&cursor=${cursor}` : ''}`, auditor)).json()) as Page;
      total = page.total;
      seen.push(...page.items.map((i) => i.seq));
      cursor = page.next_cursor;
    } while (cursor);
    // Entries this search writes (outcome success) do not change the invalid ones being paged.
    expect(total).toBe(newest.total);
    expect(seen).toEqual(newest.items.map((i) => i.seq).reverse());

    const first = (await (await get('/v1/tenants/acme/audit?outcome=invalid&limit=2', auditor)).json()) as Page;
    const wrong = await get(`/v1/tenants/acme/audit?outcome=invalid&order=oldest&limit=2&cursor=${first.next_cursor}`, auditor);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { field: string }).field).toBe('cursor');
    const bad = await get('/v1/tenants/acme/audit?order=random', auditor);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('order');
  });
});
