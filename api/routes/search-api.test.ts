/**
 * The search/read API through HTTP: the real app (auth, Casbin, audit) over a real
 * embedded store filled through ingest, called with a Custos API token on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { openTestStore, testConfig, type TestStore } from '../../test/helpers/store.js';
import { createLogger } from '../../common/logger.js';
import { buildSecurity, createApp } from '../app.js';
import { apiRoutes } from './index.js';
import { FIXTURE_TENANT, countAllRows, loadFixture } from '../../test/helpers/search-fixture.js';
import { messageDetailResponse, messageSearchResponse } from '../schemas/messages.js';
import { adminEventSearchResponse } from '../schemas/admin-events.js';
import { conversationDetailResponse, conversationListResponse, userDetailResponse, userListResponse } from '../schemas/directory.js';
import { toOpenApiPath } from '../openapi.js';

let ts: TestStore;
let server: Server;
let base: string;
let officer: string;
let auditor: string;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ts = await openTestStore('search-api');
  await loadFixture(ts.store);
  const config = testConfig(ts.dataDir, { CUSTOS_RATE_LIMIT_PER_MIN: '100000' });
  const security = await buildSecurity({ config, store: ts.store, publicUrl: 'http://127.0.0.1' });
  officer = (await security.tokens.create({ tenant: FIXTURE_TENANT, role: 'compliance_officer', name: 'search test', createdBy: 'test' })).secret;
  auditor = (await security.tokens.create({ tenant: FIXTURE_TENANT, role: 'auditor', name: 'search test auditor', createdBy: 'test' })).secret;
  app = createApp({ store: ts.store, registry: new Registry(), log: createLogger('silent'), security, routes: apiRoutes({ store: ts.store, cursorSecret: 'test-cursor-key' }) });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (server) await new Promise((r) => server.close(r));
  await ts?.close();
});

async function get(path: string, token = officer): Promise<{ status: number; type: string; body: any; text: string }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body, text };
}

const M = `/v1/tenants/${FIXTURE_TENANT}/messages`;

describe('GET /messages', () => {
  it('searches words and answers items, exact total and next_cursor, in the documented shape', async () => {
    const r = await get(`${M}?q=budget&match=any`);
    expect(r.status).toBe(200);
    expect(messageSearchResponse.parse(r.body)).toBeTruthy();
    expect(r.body.total).toBe(2);
    expect(r.body.items.map((i: any) => i.message_id)).toEqual(['m2', 'm1']);
    expect(r.body.items[1].text).toBe('The final budget for Q3 is ready');
    expect(r.body.next_cursor).toBeNull();
  });

  it('pages with the cursor across equal timestamps without gaps or repeats', async () => {
    const all = (await get(`${M}?limit=200`)).body;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await get(`${M}?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(all.total);
      seen.push(...r.body.items.map((i: any) => `${i.conversation_id}/${i.message_id}`));
      cursor = r.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i: any) => `${i.conversation_id}/${i.message_id}`));
    expect(new Set(seen).size).toBe(all.total);
  });

  it('pages oldest first when asked: the exact reverse of newest first, for filters, an author and words, and a cursor pages only its order', async () => {
    const keys = (items: any[]) => items.map((i: any) => `${i.conversation_id}/${i.message_id}`);
    for (const filter of ['', '&author=U1', '&q=budget%20OR%20final%20OR%20the']) {
      const newest = (await get(`${M}?limit=200${filter}`)).body;
      expect(newest.total, filter).toBeGreaterThan(1);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await get(`${M}?order=oldest&limit=2${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status, filter).toBe(200);
        expect(r.body.total, filter).toBe(newest.total);
        seen.push(...keys(r.body.items));
        cursor = r.body.next_cursor;
      } while (cursor);
      expect(seen, filter).toEqual(keys(newest.items).reverse());
    }
    const first = (await get(`${M}?limit=2`)).body.next_cursor as string;
    const crossed = await get(`${M}?order=oldest&limit=2&cursor=${encodeURIComponent(first)}`);
    expect([crossed.status, crossed.body.field]).toEqual([400, 'cursor']);
    expect((await get(`${M}?order=sideways`)).body.field).toBe('order');
  });

  it('refuses a tampered, foreign or forged cursor with a 400 naming cursor', async () => {
    const first = (await get(`${M}?limit=2`)).body.next_cursor as string;
    const [payload, sig] = first.split('.') as [string, string];
    const forgedPayload = Buffer.from(JSON.stringify({ v: 1, f: 'x'.repeat(16), t: '2099-01-01 00:00:00.000', k: ["' OR 1=1 --", 'x'] })).toString('base64url');
    const flipped = payload.slice(0, -2) + (payload.at(-2) === 'A' ? 'B' : 'A') + payload.at(-1);
    for (const bad of [`${flipped}.${sig}`, `${forgedPayload}.${sig}`, 'abc', `${payload}.`, `${payload}.${sig}x`, 'x'.repeat(5000), '../../etc/passwd']) {
      const r = await get(`${M}?limit=2&cursor=${encodeURIComponent(bad)}`);
      expect(r.status, bad.slice(0, 40)).toBe(400);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.field).toBe('cursor');
    }
    const otherFilters = await get(`${M}?limit=2&author=U1&cursor=${encodeURIComponent(first)}`);
    expect([otherFilters.status, otherFilters.body.field]).toEqual([400, 'cursor']);
    const sameFiltersOtherLimit = await get(`${M}?limit=5&cursor=${encodeURIComponent(first)}`);
    expect(sameFiltersOtherLimit.status).toBe(200);
  });

  it('validates every parameter: 400 problem+json naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['limt=5', 'limt'], ['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=abc', 'limit'], ['limit=1e2', 'limit'], ['limit=5&limit=6', 'limit'],
      ['from=yesterday', 'from'], ['from=2026-02-30T00:00:00Z', 'from'], ['to=2026-11-01T00:00:00', 'to'],
      ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'to'], ['match=fuzzy', 'match'], ['include_deleted=yes', 'include_deleted'],
      ['conversation_type=public', 'conversation_type'], ['has_attachments=1', 'has_attachments'], ['q=%21%21%21', 'q'], ['q=' + 'a'.repeat(1001), 'q'],
      ['author=', 'author'], ['author=' + 'u'.repeat(513), 'author'], ['author=U1%00x', 'author'], ['tenant=globex', 'tenant'],
    ];
    for (const [qs, field] of cases) {
      const r = await get(`${M}?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.type, qs).toContain('application/problem+json');
      expect(r.body.field, qs).toBe(field);
    }
  });

  it('filters make a difference through HTTP too', async () => {
    const q = async (qs: string) => (await get(`${M}?${qs}`)).body.total;
    expect(await q('')).toBe(12);
    expect(await q('include_deleted=false')).toBe(11);
    expect(await q('author=U1')).toBe(2);
    expect(await q('conversation=C2')).toBe(5);
    expect(await q('conversation_type=dm')).toBe(1);
    expect(await q('thread=m2')).toBe(3);
    expect(await q('from=2026-10-02T10:00:00%2B00:00&to=2026-10-03T10:00:00Z')).toBe(3);
    expect(await q('has_mentions=true')).toBe(2);
    expect(await q('mentions=U2')).toBe(1);
    expect(await q('has_attachments=true')).toBe(1);
    expect(await q('q=release+plan&match=phrase')).toBe(1);
    expect(await q('q=release+plan&match=all')).toBe(2);
  });
});

describe('injection and traversal attempts', () => {
  const evil = ["' OR 1=1 --", '\'); DROP TABLE message_versions; --', '{tenant:String}', '../../../etc/passwd', '..%2F..%2F', 'globex', '*', '%', "\\'", '"', 'x'.repeat(10000), 'x'.repeat(20000)];
  it('in every query parameter: a 4xx or an empty answer, never a 5xx, no SQL or stack, and nothing changes', async () => {
    const before = await countAllRows(ts.store);
    const params = ['q', 'author', 'conversation', 'thread', 'mentions', 'conversation_type', 'match', 'from', 'to', 'limit', 'cursor', 'include_deleted', 'has_mentions', 'has_attachments'];
    for (const p of params) {
      for (const v of evil) {
        const r = await get(`${M}?${p}=${encodeURIComponent(v)}`);
        expect(r.status, `${p}=${v.slice(0, 30)}`).toBeLessThan(500);
        if (r.status === 200) expect(r.body.total, `${p}=${v.slice(0, 30)}`).toBe(0);
        // Node refuses a request line over 16 KB itself (431, no body); anything shorter reaches validation.
        else if (r.status === 431) expect(v.length).toBeGreaterThan(16000);
        else expect([r.status, r.body.field], `${p}=${v.slice(0, 30)}`).toEqual([400, p]);
        expect(r.text).not.toMatch(/SELECT|DB::Exception|Code: \d+|\bat .+\.js:\d+/);
      }
    }
    for (const v of evil) {
      for (const path of [`/v1/tenants/${encodeURIComponent(v)}/messages`, `/v1/tenants/acme/conversations/${encodeURIComponent(v)}/messages/m1`, `/v1/tenants/acme/conversations/C1/messages/${encodeURIComponent(v)}`,
        `/v1/tenants/acme/users/${encodeURIComponent(v)}`, `/v1/tenants/acme/conversations/${encodeURIComponent(v)}`, `/v1/tenants/acme/admin-events?type=${encodeURIComponent(v)}`, `/v1/tenants/acme/admin-events?user=${encodeURIComponent(v)}`]) {
        const r = await get(path);
        expect(r.status, path.slice(0, 80)).toBeLessThan(500);
        expect([200, 400, 404, 414, 431], path.slice(0, 80)).toContain(r.status);
        if (r.status === 200) expect(r.body.total, path.slice(0, 80)).toBe(0);
        expect(r.text).not.toMatch(/SELECT|DB::Exception|Code: \d+|\bat .+\.js:\d+/);
      }
    }
    expect(await countAllRows(ts.store)).toBe(before);
  });

  it('another tenant is not visible, whatever the path says', async () => {
    for (const path of ['/v1/tenants/globex/messages', '/v1/tenants/globex/conversations/C1/messages/m1', '/v1/tenants/globex/users']) {
      const r = await get(path);
      expect(r.status).toBe(404);
      expect(r.body.field).toBe('tenant');
    }
  });
});

describe('message detail, directory, admin events', () => {
  it('GET one message with versions, deletion, reactions and thread; 404 when absent', async () => {
    const r = await get(`/v1/tenants/acme/conversations/C2/messages/m3`);
    expect(r.status).toBe(200);
    const d = messageDetailResponse.parse(r.body);
    expect(d.thread?.messages.map((m) => m.message_id)).toEqual(['m2', 'm3', 'm4']);
    const m1 = messageDetailResponse.parse((await get(`/v1/tenants/acme/conversations/C1/messages/m1`)).body);
    expect([m1.versions.length, m1.reactions.current.length, m1.reactions.history.length]).toEqual([2, 1, 3]);
    const m5 = messageDetailResponse.parse((await get(`/v1/tenants/acme/conversations/D1/messages/m5`)).body);
    expect(m5.message.deleted?.deleted_by).toBe('U3');
    const missing = await get(`/v1/tenants/acme/conversations/C1/messages/nope`);
    expect([missing.status, missing.type.includes('problem+json')]).toEqual([404, true]);
  });

  it('conversations and users, lists and details, in the documented shapes', async () => {
    const cl = conversationListResponse.parse((await get('/v1/tenants/acme/conversations?limit=1')).body);
    expect([cl.total, cl.items[0]!.conversation_id, cl.next_cursor !== null]).toEqual([2, 'C1', true]);
    const cl2 = conversationListResponse.parse((await get(`/v1/tenants/acme/conversations?limit=1&cursor=${encodeURIComponent(cl.next_cursor!)}`)).body);
    expect([cl2.items[0]!.conversation_id, cl2.next_cursor]).toEqual(['C2', null]);
    const c1 = conversationDetailResponse.parse((await get('/v1/tenants/acme/conversations/C1')).body);
    expect(c1.membership_history).toHaveLength(3);
    const ul = userListResponse.parse((await get('/v1/tenants/acme/users?active=true')).body);
    expect(ul.items.map((u) => u.user_id)).toEqual(['U1']);
    const u1 = userDetailResponse.parse((await get('/v1/tenants/acme/users/U1')).body);
    expect(u1.conversations.map((c) => c.conversation_id)).toEqual(['C1']);
    expect((await get('/v1/tenants/acme/users/U404')).status).toBe(404);
  });

  it('admin events by type, user and time, and an auditor may read them but not messages', async () => {
    const r = adminEventSearchResponse.parse((await get('/v1/tenants/acme/admin-events?type=auth.login,auth.failed', auditor)).body);
    expect(r.items.map((e) => e.event_id)).toEqual(['a-login2', 'a-login1']);
    const bad = await get('/v1/tenants/acme/admin-events?type=auth.logn');
    expect([bad.status, bad.body.field]).toEqual([400, 'type']);
    expect((await get(`${M}?q=budget`, auditor)).status).toBe(403);
  });
});

describe('OpenAPI document', () => {
  it('lists every Express route and every documented operation is routed (both ways)', async () => {
    const doc = (await get('/openapi.json', '')).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${path}`);
    const routed = new Set<string>();
    const stack = (app as unknown as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }> } }).router.stack;
    const walk = (layers: typeof stack) => {
      for (const l of layers) {
        // The web UI's own files (/ui, /ui/assets/..., its client-side routes) are not API operations; `/` is documented.
        const uiFile = l.route && (typeof l.route.path !== 'string' || l.route.path.startsWith('/ui'));
        if (l.route && !uiFile) for (const m of Object.keys(l.route.methods)) if (m !== '_all') routed.add(`${m.toUpperCase()} ${toOpenApiPath(l.route.path)}`);
        if (l.handle?.stack) walk(l.handle.stack as typeof stack);
      }
    };
    walk(stack);
    expect([...routed].sort()).toEqual([...documented].sort());
    const search = doc.paths['/v1/tenants/{tenant}/messages'].get;
    expect(search.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['tenant', 'q', 'match', 'author', 'from', 'to', 'limit', 'cursor']));
    expect(search.responses['400'].content['application/problem+json']).toBeTruthy();
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerAuth', 'sessionCookie']);
  });
});
