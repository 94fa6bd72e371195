/**
 * Every role x every route x own tenant / other tenant, with real API tokens against
 * the real app. The route list is the OpenAPI document the app serves (cross-checked
 * with apiRoutes()), and the expected answer comes from reading policies/policy.csv
 * directly, so a new route or a policy change cannot go untested.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from './routes/index.js';
import type { RouteSpec } from './route-spec.js';
import { ROLES, STEP_UP_SCOPES, type Scope } from '../policies/scopes.js';
import { verifyAuditChain } from '../common/audit/index.js';
import { startTestApi, type TestApi } from '../test/helpers/api.js';

const OWN = 'acme';
const OTHER = 'globex';
const PROBLEMS = 'https://custos.dev/problems/';

/** role -> scopes granted in every tenant, read straight from the CSV (not through Casbin). */
function grantsFromPolicyFile(): Map<string, Set<string>> {
  const text = readFileSync(join(process.cwd(), 'policies', 'policy.csv'), 'utf8');
  const grants = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const cells = line.split(',').map((c) => c.trim());
    if (cells[0] !== 'p') continue;
    const [, role, dom, scope] = cells;
    expect(dom, `policy line "${line}" is tenant-specific; extend this test`).toBe('*');
    if (!grants.has(role!)) grants.set(role!, new Set());
    grants.get(role!)!.add(scope!);
  }
  return grants;
}

/** A concrete URL for a route: the tenant, and a well-formed sample for every other path parameter. */
function sampleUrl(path: string, tenant: string): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'tenant' ? tenant : name === 'tokenId' ? 'aaaaaaaaaaaaaaaa' : `sample-${name}`));
}

function sampleBody(spec: RouteSpec): string | undefined {
  if (!spec.body) return undefined;
  if (spec.operationId === 'createApiToken') return JSON.stringify({ name: 'matrix', role: 'service' });
  return JSON.stringify({});
}

let api: TestApi;
let routes: RouteSpec[];
const tokens = new Map<string, string>();
let ownRequests = 0;

beforeAll(async () => {
  api = await startTestApi('matrix', { env: { CUSTOS_RATE_LIMIT_PER_MIN: '100000' } });
  routes = apiRoutes({ store: api.store, jobs: api.jobs });
  for (const role of ROLES) tokens.set(role, await api.createToken(OWN, role, `matrix ${role}`));
});
afterAll(async () => {
  await api?.close();
});

describe('permission matrix', () => {
  it('covers exactly the /v1 operations of the served OpenAPI document', async () => {
    const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const documented = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/v1/'))
      .flatMap(([, ops]) => Object.values(ops).map((o) => o.operationId))
      .sort();
    expect(documented.length).toBeGreaterThan(0);
    expect(documented).toEqual(routes.map((r) => r.operationId).sort());
  });

  it('answers every role x route x tenant as the policy file says', async () => {
    const grants = grantsFromPolicyFile();
    const failures: string[] = [];
    for (const spec of routes) {
      for (const role of ROLES) {
        for (const tenant of [OWN, OTHER]) {
          const body = sampleBody(spec);
          const res = await fetch(`${api.baseUrl}${sampleUrl(spec.path, tenant)}`, {
            method: spec.method.toUpperCase(),
            headers: { authorization: `Bearer ${tokens.get(role)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(body ? { body } : {}),
          });
          const text = await res.text();
          const type = res.headers.get('content-type')?.includes('problem+json') ? (JSON.parse(text) as { type?: string }).type : undefined;
          const label = `${role} ${spec.method.toUpperCase()} ${spec.path} in ${tenant === OWN ? 'own' : 'other'} tenant -> ${res.status} ${type ?? ''}`;
          // Refusals in the other tenant are written to the caller's own chain too.
          ownRequests += 1;
          const allowed = grants.get(role)?.has(spec.scope) ?? false;
          if (tenant === OTHER) {
            if (res.status !== 404 || type !== `${PROBLEMS}tenant-not-found`) failures.push(`${label}: expected 404 tenant-not-found`);
          } else if (!allowed) {
            if (res.status !== 403 || type !== `${PROBLEMS}forbidden`) failures.push(`${label}: expected 403 forbidden`);
          } else if (STEP_UP_SCOPES.has(spec.scope as Scope)) {
            // An API token is not a person: a step-up scope answers 401 insufficient_user_authentication.
            if (res.status !== 401 || !/insufficient_user_authentication/.test(res.headers.get('www-authenticate') ?? '')) failures.push(`${label}: expected 401 step-up`);
          } else {
            const onlyTenant = !/:(?!tenant)[A-Za-z]+/.test(spec.path);
            const passed = res.status < 500 && res.status !== 401 && res.status !== 403 && type !== `${PROBLEMS}tenant-not-found`;
            if (!passed || (onlyTenant && spec.method === 'get' && res.status !== 200)) failures.push(`${label}: expected to pass authorization${onlyTenant ? ' with 200' : ''}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("wrote every one of those requests to the caller's own chain (probes of another tenant included), and it verifies", async () => {
    const own = await verifyAuditChain(api.store, OWN);
    expect(own.ok).toBe(true);
    expect(own.entries).toBeGreaterThanOrEqual(ownRequests);
    // Probing a tenant where the caller holds no role starts no chain there.
    expect((await verifyAuditChain(api.store, OTHER)).entries).toBe(0);
    const [probes] = await api.store.query<{ n: string; outcomes: string[] }>(
      'test: probes',
      "SELECT count() AS n, groupUniqArray(outcome) AS outcomes FROM audit_log WHERE tenant = {own:String} AND JSONExtractString(params, 'path', 'tenant') = {other:String}",
      { own: OWN, other: OTHER },
    );
    expect(Number(probes!.n)).toBe(routes.length * ROLES.length);
    expect(probes!.outcomes).toEqual(['denied']);
  });
});
