/**
 * The claim shapes of the identity providers companies run, sent by the real test
 * OIDC provider (oidc-provider 9), through the browser sign-in and bearer tokens:
 * Keycloak (full-path groups, acr levels and no amr by default, 60 groups), Entra ID
 * (group object ids mapped by CUSTOS_ROLE_MAPPING, amr `mfa`, the groups overage
 * claim), Okta (plain group names, amr `otp`), a person whose groups map to nothing,
 * an IdP that refuses the sign-in; server-side sessions (the cookie is only an id;
 * logout and an admin's revocation end it; a copied cookie dies with it).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.js';
import { CookieJar, followUntil, jarFetch, signInAtIdp, type TestUser } from '../../test/helpers/oidc-provider.js';

const ENTRA_OFFICERS = '6f1c2a0e-8b7d-4c1e-9f3a-2d5b7c9e1a44';
const ENTRA_NOISE = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
const random = () => randomBytes(6).toString('hex');
/** 58 groups nothing maps, plus the two that grant roles: 60 full paths, as Keycloak sends them. */
const manyGroups = [...Array.from({ length: 58 }, (_, i) => `/Departments/Team ${i} ${random()}`), '/custos:acme:compliance_officer', '/Compliance/custos:acme:auditor'];

const USERS: TestUser[] = [
  // Keycloak: group membership mapper with "Full group path" on (its default), no AMR mapper, levels of authentication 1 (password) / 2 (OTP).
  { id: 'kc-pwd', name: 'KC Password', groups: ['/custos:acme:admin', '/custos:acme:compliance_officer'], mfa: false, amr: null, acr: '1' },
  { id: 'kc-otp', name: 'KC Otp', groups: ['/custos:acme:admin', '/custos:acme:compliance_officer'], mfa: true, amr: null, acr: '2' },
  { id: 'kc-many', name: 'KC Many Groups', groups: manyGroups, mfa: false, amr: null, acr: '1' },
  // Entra ID: groups as object ids, amr ["pwd","mfa"]; past 200 groups the groups claim is replaced by _claim_names/_claim_sources.
  { id: 'entra-mfa', name: 'Entra Mfa', groups: [ENTRA_NOISE, ENTRA_OFFICERS], mfa: true, amr: ['pwd', 'mfa'], acr: '1', claims: { wids: ['b79fbf4d-3ef9-4689-8143-76b194e85509'] } },
  { id: 'entra-over', name: 'Entra Overage', mfa: true, amr: ['pwd', 'mfa'], acr: '1', claims: { _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.microsoft.com/v1.0/users/x/getMemberObjects' } } } },
  // Okta: plain group names (a groups claim filter), amr ["pwd","otp"].
  { id: 'okta-otp', name: 'Okta Otp', groups: ['Everyone', 'Custos Auditors'], mfa: true, amr: ['pwd', 'otp'], acr: 'urn:okta:loa:2fa:any' },
  { id: 'nobody', name: 'No Role', groups: ['Sales', '/Marketing/EMEA'], mfa: false },
  { id: 'refused', name: 'Refused', groups: [], mfa: false, refuse: { error: 'invalid_scope', error_description: 'Invalid scopes: openid profile groups' } },
];

let api: TestApi;
const logLines: Array<Record<string, unknown>> = [];
const stats = '/v1/tenants/acme/archive/stats';

beforeAll(async () => {
  const sink = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n')) if (l) logLines.push(JSON.parse(l) as Record<string, unknown>); done(); } });
  api = await startTestApi('identity-providers', {
    oidc: true,
    oidcUsers: USERS,
    log: pino({ level: 'info' }, sink),
    registry: new Registry(),
    env: {
      CUSTOS_ROLE_MAPPING: JSON.stringify({ [ENTRA_OFFICERS]: [{ tenant: 'acme', role: 'compliance_officer' }, { tenant: 'acme', role: 'admin' }], 'Custos Auditors': { tenant: 'acme', role: 'auditor' } }),
      CUSTOS_MFA_ACR_MIN_LEVEL: '2',
      CUSTOS_RATE_LIMIT_PER_MIN: '100000',
    },
  });
});
afterAll(async () => {
  await api?.close();
});

async function signIn(userId: string, opts: { stepUp?: boolean } = {}): Promise<{ jar: CookieJar; callback: Response }> {
  const jar = new CookieJar();
  const start = await jarFetch(jar, `${api.baseUrl}/auth/login?return_to=%2F${opts.stepUp ? '&step_up=1' : ''}`);
  const toInteraction = await followUntil(jar, start.headers.get('location')!, `${api.idp!.issuer}/interaction/`);
  const back = await signInAtIdp(jar, toInteraction.location!, userId, `${api.baseUrl}/auth/callback`);
  return { jar, callback: await jarFetch(jar, back) };
}

const me = async (jar: CookieJar) => (await jarFetch(jar, `${api.baseUrl}/auth/me`)).json() as Promise<Record<string, unknown>>;
const createToken = (jar: CookieJar) =>
  jarFetch(jar, `${api.baseUrl}/v1/tenants/acme/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `t ${random()}`, role: 'service' }) });
const metricValue = async (labels: string) => {
  const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`custos_auth_no_role_total{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

describe('Keycloak claim shapes', () => {
  it('maps full-path groups (/custos:acme:admin, /Compliance/custos:acme:auditor) to roles', async () => {
    const { jar, callback } = await signIn('kc-pwd');
    expect(callback.status).toBe(303);
    expect(await me(jar)).toMatchObject({ roles: { acme: ['admin', 'compliance_officer'] }, amr: [], acr: '1', mfa_at: null, no_role: null });
    expect((await jarFetch(jar, `${api.baseUrl}${stats}`)).status).toBe(200);
  });

  it('signs in with 60 groups: the cookie is a short session id, the roles come from the server-side session', async () => {
    const { jar, callback } = await signIn('kc-many');
    expect(callback.status).toBe(303);
    const cookie = jar.get('custos_session')!;
    expect(cookie).toMatch(/^css_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    const setCookie = callback.headers.getSetCookie().find((c) => c.startsWith('custos_session='))!;
    expect(setCookie.length).toBeLessThan(200);
    const body = await me(jar);
    // Computed from the groups the test gave the IdP: the two custos groups among the 60.
    const expected = manyGroups.map((g) => /custos:acme:([a-z_]+)$/.exec(g)?.[1]).filter(Boolean);
    expect(body.roles).toEqual({ acme: expected });
    expect((await jarFetch(jar, `${api.baseUrl}${stats}`)).status).toBe(200);
  });

  it('counts acr level 2 as MFA (CUSTOS_MFA_ACR_MIN_LEVEL=2) and level 1 not, with no amr claim', async () => {
    const pwd = await signIn('kc-pwd');
    expect((await createToken(pwd.jar)).status).toBe(401);
    const otp = await signIn('kc-otp', { stepUp: true });
    const who = await me(otp.jar);
    expect(who.acr).toBe('2');
    expect(who.mfa_at).toEqual(expect.any(Number));
    expect((await createToken(otp.jar)).status).toBe(201);
  });

  it('asks the IdP for acr level 2 on step-up', async () => {
    const start = await fetch(`${api.baseUrl}/auth/login?step_up=1`, { redirect: 'manual' });
    expect(new URL(start.headers.get('location')!).searchParams.get('acr_values')).toBe('2');
  });
});

describe('Entra ID claim shapes', () => {
  it('maps group object ids through CUSTOS_ROLE_MAPPING and counts amr "mfa" as MFA (browser and bearer)', async () => {
    const { jar } = await signIn('entra-mfa', { stepUp: true });
    expect(await me(jar)).toMatchObject({ roles: { acme: ['compliance_officer', 'admin'] }, amr: ['pwd', 'mfa'] });
    expect((await createToken(jar)).status).toBe(201);
    const { access_token } = await api.idp!.accessTokenFor('entra-mfa');
    expect((await fetch(`${api.baseUrl}${stats}`, { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(200);
  });

  it('reports a groups overage claim clearly: /auth/me, a log line and the metric', async () => {
    const before = await metricValue('method="oidc_session",reason="groups_overage"');
    const { jar, callback } = await signIn('entra-over');
    expect(callback.status).toBe(303);
    const body = await me(jar);
    expect(body.roles).toEqual({});
    expect(body.no_role).toMatchObject({ reason: 'groups_overage', hint: expect.stringMatching(/overage/) });
    expect(await metricValue('method="oidc_session",reason="groups_overage"')).toBe(before + 1);
    expect(logLines.some((l) => l.msg === 'signed-in person holds no Custos role' && l.reason === 'groups_overage' && String(l.subject).endsWith('#entra-over'))).toBe(true);
  });
});

describe('Okta claim shapes', () => {
  it('maps plain group names through CUSTOS_ROLE_MAPPING and counts amr "otp" as MFA', async () => {
    const { jar } = await signIn('okta-otp');
    const body = await me(jar);
    expect(body).toMatchObject({ roles: { acme: ['auditor'] }, amr: ['pwd', 'otp'] });
    expect(body.mfa_at).toEqual(expect.any(Number));
    expect((await jarFetch(jar, `${api.baseUrl}/v1/tenants/acme/audit`)).status).toBe(200);
  });
});

describe('sign-ins that go wrong', () => {
  it('logs and counts a person whose groups map to no role, and says why in /auth/me', async () => {
    const before = await metricValue('method="oidc_session",reason="groups_unmapped"');
    const { jar } = await signIn('nobody');
    expect((await me(jar)).no_role).toMatchObject({ reason: 'groups_unmapped' });
    expect(await metricValue('method="oidc_session",reason="groups_unmapped"')).toBe(before + 1);
    const line = logLines.find((l) => l.reason === 'groups_unmapped' && String(l.subject).endsWith('#nobody'));
    expect(line).toMatchObject({ level: 40, groups: 2, sample: ['Sales', '/Marketing/EMEA'] });
  });

  it("shows and logs the IdP's error and error_description when it refuses the sign-in", async () => {
    const { callback } = await signIn('refused');
    expect(callback.status).toBe(401);
    expect(callback.headers.get('content-type')).toMatch(/problem\+json/);
    const problem = (await callback.json()) as Record<string, string>;
    const refusal = USERS.find((u) => u.id === 'refused')!.refuse!;
    expect(problem).toMatchObject({ type: 'https://custos.dev/problems/login-failed', idp_error: refusal.error, idp_error_description: refusal.error_description });
    expect(problem.detail).toContain(refusal.error_description);
    expect(logLines.some((l) => l.idp_error === refusal.error && l.idp_error_description === refusal.error_description)).toBe(true);
  });

  it('shows only the error code (not a description) for an error that is not the answer to this browser\'s sign-in', async () => {
    const res = await fetch(`${api.baseUrl}/auth/callback?error=access_denied&error_description=${encodeURIComponent('Call +1 555 to unlock')}&state=forged`);
    expect(res.status).toBe(401);
    const problem = (await res.json()) as Record<string, string>;
    expect(problem.idp_error).toBe('access_denied');
    expect(problem.idp_error_description).toBeUndefined();
  });
});

describe('server-side sessions', () => {
  it('logout ends the session in the store: a copy of the old cookie gets 401; logout lands on a signed-out page', async () => {
    const { jar } = await signIn('kc-pwd');
    const copied = jar.get('custos_session')!;
    const withCopy = () => fetch(`${api.baseUrl}${stats}`, { headers: { cookie: `custos_session=${copied}` } });
    expect((await withCopy()).status).toBe(200);
    const out = await jarFetch(jar, `${api.baseUrl}/auth/logout`);
    expect(out.status).toBe(303);
    const end = new URL(out.headers.get('location')!);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${api.baseUrl}/auth/signed-out`);
    expect((await withCopy()).status).toBe(401);
    // The IdP's logout confirmation comes back to the signed-out page, which answers 200 (not 404).
    const landing = await fetch(`${api.baseUrl}/auth/signed-out`);
    expect(landing.status).toBe(200);
    expect(landing.headers.get('content-type')).toMatch(/text\/html/);
    expect(await landing.text()).toMatch(/signed out/i);
  });

  it('expires: a session past its lifetime is refused even while its lookup is cached', async () => {
    const principal = { subject: 'oidc:test#short', name: 'Short Lived', kind: 'person' as const, roles: { acme: ['auditor'] }, method: 'oidc_session' as const };
    const { cookie } = await api.security.sessions.create({ principal, amr: [], ip: '127.0.0.1', userAgent: 'vitest', ttlS: 1 });
    const call = () => fetch(`${api.baseUrl}${stats}`, { headers: { cookie: `custos_session=${cookie}` } });
    expect((await call()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await call()).status).toBe(401);
  });

  it('lists live sessions for an admin of the tenant and revokes one: its cookie stops working at once', async () => {
    const victim = await signIn('okta-otp');
    const victimId = (await me(victim.jar)).session_id as string;
    const admin = await api.createToken('acme', 'admin');
    const auth = { authorization: `Bearer ${admin}` };
    const list = (await (await fetch(`${api.baseUrl}/v1/tenants/acme/sessions`, { headers: auth })).json()) as { items: Array<{ id: string; name: string; roles: string[] }>; total: number };
    expect(list.items.find((s) => s.id === victimId)).toMatchObject({ name: 'Okta Otp', roles: ['auditor'] });
    expect(JSON.stringify(list)).not.toContain(victim.jar.get('custos_session')!);
    const revoked = await fetch(`${api.baseUrl}/v1/tenants/acme/sessions/${victimId}/revoke`, { method: 'POST', headers: auth });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revoked_at: string | null }).revoked_at).toEqual(expect.any(String));
    expect((await jarFetch(victim.jar, `${api.baseUrl}/v1/tenants/acme/audit`)).status).toBe(401);
    const after = (await (await fetch(`${api.baseUrl}/v1/tenants/acme/sessions`, { headers: auth })).json()) as { items: Array<{ id: string }> };
    expect(after.items.map((s) => s.id)).not.toContain(victimId);
    // An admin of another tenant cannot see or end it.
    const other = await api.createToken('globex', 'admin');
    expect((await fetch(`${api.baseUrl}/v1/tenants/globex/sessions/${victimId}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${other}` } })).status).toBe(404);
  });
});

describe('cross-tenant probes', () => {
  it("writes a signed-in person's request for another tenant to their own tenant's audit log as denied", async () => {
    const { jar } = await signIn('kc-pwd'); // roles in acme only
    const probe = `probe-${random()}`;
    const res = await jarFetch(jar, `${api.baseUrl}/v1/tenants/${probe}/archive/stats`);
    expect(res.status).toBe(404);
    const rows = await api.store.query<{ outcome: string; status: number; auth_method: string }>(
      'test: probe',
      "SELECT outcome, status, auth_method FROM audit_log WHERE tenant = 'acme' AND JSONExtractString(params, 'path', 'tenant') = {probe:String}",
      { probe },
    );
    expect(rows).toEqual([{ outcome: 'denied', status: 404, auth_method: 'oidc_session' }]);
  });
});
