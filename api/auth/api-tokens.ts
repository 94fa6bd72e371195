/**
 * Custos API tokens. The secret is `cst_<token id>_<43 chars of base64url>`: 256
 * random bits, shown once. Only sha256(secret) is stored. A slow password hash is
 * not needed: it protects low-entropy secrets against guessing, and a 256-bit random
 * secret cannot be guessed; a fast hash keeps lookups one indexed equality.
 * Used by `custos token ...`, the /tokens routes and the API's authentication.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../common/store/store.js';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { fromStoreTime } from '../../common/events/time.js';
import { ROLES, type Role } from '../../policies/scopes.js';
import { isRole } from '../../policies/authorize.js';

export const TOKEN_PREFIX = 'cst_';
const TOKEN_FORMAT = /^cst_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
export const TOKEN_ID_PATTERN = /^[a-z0-9]{16}$/;
export const TOKEN_NAME_PATTERN = /^[\p{L}\p{N} ._:@/-]{1,100}$/u;

export interface ApiToken {
  id: string;
  tenant: string;
  role: Role;
  name: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface CreatedToken {
  token: ApiToken;
  /** The secret, to show once; it is not stored. */
  secret: string;
}

export class TokenInputError extends CustosError {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

interface TokenRow {
  token_id: string;
  tenant: string;
  role: string;
  name: string;
  secret_sha256: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string;
  version: string;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const storeTime = (s: string | null) => (s === null ? null : fromStoreTime(s));

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.token_id,
    tenant: r.tenant,
    role: r.role as Role,
    name: r.name,
    createdAt: storeTime(r.created_at)!,
    createdBy: r.created_by,
    revokedAt: storeTime(r.revoked_at),
    revokedBy: r.revoked_at === null ? null : r.revoked_by,
  };
}

export function validateTokenInput(input: { tenant: string; role: string; name: string }): void {
  if (!TENANT_PATTERN.test(input.tenant)) throw new TokenInputError('tenant', `"${input.tenant}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
  if (!isRole(input.role)) throw new TokenInputError('role', `"${input.role}" is not a role (${ROLES.join(', ')})`);
  if (!TOKEN_NAME_PATTERN.test(input.name)) throw new TokenInputError('name', 'must be 1 to 100 letters, digits, spaces or ._:@/-');
}

const COLUMNS = 'token_id, tenant, role, name, secret_sha256, created_at, created_by, revoked_at, revoked_by, version';

/**
 * Verified tokens are remembered for a few seconds so a busy client does not cost a
 * store query per request. Revoking through this instance (the API, `custos serve`)
 * forgets the token at once; a revocation written by another instance of Custos on
 * the same ClickHouse server takes effect within the TTL.
 */
const VERIFY_CACHE_MS = 5_000;

export class ApiTokenStore {
  private readonly verified = new Map<string, { token: ApiToken; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly cacheMs = VERIFY_CACHE_MS,
  ) {}

  async create(input: { tenant: string; role: string; name: string; createdBy: string }): Promise<CreatedToken> {
    validateTokenInput(input);
    const id = randomBytes(10).toString('hex').slice(0, 16);
    const secret = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
    const now = Date.now();
    await this.store.insert('tokens: create', 'api_tokens', [
      { token_id: id, tenant: input.tenant, role: input.role, name: input.name, secret_sha256: sha256(secret), created_at: new Date(now).toISOString(), created_by: input.createdBy, revoked_at: null, revoked_by: '', version: 1 },
    ]);
    const token = await this.get(id);
    return { token: token!, secret };
  }

  async get(id: string): Promise<ApiToken | undefined> {
    if (!TOKEN_ID_PATTERN.test(id)) return undefined;
    const rows = await this.store.query<TokenRow>('tokens: get', `SELECT ${COLUMNS} FROM api_tokens FINAL WHERE token_id = {id:String}`, { id });
    return rows[0] ? toToken(rows[0]) : undefined;
  }

  async list(tenant: string): Promise<ApiToken[]> {
    const rows = await this.store.query<TokenRow>('tokens: list', `SELECT ${COLUMNS} FROM api_tokens FINAL WHERE tenant = {tenant:String} ORDER BY created_at, token_id`, { tenant });
    return rows.map(toToken);
  }

  /** Revokes a token; returns it as revoked, or undefined when no such token exists (in that tenant, if given). */
  async revoke(id: string, by: string, tenant?: string): Promise<ApiToken | undefined> {
    const rows = TOKEN_ID_PATTERN.test(id)
      ? await this.store.query<TokenRow>('tokens: get for revoke', `SELECT ${COLUMNS} FROM api_tokens FINAL WHERE token_id = {id:String}`, { id })
      : [];
    const row = rows[0];
    if (!row || (tenant !== undefined && row.tenant !== tenant)) return undefined;
    this.forget(id);
    if (row.revoked_at !== null) return toToken(row);
    await this.store.insert('tokens: revoke', 'api_tokens', [
      { ...row, revoked_at: new Date().toISOString(), revoked_by: by, version: Number(row.version) + 1, created_at: storeTime(row.created_at) },
    ]);
    return this.get(id);
  }

  /** The live token a presented secret belongs to, or undefined (unknown, malformed or revoked). */
  async verify(secret: string): Promise<ApiToken | undefined> {
    const m = TOKEN_FORMAT.exec(secret);
    if (!m) return undefined;
    const digest = sha256(secret);
    const hit = this.verified.get(digest);
    if (hit && hit.until > Date.now()) return hit.token;
    const rows = await this.store.query<TokenRow>('tokens: verify', `SELECT ${COLUMNS} FROM api_tokens FINAL WHERE token_id = {id:String}`, { id: m[1] });
    const row = rows[0];
    if (!row || row.revoked_at !== null) return undefined;
    const presented = Buffer.from(digest, 'hex');
    const stored = Buffer.from(row.secret_sha256, 'hex');
    if (presented.length !== stored.length || !timingSafeEqual(presented, stored)) return undefined;
    const token = toToken(row);
    if (this.cacheMs > 0) {
      if (this.verified.size > 10_000) this.verified.clear();
      this.verified.set(digest, { token, until: Date.now() + this.cacheMs });
    }
    return token;
  }

  private forget(id: string): void {
    for (const [digest, entry] of this.verified) if (entry.token.id === id) this.verified.delete(digest);
  }
}

export function isApiTokenSecret(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX);
}
