import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { rolesFromGroups, groupsClaim, readGroups } from './role-mapping.js';
import { mfaIsRecent, mfaTime } from './mfa.js';
import { safeReturnPath } from './login-routes.js';
import { auditParams } from '../middleware/audit-params.js';
import { decodeAuditCursor, encodeAuditCursor } from '../routes/audit.js';

describe('group -> role mapping', () => {
  it('maps custos:<tenant>:<role> groups and configured groups, and ignores anything else', () => {
    const mapping = { 'Compliance EU': [{ tenant: 'acme', role: 'compliance_officer' }, { tenant: 'globex', role: 'auditor' }] };
    const roles = rolesFromGroups(['custos:acme:auditor', 'Compliance EU', 'custos:acme:root', 'custos:../x:admin', 'custos:acme:auditor', 'random', '__proto__'], mapping);
    expect(roles).toEqual({ acme: ['auditor', 'compliance_officer'], globex: ['auditor'] });
    expect(groupsClaim({ groups: 'one' }, 'groups')).toEqual(['one']);
    expect(groupsClaim({ groups: ['a', 3, 'b'] }, 'groups')).toEqual(['a', 'b']);
  });

  it('accepts Keycloak full paths (the last segment is the group) and maps keys written either way', () => {
    const mapping = { '/Compliance/Officers': [{ tenant: 'acme', role: 'compliance_officer' }], Auditors: [{ tenant: 'globex', role: 'auditor' }] };
    expect(rolesFromGroups(['/custos:acme:admin', '/Parent/custos:acme:dpo', '/Compliance/Officers', '/Staff/Auditors', '/custos:acme:root', '/'], mapping)).toEqual({
      acme: ['admin', 'dpo', 'compliance_officer'], globex: ['auditor'],
    });
  });

  it('reads groups from several claims and recognizes Entra overage claims', () => {
    expect(readGroups({ groups: ['a'], roles: ['b', 'a'] }, ['groups', 'roles'])).toEqual({ groups: ['a', 'b'], claimsPresent: ['groups', 'roles'], overage: false });
    expect(readGroups({ _claim_names: { groups: 'src1' }, _claim_sources: { src1: {} } }, ['groups']).overage).toBe(true);
    expect(readGroups({ hasgroups: true }, ['groups']).overage).toBe(true);
    expect(readGroups({ _claim_names: { other: 'src1' } }, ['groups']).overage).toBe(false);
    expect(loadConfig({ CUSTOS_ROLE_CLAIM: 'groups,roles' }).auth.roleClaims).toEqual(['groups', 'roles']);
    expect(() => loadConfig({ CUSTOS_ROLE_CLAIM: 'groups,' })).toThrow(/^CUSTOS_ROLE_CLAIM: /);
  });

  it('validates CUSTOS_ROLE_MAPPING with one-line errors naming the variable', () => {
    const load = (v: string) => loadConfig({ CUSTOS_ROLE_MAPPING: v });
    expect(() => load('{nope')).toThrow(/^CUSTOS_ROLE_MAPPING: is not valid JSON/);
    expect(() => load('{"g": {"tenant": "acme", "role": "root"}}')).toThrow(/^CUSTOS_ROLE_MAPPING: group "g": role must be one of/);
    expect(() => load('{"g": {"tenant": "../x", "role": "auditor"}}')).toThrow(/^CUSTOS_ROLE_MAPPING: group "g": tenant must match/);
    expect(load('{"g": [{"tenant": "acme", "role": "auditor"}]}').auth.roleMapping).toEqual({ g: [{ tenant: 'acme', role: 'auditor' }] });
    expect(() => loadConfig({ CUSTOS_SESSION_KEY: 'short' })).toThrow(/^CUSTOS_SESSION_KEY: /);
    expect(() => loadConfig({ CUSTOS_STEP_UP_MAX_AGE_S: '5' })).toThrow(/^CUSTOS_STEP_UP_MAX_AGE_S: must be between/);
  });
});

describe('MFA', () => {
  const policy = { mfaAmr: ['otp', 'mfa'], mfaAcr: ['urn:mfa'] };
  it('counts amr or acr as MFA and takes auth_time as its time', () => {
    expect(mfaTime({ amr: ['pwd', 'otp'], auth_time: 100 }, policy)).toBe(100);
    expect(mfaTime({ amr: ['pwd'], acr: 'urn:mfa', auth_time: 100 }, policy)).toBe(100);
    expect(mfaTime({ amr: ['pwd'], auth_time: 100 }, policy)).toBeUndefined();
    expect(mfaTime({ amr: ['otp'] }, policy)).toBeUndefined();
  });
  it('counts a numeric acr at or above CUSTOS_MFA_ACR_MIN_LEVEL (Keycloak levels), and nothing else', () => {
    const levels = { mfaAmr: ['mfa'], mfaAcr: [], mfaAcrMinLevel: 2 };
    expect(mfaTime({ acr: '2', auth_time: 100 }, levels)).toBe(100);
    expect(mfaTime({ acr: '3', auth_time: 100 }, levels)).toBe(100);
    expect(mfaTime({ acr: '1', auth_time: 100 }, levels)).toBeUndefined();
    expect(mfaTime({ acr: '2x', auth_time: 100 }, levels)).toBeUndefined();
    expect(mfaTime({ acr: '2', auth_time: 100 }, { mfaAmr: ['mfa'], mfaAcr: [] })).toBeUndefined();
    expect(() => loadConfig({ CUSTOS_MFA_ACR_MIN_LEVEL: 'two' })).toThrow(/^CUSTOS_MFA_ACR_MIN_LEVEL: /);
  });
  it('is recent only within the window', () => {
    expect(mfaIsRecent(1000, 900, 1800)).toBe(true);
    expect(mfaIsRecent(1000, 900, 1901)).toBe(false);
    expect(mfaIsRecent(undefined, 900, 1000)).toBe(false);
    expect(mfaIsRecent(5000, 900, 1000)).toBe(false);
  });
});

describe('small guards', () => {
  it('only returns to same-site paths after login', () => {
    expect(safeReturnPath('/v1/tenants/acme/audit?x=1')).toBe('/v1/tenants/acme/audit?x=1');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', undefined, '/a b']) expect(safeReturnPath(bad)).toBe('/');
  });
  it('keeps secrets out of audited parameters', () => {
    expect(auditParams({ path: { tenant: 'acme' }, query: { q: 'x', access_token: 'abc' }, body: { name: 'n', secret: 's', nested: { password: 'p' } } })).toEqual({
      path: { tenant: 'acme' }, query: { q: 'x', access_token: '[redacted]' }, body: { name: 'n', secret: '[redacted]', nested: { password: '[redacted]' } },
    });
  });
  it('decodes only cursors it made', () => {
    expect(decodeAuditCursor(encodeAuditCursor(42))).toEqual({ seq: 42, order: 'newest' });
    expect(decodeAuditCursor(encodeAuditCursor(42, 'oldest'))).toEqual({ seq: 42, order: 'oldest' });
    for (const bad of ['', 'x', "1' OR 1=1", Buffer.from('{"v":1,"before":-1}').toString('base64url'), Buffer.from('{"v":1,"before":"1 OR 1=1"}').toString('base64url'), '../../etc/passwd']) {
      expect(decodeAuditCursor(bad)).toBeUndefined();
    }
  });
});

describe('the sign-in email (how a manager is found in the directory)', () => {
  const auth = loadConfig({}).auth;
  it('comes from the IdP email claim unless it is said to be unverified', async () => {
    const { principalFromClaims } = await import('./oidc-principal.js');
    expect(principalFromClaims({ iss: 'https://idp', sub: 's1', email: 'lead@acme.test' }, auth, 'oidc_bearer').email).toBe('lead@acme.test');
    expect(principalFromClaims({ iss: 'https://idp', sub: 's1', email: 'lead@acme.test', email_verified: false }, auth, 'oidc_bearer').email).toBeUndefined();
    expect(principalFromClaims({ iss: 'https://idp', sub: 's1' }, auth, 'oidc_bearer').email).toBeUndefined();
  });
  it('comes from an API token only when its name is an email', async () => {
    const { apiTokenPrincipal } = await import('./authenticate.js');
    expect(apiTokenPrincipal({ id: 't', tenant: 'acme', role: 'manager', name: 'lead@acme.test' }).email).toBe('lead@acme.test');
    expect(apiTokenPrincipal({ id: 't', tenant: 'acme', role: 'manager', name: 'dashboard token' }).email).toBeUndefined();
  });
});
