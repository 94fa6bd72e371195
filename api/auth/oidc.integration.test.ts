/**
 * Authentication against a real OpenID provider (oidc-provider 9 on loopback):
 * browser sign-in with PKCE and the session cookie, logout, IdP bearer tokens,
 * expired and forged tokens, and the RFC 9470 step-up answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { CookieJar, followUntil, jarFetch, signInAtIdp } from '../../test/helpers/oidc-provider.js';

let api: TestApi;
const stats = '/v1/tenants/acme/archive/stats';

beforeAll(async () => {
  api = await startTestApi('oidc-auth', { oidc: true });
});
afterAll(async () => {
  await api?.close();
});

async function browserSignIn(userId: string, returnTo = stats, opts: { stepUp?: boolean } = {}): Promise<{ jar: CookieJar; login: URL; callbackRes: Response }> {
  const jar = new CookieJar();
  const start = await jarFetch(jar, `${api.baseUrl}/auth/login?return_to=${encodeURIComponent(returnTo)}${opts.stepUp ? '&step_up=1' : ''}`);
  expect(start.status).toBe(302);
  const login = new URL(start.headers.get('location')!);
  const toInteraction = await followUntil(jar, login.href, `${api.idp!.issuer}/interaction/`);
  const back = await signInAtIdp(jar, toInteraction.location!, userId, `${api.baseUrl}/auth/callback`);
  const callbackRes = await jarFetch(jar, back);
  return { jar, login, callbackRes };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('browser sign-in (authorization code + PKCE) and the session cookie', () => {
  it('signs in, answers with the session, and logs out', async () => {
    const { jar, login, callbackRes } = await browserSignIn('alice');
    expect(login.origin).toBe(api.idp!.issuer);
    expect(login.searchParams.get('code_challenge_method')).toBe('S256');
    expect(login.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.searchParams.get('state')).toBeTruthy();
    expect(login.searchParams.get('nonce')).toBeTruthy();
    expect(login.searchParams.get('redirect_uri')).toBe(`${api.baseUrl}/auth/callback`);

    expect(callbackRes.status).toBe(303);
    expect(callbackRes.headers.get('location')).toBe(stats);
    const setCookie = callbackRes.headers.getSetCookie().find((c) => c.startsWith('custos_session='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/); // loopback http only; any other URL gets Secure
    expect(jar.get('custos_session')).toBeTruthy();

    const me = await jarFetch(jar, `${api.baseUrl}/auth/me`);
    expect(await me.json()).toMatchObject({ name: 'Alice Officer', roles: { acme: ['compliance_officer', 'admin'] }, method: 'oidc_session', amr: ['pwd', 'otp'], acr: 'urn:custos:mfa', auth_time: expect.any(Number) });

    const res = await jarFetch(jar, `${api.baseUrl}${stats}`);
    expect(res.status).toBe(200);
    expect((await res.json()).tenant).toBe('acme');

    const out = await jarFetch(jar, `${api.baseUrl}/auth/logout`);
    expect(out.status).toBe(303);
    const end = new URL(out.headers.get('location')!);
    expect(end.origin).toBe(api.idp!.issuer);
    expect(end.searchParams.get('id_token_hint')).toBeTruthy();
    expect(jar.get('custos_session')).toBeUndefined();
    const after = await jarFetch(jar, `${api.baseUrl}${stats}`);
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('answers every /auth route as the served document says: statuses, media types, redirects without a body', async () => {
    type Op = { responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }> };
    const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as { paths: Record<string, { get: Op }> };
    const seen: string[] = [];
    const documented = async (path: string, res: Response) => {
      const r = doc.paths[path]!.get.responses[String(res.status)];
      seen.push(`${path} ${res.status}`);
      expect(r, `${path} answered ${res.status}`).toBeDefined();
      const body = await res.text();
      if (!r!.content) {
        expect(body, `${path} ${res.status} has no body`).toBe('');
        expect(res.headers.get('location'), `${path} ${res.status} redirects`).toBeTruthy();
      } else {
        expect(Object.keys(r!.content), `${path} ${res.status}`).toContain(res.headers.get('content-type')!.split(';')[0]);
      }
    };
    const { jar, callbackRes } = await browserSignIn('alice');
    await documented('/auth/callback', callbackRes);
    const fresh = new CookieJar();
    await documented('/auth/login', await jarFetch(fresh, `${api.baseUrl}/auth/login`));
    await documented('/auth/callback', await jarFetch(fresh, `${api.baseUrl}/auth/callback?code=abc&state=not-the-state`));
    await documented('/auth/callback', await fetch(`${api.baseUrl}/auth/callback?code=abc&state=x`));
    await documented('/auth/me', await jarFetch(jar, `${api.baseUrl}/auth/me`));
    await documented('/auth/me', await fetch(`${api.baseUrl}/auth/me`));
    await documented('/auth/logout', await jarFetch(jar, `${api.baseUrl}/auth/logout`));
    expect(seen).toEqual(['/auth/callback 303', '/auth/login 302', '/auth/callback 401', '/auth/callback 400', '/auth/me 200', '/auth/me 401', '/auth/logout 303']);
  });

  it('refuses a callback whose state does not match, and a forged session cookie', async () => {
    const jar = new CookieJar();
    await jarFetch(jar, `${api.baseUrl}/auth/login`);
    const res = await jarFetch(jar, `${api.baseUrl}/auth/callback?code=abc&state=not-the-state`);
    expect(res.status).toBe(401);
    expect(jar.get('custos_session')).toBeUndefined();
    const forged = await fetch(`${api.baseUrl}${stats}`, { headers: { cookie: 'custos_session=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.BBBB.CCCC' } });
    expect(forged.status).toBe(401);
  });

  it('keeps return_to on this site (no open redirect)', async () => {
    const jar = new CookieJar();
    const start = await jarFetch(jar, `${api.baseUrl}/auth/login?return_to=${encodeURIComponent('//evil.example/x')}`);
    const toInteraction = await followUntil(jar, start.headers.get('location')!, `${api.idp!.issuer}/interaction/`);
    const back = await signInAtIdp(jar, toInteraction.location!, 'alice', `${api.baseUrl}/auth/callback`);
    const cb = await jarFetch(jar, back);
    expect(cb.headers.get('location')).toBe('/');
  });
});

describe('IdP access tokens (Authorization: Bearer)', () => {
  it('accepts a real access token and maps groups to roles (custos:<tenant>:<role> and CUSTOS_ROLE_MAPPING)', async () => {
    const { access_token } = await api.idp!.accessTokenFor('alice');
    expect(access_token.split('.')).toHaveLength(3);
    const res = await fetch(`${api.baseUrl}${stats}`, { headers: bearer(access_token) });
    expect(res.status).toBe(200);
    const carol = await api.idp!.accessTokenFor('carol'); // group "Auditors" -> auditor in acme by mapping
    const audit = await fetch(`${api.baseUrl}/v1/tenants/acme/audit`, { headers: bearer(carol.access_token) });
    expect(audit.status).toBe(200);
    const body = (await audit.json()) as { items: Array<{ auth_method: string }>; total: number };
    expect(body.total).toBeGreaterThan(0);
    expect(body.items.some((i) => i.auth_method === 'oidc_bearer')).toBe(true);
  });

  it('refuses expired, wrong-key, wrong-issuer, wrong-audience and tampered tokens with 401 + WWW-Authenticate', async () => {
    const claims = { sub: 'alice', groups: ['custos:acme:compliance_officer'] };
    const cases: Array<[string, string]> = [
      ['expired', await api.idp!.mintAccessToken(claims, { expiresInS: -120 })],
      ['foreign key', await api.idp!.mintAccessToken(claims, { foreignKey: true })],
      ['wrong issuer', await api.idp!.mintAccessToken(claims, { issuer: 'http://127.0.0.1:1' })],
      ['wrong audience', await api.idp!.mintAccessToken({ ...claims, aud: 'someone-else' })],
    ];
    const real = (await api.idp!.accessTokenFor('bob')).access_token;
    const [h, p, s] = real.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    payload.groups = ['custos:globex:admin'];
    cases.push(['tampered payload', `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`]);
    cases.push(['not a JWT', 'abc.def']);
    for (const [label, token] of cases) {
      const res = await fetch(`${api.baseUrl}${stats}`, { headers: bearer(token) });
      expect(res.status, label).toBe(401);
      expect(res.headers.get('www-authenticate'), label).toMatch(/^Bearer .*error="invalid_token"/);
      const problem = (await res.json()) as { title: string; detail: string };
      expect(JSON.stringify(problem), label).not.toMatch(/at .*\.ts:\d+|stack/i);
    }
    // The same claims, signed by the IdP's key and not expired, are accepted: the refusals above are about the token, not the claims.
    const ok = await fetch(`${api.baseUrl}${stats}`, { headers: bearer(await api.idp!.mintAccessToken(claims)) });
    expect(ok.status).toBe(200);
  });

  it('keeps a principal out of tenants it holds no role in, without saying whether they exist', async () => {
    const { access_token } = await api.idp!.accessTokenFor('dave'); // admin in globex only
    const acme = await fetch(`${api.baseUrl}${stats}`, { headers: bearer(access_token) });
    const nowhere = await fetch(`${api.baseUrl}/v1/tenants/no-such-tenant/archive/stats`, { headers: bearer(access_token) });
    expect(acme.status).toBe(404);
    expect(nowhere.status).toBe(404);
    expect(await acme.json()).toMatchObject({ type: 'https://custos.dev/problems/tenant-not-found' });
    const own = await fetch(`${api.baseUrl}/v1/tenants/globex/archive/stats`, { headers: bearer(access_token) });
    expect(own.status).toBe(200);
  });
});

describe('step-up (RFC 9470) on POST /v1/tenants/{tenant}/tokens (scope tokens:create)', () => {
  const create = (headers: Record<string, string>) =>
    fetch(`${api.baseUrl}/v1/tenants/acme/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'siem export', role: 'service' }) });

  it('answers 401 insufficient_user_authentication to a person without MFA, and accepts a person with recent MFA', async () => {
    const bob = (await api.idp!.accessTokenFor('bob')).access_token; // admin, password only
    const refused = await create(bearer(bob));
    expect(refused.status).toBe(401);
    const challenge = refused.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer error="insufficient_user_authentication"/);
    expect(challenge).toMatch(/error_description="[^"]+"/);
    expect(challenge).toMatch(/max_age=900/);

    const alice = (await api.idp!.accessTokenFor('alice')).access_token; // admin, pwd + otp
    const created = await create(bearer(alice));
    expect(created.status).toBe(201);
    const body = (await created.json()) as { secret: string; token: { id: string; role: string } };
    expect(body.secret).toMatch(/^cst_/);
    expect(body.token.role).toBe('service');
    expect((await fetch(`${api.baseUrl}${stats}`, { headers: bearer(body.secret) })).status).toBe(200);
  });

  it('refuses an MFA sign-in older than the step-up window, and API tokens (not a person)', async () => {
    const stale = (await api.idp!.accessTokenFor('alice', { authAgeS: 3600 })).access_token;
    expect((await create(bearer(stale))).status).toBe(401);
    const adminToken = await api.createToken('acme', 'admin');
    const res = await create(bearer(adminToken));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/insufficient_user_authentication/);
  });

  it('tells a browser session where to step up, and that login asks the IdP for a fresh sign-in', async () => {
    const { jar } = await browserSignIn('bob');
    const res = await jarFetch(jar, `${api.baseUrl}/v1/tenants/acme/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', role: 'service' }) });
    expect(res.status).toBe(401);
    const problem = (await res.json()) as { login_url: string };
    expect(problem.login_url).toBe('/auth/login?step_up=1&return_to=%2Fv1%2Ftenants%2Facme%2Ftokens');
    const stepUp = await jarFetch(jar, `${api.baseUrl}${problem.login_url}`);
    const to = new URL(stepUp.headers.get('location')!);
    expect(to.searchParams.get('max_age')).toBe('900');
    expect(to.searchParams.get('prompt')).toBe('login');

    // Alice signs in through the browser with MFA: the same request passes.
    const a = await browserSignIn('alice', '/', { stepUp: true });
    expect(a.login.searchParams.get('max_age')).toBe('900');
    const me = (await (await jarFetch(a.jar, `${api.baseUrl}/auth/me`)).json()) as { mfa_at: number | null };
    expect(me.mfa_at, JSON.stringify(me)).toBeGreaterThan(Date.now() / 1000 - 60);
    const ok = await jarFetch(a.jar, `${api.baseUrl}/v1/tenants/acme/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'from browser', role: 'auditor' }) });
    expect(ok.status).toBe(201);
  });
});
