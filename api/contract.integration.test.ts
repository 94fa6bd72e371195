/**
 * The answers the external fuzzing found wrong (issue 7), each against the real app
 * and store: Node's own parser answers, the document as strict as the server (the
 * same sample values accepted or refused by both), 405/415/problem types, invalid
 * UTF-8 in queries, cut parameter names, and audit entries that say what happened.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EVENT_TYPES } from '../common/events/schemas.js';
import { MAX_HEADER_BYTES } from './http-server.js';
import { startTestApi, type TestApi } from '../test/helpers/api.js';
import { FIXTURE_TENANT, loadFixture } from '../test/helpers/search-fixture.js';

type Doc = { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: Record<string, unknown>; style?: string; explode?: boolean }>; responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }> }>> };

let api: TestApi;
let officer: string;
let auditor: string;
let admin: string;
let doc: Doc;

beforeAll(async () => {
  api = await startTestApi('contract', { env: { CUSTOS_RATE_LIMIT_PER_MIN: '100000' } });
  await loadFixture(api.store);
  officer = await api.createToken(FIXTURE_TENANT, 'compliance_officer');
  auditor = await api.createToken(FIXTURE_TENANT, 'auditor');
  admin = await api.createToken(FIXTURE_TENANT, 'admin');
  doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as Doc;
});
afterAll(async () => {
  await api?.close();
});

const call = (path: string, token = officer, init: RequestInit = {}) =>
  fetch(`${api.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

async function problemOf(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as Record<string, unknown>;
}

/** What a raw request gets back, for requests fetch would not send. */
function rawRequest(text: string): Promise<string> {
  const url = new URL(api.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

const M = `/v1/tenants/${FIXTURE_TENANT}/messages`;

describe("answers Node's HTTP parser gives before Express", () => {
  it('answers a URL over the header bound (64 KiB) with 431 problem+json and the security headers, as documented', async () => {
    const res = await call(`${M}?q=${'a'.repeat(MAX_HEADER_BYTES + 1)}`);
    expect(res.status).toBe(431);
    const p = await problemOf(res);
    expect(p).toMatchObject({ status: 431, type: 'https://custos.dev/problems/header-too-large', title: 'Request header fields too large' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(doc.paths['/v1/tenants/{tenant}/messages']!.get!.responses['431']).toBeDefined();
    expect(doc.paths['/healthz']!.get!.responses['431']).toBeDefined();
  });

  it('answers a request that is not HTTP with 400 problem+json', async () => {
    const raw = await rawRequest('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(raw).toMatch(/x-frame-options: DENY/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, type: 'https://custos.dev/problems/malformed-request' });
  });
});

describe('the document is as strict as the server', () => {
  /** For each value: the document's pattern and the server agree on whether it is acceptable. */
  async function agree(path: string, param: string, values: string[], token = officer): Promise<void> {
    const op = doc.paths[`/v1/tenants/{tenant}/${path}`]!.get!;
    const schema = op.parameters!.find((p) => p.name === param)!.schema as { pattern?: string; minLength?: number; maxLength?: number };
    expect(schema.pattern, `${path} ${param} has a pattern`).toBeTruthy();
    const pattern = new RegExp(schema.pattern!, 'u');
    for (const v of values) {
      const res = await call(`/v1/tenants/${FIXTURE_TENANT}/${path}?${param}=${encodeURIComponent(v)}`, token);
      const body = (await res.json()) as { field?: string };
      const refused = res.status === 400 && body.field === param;
      const length = [...v].length;
      const documented = pattern.test(v) && length >= (schema.minLength ?? 0) && length <= (schema.maxLength ?? Infinity);
      expect({ v, documented }).toEqual({ v, documented: !refused });
    }
  }

  it('limit: 1..200 in the document as on the server', async () => {
    await agree('messages', 'limit', ['1', '9', '10', '99', '100', '199', '200', '201', '0', '00', '01', '050', '999999', '1e2', '-1', '+5', ' 5', '2000', '1.0']);
    await agree('audit', 'limit', ['1', '200', '201', '0', '007', '999'], auditor);
  });

  it('from/to: the instants the server takes, years 1970-2199, real dates only', async () => {
    const instants = [
      '2026-11-24T10:15:00Z', '2026-11-24t10:15:00z', '2026-11-24T10:15:00.123456+01:00', '2024-02-29T00:00:00Z', '2000-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z', '2026-02-29T00:00:00Z', '2026-02-30T00:00:00Z', '2026-04-31T00:00:00Z', '2026-11-24T24:00:00Z', '2026-11-24T23:59:60Z',
      '2026-11-24T10:15:00', '2026-11-24 10:15:00Z', '2026-11-24T10:15:00+24:00', '2026-11-24T10:15:00-23:59', '1969-12-31T23:59:59Z',
      '1970-01-01T00:00:00+05:00', '2199-12-31T23:59:59Z', '2200-01-01T00:00:00Z', '2026-13-01T00:00:00Z', 'yesterday',
    ];
    await agree('messages', 'from', instants);
    await agree('admin-events', 'to', instants);
    await agree('audit', 'from', instants, auditor);
  });

  it('q: 1..1000 code points with a letter or digit, as documented; the grammar is the parser\'s (docs/search.md) and its errors carry a position', async () => {
    await agree('messages', 'q', ['budget', '!!budget!!', '...', '', ' ', 'é', 'a'.repeat(1000), 'a'.repeat(1001), 'é'.repeat(1000), 'é'.repeat(1001), Array(32).fill('w').join(' '), 'from:U1 budg*']);
    // Past the pattern, the grammar decides: 33 words, a lone emoji, an open quote.
    for (const v of [Array(33).fill('w').join(' '), '😀'.repeat(3), 'é "open']) {
      const res = await call(`${M}?q=${encodeURIComponent(v)}`);
      expect(res.status).toBe(400);
      expect(await problemOf(res)).toMatchObject({ type: 'https://custos.dev/problems/invalid-query', field: 'q', position: expect.any(Number) });
    }
  });

  it('ids and department: 1..512 (1024) characters without control characters, in code points', async () => {
    await agree('messages', 'author', ['U1', '', 'a'.repeat(512), 'a'.repeat(513), '😀'.repeat(512), '😀'.repeat(513), 'a\tb', "' OR 1=1 --"]);
    await agree('users', 'department', ['Finance', '', 'x'.repeat(1024), 'x'.repeat(1025), '😀'.repeat(1024), 'a\nb']);
  });

  it('admin-events type: an array of the admin event types, comma-separated (style form, explode false)', async () => {
    const type = doc.paths['/v1/tenants/{tenant}/admin-events']!.get!.parameters!.find((p) => p.name === 'type')!;
    expect(type).toMatchObject({ style: 'form', explode: false, schema: { type: 'array', items: { enum: ADMIN_EVENT_TYPES }, minItems: 1, uniqueItems: true } });
    const status = async (v: string) => (await call(`/v1/tenants/${FIXTURE_TENANT}/admin-events?type=${v}`)).status;
    expect(await status('auth.login,auth.failed')).toBe(200);
    expect(await status('auth.login,auth.login')).toBe(400);
    expect(await status('auth.logn')).toBe(400);
    expect(await status('')).toBe(400);
  });

  it('gives every tenant path parameter the tenant pattern', async () => {
    const tenants = Object.entries(doc.paths).filter(([p]) => p.includes('{tenant}')).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ at: `${m} ${p}`, schema: op.parameters!.find((x) => x.name === 'tenant')!.schema })));
    expect(tenants.length).toBeGreaterThanOrEqual(12);
    for (const t of tenants) expect(t, t.at).toMatchObject({ schema: { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } });
  });

  it('bounds every parameter, and the longest request it allows fits under the header bound', () => {
    // Worst case on the wire: every code point 4 UTF-8 bytes, each percent-encoded (12 characters);
    // a pattern made only of positive ASCII classes (ids, cursors, instants) allows 3 at most.
    const longest = (p: { name: string; schema: Record<string, unknown> }): number => {
      const s = p.schema as { enum?: string[]; maxLength?: number; pattern?: string; type?: string; items?: { enum: string[] } };
      if (typeof s.maxLength === 'number' && s.pattern && !s.pattern.includes('[^') && !s.pattern.includes('\\p')) return s.maxLength * 3;
      if (s.type === 'array' && s.items?.enum) return s.items.enum.reduce((n, v) => n + encodeURIComponent(v).length + 3, 0);
      if (s.enum) return Math.max(...s.enum.map((v) => encodeURIComponent(v).length));
      if (typeof s.maxLength === 'number') return s.maxLength * 12;
      throw new Error(`${p.name} has no bound in the document`);
    };
    const sizes: Record<string, number> = {};
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        let line = `${method.toUpperCase()}  HTTP/1.1\r\n`.length + path.length;
        for (const p of op.parameters ?? []) line += p.in === 'path' ? longest(p) : p.name.length + 2 + longest(p);
        sizes[`${method} ${path}`] = line;
      }
    }
    // What is left for the headers: a bearer JWT, cookies and the usual few.
    const headroom = 8 * 1024;
    const over = Object.entries(sizes).filter(([, n]) => n + headroom > MAX_HEADER_BYTES);
    expect(over).toEqual([]);
    expect(Math.max(...Object.values(sizes))).toBeGreaterThan(16 * 1024); // why the bound is not Node's default
  });

  it('documents the 201 of token creation and the 415 of a body route', () => {
    const create = doc.paths['/v1/tenants/{tenant}/tokens']!.post!;
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '413', '415', '429', '431', '500']));
    expect(create.responses['200']).toBeUndefined();
  });
});

describe('problems with real types, 405 and 415', () => {
  it('answers a method a known path does not have with 405 and Allow, an unknown path with 404', async () => {
    for (const [method, path, allow] of [['DELETE', M, 'GET, HEAD'], ['PUT', '/healthz', 'GET, HEAD'], ['GET', `/v1/tenants/${FIXTURE_TENANT}/tokens/aaaaaaaaaaaaaaaa/revoke`, 'POST'], ['PATCH', `/v1/tenants/${FIXTURE_TENANT}/tokens`, 'GET, HEAD, POST']] as const) {
      const res = await call(path, officer, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(await problemOf(res)).toMatchObject({ type: 'https://custos.dev/problems/method-not-allowed', title: 'Method not allowed' });
    }
    const missing = await call('/v1/nothing', officer, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).type).toBe('https://custos.dev/problems/not-found');
  });

  it('refuses a JSON body sent as text/plain with 415 naming application/json, and answers unsupported charsets the same', async () => {
    const post = (contentType: string) => call(`/v1/tenants/${FIXTURE_TENANT}/tokens`, admin, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify({ name: 'x', role: 'service' }) });
    const plain = await post('text/plain');
    expect(plain.status).toBe(415);
    expect(plain.headers.get('accept')).toBe('application/json');
    const p = await problemOf(plain);
    expect(p).toMatchObject({ title: 'Unsupported media type', type: 'https://custos.dev/problems/unsupported-media-type', field: 'body' });
    expect(p.detail).toMatch(/application\/json/);
    const latin1 = await post('application/json; charset=latin1');
    expect(latin1.status).toBe(415);
    expect((await problemOf(latin1)).title).toBe('Unsupported media type');
    // The same body as application/json reaches the route (401: API tokens never pass step-up).
    expect((await post('application/json')).status).toBe(401);
  });

  it('gives every problem a type other than about:blank', async () => {
    const answers = [
      await call(`/v1/tenants/${FIXTURE_TENANT}/users/U404`),
      await call(`/v1/tenants/${FIXTURE_TENANT}/conversations/C404`),
      await call(`/v1/tenants/${FIXTURE_TENANT}/conversations/C1/messages/m404`),
      await call(`${M}?cursor=abc.def`),
      await call(`/v1/tenants/${FIXTURE_TENANT}/users/%FF`),
      await call(`${M}?limit=0`),
      await call(M, 'cst_nope'),
    ];
    for (const res of answers) {
      const p = await problemOf(res);
      expect(p.type, `${res.url} ${res.status}`).toMatch(/^https:\/\/custos\.dev\/problems\/[a-z-]+$/);
      expect(p.status).toBe(res.status);
    }
  });
});

describe('query encoding and parameter names', () => {
  it('refuses a query value that is not UTF-8 with 400 naming the parameter, on every path', async () => {
    for (const [query, field] of [['q=%FF', 'q'], ['q=budget&author=%C3', 'author'], ['q=%E2%82', 'q'], ['q=%ED%A0%80', 'q'], ['%FF=1', '%FF'], ['q=100%', 'q']] as const) {
      const res = await call(`${M}?${query}`);
      expect(res.status, query).toBe(400);
      expect(await problemOf(res), query).toMatchObject({ type: 'https://custos.dev/problems/invalid-encoding', field });
    }
    expect((await fetch(`${api.baseUrl}/healthz?x=%FF`)).status).toBe(400);
    // Valid percent-encoded UTF-8 is searched as sent.
    const ok = await call(`${M}?q=${encodeURIComponent('Réunion')}`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { total: number }).total).toBe(1);
  });

  it('cuts unknown parameter names in the problem and in the audit entry, like values', async () => {
    const name = `x${'n'.repeat(5000)}`;
    const res = await call(`${M}?${name}=1`);
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect((p.field as string).length).toBeLessThan(100);
    expect(p.field).toMatch(/^xn+…\(5001 chars\)$/);
    expect((p.detail as string).length).toBeLessThan(200);
    const [row] = await api.store.query<{ params: string }>('test: last invalid', "SELECT params FROM audit_log WHERE tenant = {t:String} AND action = 'messages.search' AND status = 400 ORDER BY seq DESC LIMIT 1", { t: FIXTURE_TENANT });
    expect(row!.params.length).toBeLessThan(300);
    expect(row!.params).toContain('(5001 chars)');
  });
});

describe('audit outcomes say what happened', () => {
  const lastEntry = async (action: string) => {
    const [row] = await api.store.query<{ outcome: string; http_method: string; status: string; tenant: string; params: string }>(
      'test: last entry', 'SELECT outcome, http_method, toString(status) AS status, tenant, params FROM audit_log WHERE action = {action:String} ORDER BY time DESC, seq DESC LIMIT 1', { action });
    return row!;
  };

  it('audits a record not in the archive as not_found, and a tenant the caller may not see as denied', async () => {
    expect((await call(`/v1/tenants/${FIXTURE_TENANT}/users/U404`)).status).toBe(404);
    expect(await lastEntry('users.get')).toMatchObject({ outcome: 'not_found', status: '404' });
    const other = await call('/v1/tenants/globex/users/U1');
    expect(other.status).toBe(404);
    expect(await lastEntry('users.get')).toMatchObject({ outcome: 'denied', status: '404', tenant: FIXTURE_TENANT });
    const search = (await (await call(`/v1/tenants/${FIXTURE_TENANT}/audit?outcome=not_found&action=users.get`, auditor)).json()) as { items: Array<{ outcome: string }>; total: number };
    expect(search.total).toBeGreaterThanOrEqual(1);
    expect(search.items.every((i) => i.outcome === 'not_found')).toBe(true);
  });

  it('audits a HEAD request as HEAD', async () => {
    const res = await call(`/v1/tenants/${FIXTURE_TENANT}/archive/stats`, officer, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await lastEntry('archive.stats')).toMatchObject({ http_method: 'head', outcome: 'success' });
    const page = (await (await call(`/v1/tenants/${FIXTURE_TENANT}/audit?action=archive.stats&limit=1`, auditor)).json()) as { items: Array<{ method: string }> };
    expect(page.items[0]!.method).toBe('HEAD');
  });

  it("writes probes of made-up tenants to the caller's own chain: no new chain per name", async () => {
    const chains = async () => Number((await api.store.query<{ n: string }>('test: chains', 'SELECT uniqExact(tenant) AS n FROM audit_log'))[0]!.n);
    const before = await chains();
    const names = Array.from({ length: 40 }, (_, i) => `made-up-${i}`);
    for (const t of names) expect((await call(`/v1/tenants/${t}/archive/stats`, admin)).status).toBe(404);
    expect((await call('/v1/tenants/bad%20name/archive/stats', admin)).status).toBe(400);
    expect(await chains()).toBe(before);
    const probes = await api.store.query<{ t: string; outcome: string }>(
      'test: probes', "SELECT JSONExtractString(params, 'path', 'tenant') AS t, outcome FROM audit_log WHERE tenant = {own:String} AND action = 'archive.stats' AND status = 404", { own: FIXTURE_TENANT });
    expect(probes.map((p) => p.t)).toEqual(expect.arrayContaining(names));
    expect(new Set(probes.map((p) => p.outcome))).toEqual(new Set(['denied']));
  });
});
