/**
 * A real OpenID provider (npm oidc-provider 9) on loopback: the demo's identity
 * provider (`custos demo --serve`) and the one the tests sign in through, one code.
 * A browser gets a sign-in form (user name, password) and, for a person with a
 * one-time code, a second form asking for it: that sign-in carries MFA (amr
 * ['pwd','otp'], acr urn:custos:mfa), a password alone does not (amr ['pwd']).
 * HTTP-only tests read the interaction as JSON and POST the user name (their users
 * have no password). `allowBackdating` (tests only, never the demo) adds a field to
 * make a sign-in look older, to test step-up.
 * Access tokens for Custos are RFC 9068 JWTs for the resource `urn:custos:api`,
 * obtained with the authorization code flow + PKCE by a public test client.
 * The signing key is ours, so tests can also mint tokens the IdP could have signed
 * (expired) and tokens it could not have (other key, other issuer).
 * oidc-provider is a development dependency: load this module with `import()`.
 */
// oidc-provider ships no type declarations; its context is typed loosely here.
// @ts-expect-error no declaration file
import Provider from 'oidc-provider';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import * as oidc from 'openid-client';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type KoaContextWithOIDC = any;
type Configuration = Record<string, unknown>;

export interface TestUser {
  id: string;
  name: string;
  /** Checked by the sign-in form when set (demo users); HTTP-only test users have none. */
  password?: string;
  /** The one-time code asked after the password when set: passing it is the MFA of this sign-in. */
  otp?: string;
  /** The `email` claim (the directory finds a manager by it, docs/analytics.md). */
  email?: string;
  /** Sent as the `groups` claim; omitted from the tokens when undefined (Google, or an Entra overage). */
  groups?: string[];
  mfa: boolean;
  /** The IdP's way of saying how the person signed in, when not the default (['pwd','otp'] / ['pwd']); null: no amr claim (Keycloak's default). */
  amr?: string[] | null;
  /** The acr claim, when not the default ('urn:custos:mfa' / 'urn:custos:pwd'). */
  acr?: string;
  /** More claims in the ID token and the access token (Entra's `_claim_names`/`_claim_sources`, `hasgroups`, `roles`). */
  claims?: Record<string, unknown>;
  /** The IdP refuses this person's sign-in with this OAuth error (as Keycloak does with invalid_scope). */
  refuse?: { error: string; error_description: string };
}

/** Claims a test user may carry beyond `groups`, released with the `groups` scope. */
const EXTRA_CLAIMS = ['hasgroups', '_claim_names', '_claim_sources', 'roles', 'wids'];

export const API_RESOURCE = 'urn:custos:api';
export const WEB_CLIENT_ID = 'custos-web';
export const TEST_CLIENT_ID = 'custos-test-cli';
const TEST_CLIENT_REDIRECT = 'http://127.0.0.1:9/cb';

export const DEFAULT_USERS: TestUser[] = [
  { id: 'alice', name: 'Alice Officer', groups: ['custos:acme:compliance_officer', 'custos:acme:admin'], mfa: true },
  { id: 'bob', name: 'Bob Nomfa', groups: ['custos:acme:compliance_officer', 'custos:acme:admin'], mfa: false },
  { id: 'carol', name: 'Carol Auditor', groups: ['Auditors'], mfa: true },
  { id: 'dave', name: 'Dave Outsider', groups: ['custos:globex:admin'], mfa: true },
];

export interface TestIdp {
  issuer: string;
  webClient: { id: string; secret: string };
  users: TestUser[];
  /** Runs the code flow + PKCE for `userId` as the test client and returns the tokens (access_token is a JWT for urn:custos:api). */
  accessTokenFor(userId: string, opts?: { authAgeS?: number }): Promise<{ access_token: string; id_token?: string }>;
  /** Signs a JWT access token with the IdP's real key (or another), for expired/forged cases. */
  mintAccessToken(claims: Record<string, unknown>, opts?: { expiresInS?: number; issuer?: string; foreignKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** Tiny cookie jar for driving redirects by hand (one host, names unique enough for tests). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  delete(name: string): void {
    this.cookies.delete(name);
  }
}

/** GET/POST with the jar, never following redirects. */
export async function jarFetch(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(res);
  return res;
}

/** Follows redirects by hand until one leaves for `stopAt` (a URL prefix) or the chain ends; returns that Location or the last response. */
export async function followUntil(jar: CookieJar, start: string, stopAt: string): Promise<{ location?: string; res: Response }> {
  let url = start;
  for (let i = 0; i < 15; i++) {
    const res = await jarFetch(jar, url);
    const loc = res.headers.get('location');
    if (!loc || res.status < 300 || res.status >= 400) return { res };
    const next = new URL(loc, url).href;
    if (next.startsWith(stopAt)) return { location: next, res };
    url = next;
  }
  throw new Error(`too many redirects from ${start}`);
}

/** At the IdP's interaction page: sign in as `userId`, and follow back until the IdP redirects to `redirectPrefix`. */
export async function signInAtIdp(jar: CookieJar, interactionUrl: string, userId: string, redirectPrefix: string, authAgeS = 0): Promise<string> {
  const page = await jarFetch(jar, interactionUrl);
  if (page.status !== 200) throw new Error(`interaction page answered ${page.status}`);
  const post = await jarFetch(jar, `${interactionUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: userId, auth_age: String(authAgeS) }).toString(),
  });
  const loc = post.headers.get('location');
  if (!loc) throw new Error(`login POST answered ${post.status} without a redirect: ${await post.text()}`);
  const back = await followUntil(jar, new URL(loc, interactionUrl).href, redirectPrefix);
  if (!back.location) throw new Error(`IdP did not redirect back (last answer ${back.res.status}: ${await back.res.text()})`);
  return back.location;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function pageHtml(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title} - Custos demo identity provider</title></head><body><main>
<h1>${title}</h1>
${body}
</main></body></html>`;
}

/** The IdP's sign-in page for a real browser: user name and password (and, for tests, how long ago the sign-in should look). */
function loginFormHtml(uid: string, backdating: boolean, error?: string): string {
  const action = `/interaction/${encodeURIComponent(uid)}/login`;
  return pageHtml('Sign in', `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}<form method="post" action="${action}">
<p><label for="login">User name</label> <input id="login" name="login" autocomplete="username" required></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
${backdating ? '<p><label for="auth_age">Signed in this many seconds ago (test only)</label> <input id="auth_age" name="auth_age" value="0" inputmode="numeric"></p>' : ''}
<p><button type="submit">Sign in</button></p>
</form>`);
}

/** The second step for a person with MFA: the one-time code. */
function otpFormHtml(uid: string, error?: string): string {
  const action = `/interaction/${encodeURIComponent(uid)}/otp`;
  return pageHtml('One-time code', `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}<form method="post" action="${action}">
<p><label for="otp">One-time code</label> <input id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric" required></p>
<p><button type="submit">Verify</button></p>
</form>`);
}

const HTML_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'", 'cache-control': 'no-store' };

/** Compares a typed secret with the expected one in constant time. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export interface IdpOptions {
  /** Custos' public URL: the redirect and post-logout URIs of the web client. */
  custosUrl: string;
  users?: TestUser[];
  /** Loopback port (0: any free one). */
  port?: number;
  /** Tests only: the form gets a "signed in this many seconds ago" field. */
  allowBackdating?: boolean;
}

export async function startOidcProvider(opts: IdpOptions): Promise<TestIdp> {
  const users = opts.users ?? DEFAULT_USERS;
  const server: Server = createServer();
  server.listen(opts.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const webSecret = randomBytes(24).toString('base64url');

  const findUser = (id: string) => users.find((u) => u.id === id);
  const config: Configuration = {
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        client_secret: webSecret,
        redirect_uris: [`${opts.custosUrl}/auth/callback`],
        post_logout_redirect_uris: [`${opts.custosUrl}/auth/signed-out`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      { client_id: TEST_CLIENT_ID, token_endpoint_auth_method: 'none', redirect_uris: [TEST_CLIENT_REDIRECT], response_types: ['code'], grant_types: ['authorization_code'] },
    ],
    jwks: { keys: [signingJwk] as never },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: { acr: null, amr: null, auth_time: null, sid: null, iss: null, openid: ['sub', 'acr', 'amr', 'auth_time'], profile: ['name'], email: ['email', 'email_verified'], groups: ['groups', ...EXTRA_CLAIMS] },
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => API_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({ scope: 'custos', audience: API_RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // First-party clients: no consent screen; the grant covers what Custos asks for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid profile email groups');
      grant.addOIDCClaims(['sub', 'name', 'email', 'email_verified', 'groups', ...EXTRA_CLAIMS]);
      grant.addResourceScope(API_RESOURCE, 'custos');
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx: KoaContextWithOIDC, id: string) => {
      const u = findUser(id);
      if (!u) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, name: u.name, ...(u.email ? { email: u.email, email_verified: true } : {}), ...(u.groups ? { groups: u.groups } : {}), ...u.claims }) };
    },
    extraTokenClaims: async (ctx: KoaContextWithOIDC, token: { accountId?: string; kind: string }) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const code = ctx.oidc.entities.AuthorizationCode as { amr?: string[]; acr?: string; authTime?: number } | undefined;
      const u = findUser(token.accountId);
      return { ...(u?.groups ? { groups: u.groups } : {}), ...u?.claims, name: u?.name, ...(u?.email ? { email: u.email } : {}), ...(code?.amr ? { amr: code.amr } : {}), ...(code?.acr ? { acr: code.acr } : {}), ...(code?.authTime ? { auth_time: code.authTime } : {}) };
    },
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  } as Configuration;
  const provider = new Provider(issuer, config);
  const callback = provider.callback();

  /** Sign-ins past the password and waiting for their one-time code, by interaction uid. */
  const awaitingCode = new Map<string, { userId: string; ts: number }>();
  const backdating = opts.allowBackdating === true;
  const finish = async (req: IncomingMessage, res: ServerResponse, user: TestUser, ts: number, mfa: boolean) => {
    const amr = user.amr === undefined ? (mfa ? ['pwd', 'otp'] : ['pwd']) : user.amr;
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.id, ...(amr ? { amr } : {}), acr: user.acr ?? (mfa ? 'urn:custos:mfa' : 'urn:custos:pwd'), ts, remember: true } },
      { mergeWithLastSubmission: false },
    );
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/otp)?$/.exec(req.url ?? '');
    if (!m) return void callback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (!m[2]) {
          // A browser gets a sign-in form; the HTTP-only tests read the interaction as JSON.
          if ((req.headers.accept ?? '').includes('text/html')) {
            res.writeHead(200, HTML_HEADERS).end(loginFormHtml(details.uid, backdating));
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ uid: details.uid, prompt: details.prompt.name, reasons: details.prompt.reasons, details: details.prompt.details, params: details.params }));
          return;
        }
        const form = await readForm(req);
        if (m[2] === '/otp') {
          const waiting = awaitingCode.get(details.uid);
          const user = waiting && findUser(waiting.userId);
          if (!waiting || !user?.otp) {
            res.writeHead(400, HTML_HEADERS).end(pageHtml('Sign in again', '<p>This sign-in has no code pending: go back to the application and sign in again.</p>'));
            return;
          }
          if (!sameSecret(form.get('otp') ?? '', user.otp)) {
            res.writeHead(400, HTML_HEADERS).end(otpFormHtml(details.uid, 'That code is not right.'));
            return;
          }
          awaitingCode.delete(details.uid);
          await finish(req, res, user, waiting.ts, true);
          return;
        }
        const user = findUser(form.get('login') ?? '');
        const browser = form.has('password');
        if (!user || (user.password !== undefined && !sameSecret(form.get('password') ?? '', user.password))) {
          if (browser) res.writeHead(400, HTML_HEADERS).end(loginFormHtml(details.uid, backdating, 'Unknown user name or wrong password.'));
          else res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown user');
          return;
        }
        const age = backdating || !browser ? Number(form.get('auth_age') ?? 0) : 0;
        const ts = Math.floor(Date.now() / 1000) - (Number.isFinite(age) ? age : 0);
        if (user.refuse) {
          await provider.interactionFinished(req, res, user.refuse, { mergeWithLastSubmission: false });
          return;
        }
        if (user.otp !== undefined) {
          awaitingCode.set(details.uid, { userId: user.id, ts });
          res.writeHead(200, HTML_HEADERS).end(otpFormHtml(details.uid));
          return;
        }
        await finish(req, res, user, ts, user.mfa);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      }
    })();
  });

  const discovered = await oidc.discovery(new URL(issuer), TEST_CLIENT_ID, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const foreign = (await generateKeyPair('RS256', { extractable: true })).privateKey;
  const realKey = await importJWK(signingJwk, 'RS256');

  return {
    issuer,
    webClient: { id: WEB_CLIENT_ID, secret: webSecret },
    users,
    async accessTokenFor(userId, o = {}) {
      const jar = new CookieJar();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(discovered, {
        redirect_uri: TEST_CLIENT_REDIRECT,
        scope: 'openid profile groups custos',
        resource: API_RESOURCE,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        prompt: 'login',
      });
      const first = await followUntil(jar, url.href, `${issuer}/interaction/`);
      if (!first.location) throw new Error(`IdP did not ask for sign-in (answer ${first.res.status})`);
      const back = await signInAtIdp(jar, first.location, userId, TEST_CLIENT_REDIRECT, o.authAgeS ?? 0);
      const tokens = await oidc.authorizationCodeGrant(discovered, new URL(back), { pkceCodeVerifier: verifier, expectedState: state }, { resource: API_RESOURCE });
      return { access_token: tokens.access_token, ...(tokens.id_token ? { id_token: tokens.id_token } : {}) };
    },
    async mintAccessToken(claims, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + (o.expiresInS ?? 600);
      return new SignJWT({ aud: API_RESOURCE, client_id: TEST_CLIENT_ID, ...claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'test-key-1' })
        .setIssuer(o.issuer ?? issuer)
        .setIssuedAt(Math.min(now, exp - 60))
        .setExpirationTime(exp)
        .setJti(randomBytes(8).toString('hex'))
        .sign(o.foreignKey ? foreign : realKey);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
