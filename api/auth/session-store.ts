/**
 * Browser sessions kept in the store (table `sessions`, migration 0011). The cookie
 * holds only `css_<session id>_<43 chars of base64url>` (256 random bits); the
 * principal, its roles, the raw amr/acr and the ID token stay server-side. So the
 * number of IdP groups no longer matters to the browser (a 4 KB cookie limit was
 * hit at about 36 groups), and logout or an admin's revocation ends the session
 * everywhere: a copied cookie dies with it. Only sha256 of the cookie value is
 * stored (like api-tokens.ts: a 256-bit random secret needs no slow hash).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../common/store/store.js';
import { fromStoreTime } from '../../common/events/time.js';
import type { Principal } from '../route-spec.js';

export const SESSION_ID_PATTERN = /^[a-z0-9]{16}$/;
const COOKIE_FORMAT = /^css_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface SessionInput {
  principal: Principal;
  idToken?: string;
  amr: string[];
  acr?: string;
  authTime?: number;
  /** Why the principal holds no role (no-role-report.ts), shown by /auth/me. */
  noRoleReason?: string;
  ip: string;
  userAgent: string;
  ttlS: number;
}

/** What the store keeps about one session (never the cookie value). */
export interface StoredSession {
  id: string;
  principal: Principal;
  idToken: string | null;
  amr: string[];
  acr: string | null;
  authTime: number | null;
  noRoleReason: string | null;
  ip: string;
  userAgent: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
}

interface SessionRow {
  session_id: string;
  secret_sha256: string;
  subject: string;
  name: string;
  tenants: string[];
  principal: string;
  id_token: string;
  amr: string[];
  acr: string;
  auth_time: string | number | null;
  no_role_reason: string;
  ip: string;
  user_agent: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string;
  revoke_reason: string;
  version: string | number;
}

const COLUMNS = 'session_id, secret_sha256, subject, name, tenants, principal, id_token, amr, acr, auth_time, no_role_reason, ip, user_agent, created_at, expires_at, revoked_at, revoked_by, revoke_reason, version';
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function toSession(r: SessionRow): StoredSession {
  return {
    id: r.session_id,
    principal: JSON.parse(r.principal) as Principal,
    idToken: r.id_token === '' ? null : r.id_token,
    amr: r.amr,
    acr: r.acr === '' ? null : r.acr,
    authTime: r.auth_time === null ? null : Number(r.auth_time),
    noRoleReason: r.no_role_reason === '' ? null : r.no_role_reason,
    ip: r.ip,
    userAgent: r.user_agent,
    createdAt: fromStoreTime(r.created_at),
    expiresAt: fromStoreTime(r.expires_at),
    revokedAt: r.revoked_at === null ? null : fromStoreTime(r.revoked_at),
    revokedBy: r.revoked_at === null ? null : r.revoked_by,
    revokeReason: r.revoked_at === null ? null : r.revoke_reason,
  };
}

const live = (s: StoredSession, now = Date.now()) => s.revokedAt === null && Date.parse(s.expiresAt) > now;

/**
 * Sessions found by their cookie are remembered for a few seconds, so a page that
 * fires ten requests costs one store query: requests that arrive together (a page's
 * first requests leave at once) wait for the one lookup already under way. Revoking through this instance forgets
 * at once; a revocation written by another instance on the same ClickHouse server
 * takes effect within the TTL (the same rule as API tokens).
 */
const LOOKUP_CACHE_MS = 5_000;

export class SessionStore {
  private readonly cache = new Map<string, { session: StoredSession; until: number }>();
  /** Lookups under way, by cookie digest: the embedded engine runs one query at a time, so each copy would wait its turn. */
  private readonly pending = new Map<string, Promise<StoredSession | undefined>>();
  /** Counts revocations through this instance (forget). */
  private forgotten = 0;

  constructor(
    private readonly store: Store,
    private readonly cacheMs = LOOKUP_CACHE_MS,
  ) {}

  /** Stores a new session; returns the cookie value (shown to the browser only) and the session. */
  async create(input: SessionInput): Promise<{ cookie: string; session: StoredSession }> {
    const id = randomBytes(10).toString('hex').slice(0, 16);
    const cookie = `css_${id}_${randomBytes(32).toString('base64url')}`;
    const now = Date.now();
    const p = input.principal;
    await this.store.insert('sessions: create', 'sessions', [{
      session_id: id,
      secret_sha256: sha256(cookie),
      subject: p.subject,
      name: p.name,
      tenants: Object.keys(p.roles).sort(),
      principal: JSON.stringify(p),
      id_token: input.idToken ?? '',
      amr: input.amr,
      acr: input.acr ?? '',
      auth_time: input.authTime ?? null,
      no_role_reason: input.noRoleReason ?? '',
      ip: input.ip.slice(0, 64),
      user_agent: input.userAgent.slice(0, 512),
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + input.ttlS * 1000).toISOString(),
      revoked_at: null,
      revoked_by: '',
      revoke_reason: '',
      version: 1,
    }]);
    return { cookie, session: (await this.get(id))! };
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const row = await this.row(id);
    return row ? toSession(row) : undefined;
  }

  /** The live session a cookie value belongs to; undefined when malformed, unknown, expired or revoked. */
  async open(cookie: string | undefined): Promise<StoredSession | undefined> {
    const m = cookie ? COOKIE_FORMAT.exec(cookie) : null;
    if (!m) return undefined;
    const digest = sha256(cookie!);
    const hit = this.cache.get(digest);
    if (hit && hit.until > Date.now()) return live(hit.session) ? hit.session : undefined;
    const under = this.pending.get(digest);
    if (under) return under;
    const lookup: Promise<StoredSession | undefined> = this.lookup(m[1]!, digest).finally(() => {
      if (this.pending.get(digest) === lookup) this.pending.delete(digest);
    });
    this.pending.set(digest, lookup);
    return lookup;
  }

  private async lookup(id: string, digest: string): Promise<StoredSession | undefined> {
    const forgotten = this.forgotten;
    const row = await this.row(id);
    if (!row) return undefined;
    const presented = Buffer.from(digest, 'hex');
    const stored = Buffer.from(row.secret_sha256, 'hex');
    if (presented.length !== stored.length || !timingSafeEqual(presented, stored)) return undefined;
    const session = toSession(row);
    if (!live(session)) return undefined;
    // Not remembered when a session was revoked while the row was being read: it may be this one.
    if (this.cacheMs > 0 && forgotten === this.forgotten) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(digest, { session, until: Date.now() + this.cacheMs });
    }
    return session;
  }

  /** Live sessions of people holding a role in `tenant`, newest first. */
  async listLive(tenant: string): Promise<StoredSession[]> {
    const rows = await this.store.query<SessionRow>(
      'sessions: list',
      `SELECT ${COLUMNS} FROM sessions FINAL WHERE has(tenants, {tenant:String}) AND revoked_at IS NULL AND expires_at > now64(3) ORDER BY created_at DESC, session_id LIMIT 1000`,
      { tenant },
    );
    return rows.map(toSession);
  }

  /**
   * Ends a session; returns it as revoked, or undefined when there is no such
   * session (or, with `tenant`, none of a person with a role in that tenant).
   */
  async revoke(id: string, by: string, reason: 'logout' | 'admin', tenant?: string): Promise<StoredSession | undefined> {
    const row = await this.row(id);
    if (!row || (tenant !== undefined && !row.tenants.includes(tenant))) return undefined;
    this.forget(id);
    if (row.revoked_at !== null) return toSession(row);
    await this.store.insert('sessions: revoke', 'sessions', [{
      ...row,
      auth_time: row.auth_time === null ? null : Number(row.auth_time),
      created_at: fromStoreTime(row.created_at),
      expires_at: fromStoreTime(row.expires_at),
      revoked_at: new Date().toISOString(),
      revoked_by: by,
      revoke_reason: reason,
      version: Number(row.version) + 1,
    }]);
    return this.get(id);
  }

  /** The session id inside a cookie value (for logout), without checking it. */
  static idOf(cookie: string | undefined): string | undefined {
    return cookie ? COOKIE_FORMAT.exec(cookie)?.[1] : undefined;
  }

  private async row(id: string): Promise<SessionRow | undefined> {
    if (!SESSION_ID_PATTERN.test(id)) return undefined;
    const rows = await this.store.query<SessionRow>('sessions: get', `SELECT ${COLUMNS} FROM sessions FINAL WHERE session_id = {id:String}`, { id });
    return rows[0];
  }

  private forget(id: string): void {
    for (const [digest, entry] of this.cache) if (entry.session.id === id) this.cache.delete(digest);
    // A lookup under way may have read the row before the revocation: later requests read it afresh, and it is not remembered.
    this.pending.clear();
    this.forgotten++;
  }
}
