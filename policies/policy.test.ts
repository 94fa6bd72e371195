/** The default policy as written (real model.conf and policy.csv through Casbin), and the permission table generated from it. */
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAuthorizer, policyFiles } from './authorize.js';
import { permissionsDocPath, renderPermissionsDoc } from './permissions-doc.js';
import { ROLES, SCOPES } from './scopes.js';

const CONTENT_SCOPES = ['messages:read', 'exports:create'] as const;

describe('default policy', () => {
  it('never gives a manager message content, in any tenant', async () => {
    const auth = await loadAuthorizer();
    for (const tenant of ['acme', 'globex', 'x']) {
      for (const scope of CONTENT_SCOPES) expect(await auth.roleAllows('manager', tenant, scope)).toBe(false);
    }
  });

  it('lets nobody into a tenant where they hold no role, whatever roles they hold elsewhere', async () => {
    const auth = await loadAuthorizer();
    const everything = { roles: { acme: [...ROLES] } };
    for (const scope of SCOPES) {
      expect(await auth.authorize(everything, 'globex', scope)).toBe(false);
      expect(await auth.authorize(everything, '__proto__', scope)).toBe(false);
    }
    expect(await auth.authorize(everything, 'acme', 'messages:read')).toBe(true);
  });

  it('gives the audit log to auditors only, and step-up scopes never to service tokens', async () => {
    const auth = await loadAuthorizer();
    for (const role of ROLES) expect(await auth.roleAllows(role, 'acme', 'audit:read')).toBe(role === 'auditor');
    for (const scope of ['exports:create', 'holds:release', 'erasure:approve', 'tokens:create'] as const) {
      expect(await auth.roleAllows('service', 'acme', scope)).toBe(false);
    }
  });

  it('refuses a policy line with an unknown role or scope instead of silently granting nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-policy-'));
    const files = policyFiles();
    copyFileSync(files.model, join(dir, 'model.conf'));
    writeFileSync(join(dir, 'policy.csv'), readFileSync(files.policy, 'utf8') + 'p, auditer, *, audit:read\n');
    await expect(loadAuthorizer({ model: join(dir, 'model.conf'), policy: join(dir, 'policy.csv') })).rejects.toThrow(/unknown role "auditer"/);
    writeFileSync(join(dir, 'policy.csv'), 'p, auditor, *, audit:raed\n');
    await expect(loadAuthorizer({ model: join(dir, 'model.conf'), policy: join(dir, 'policy.csv') })).rejects.toThrow(/unknown scope "audit:raed"/);
  });

  it('applies a tenant-specific line in that tenant only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-policy-'));
    const files = policyFiles();
    copyFileSync(files.model, join(dir, 'model.conf'));
    writeFileSync(join(dir, 'policy.csv'), 'p, service, acme, users:read\n');
    const auth = await loadAuthorizer({ model: join(dir, 'model.conf'), policy: join(dir, 'policy.csv') });
    expect(await auth.roleAllows('service', 'acme', 'users:read')).toBe(true);
    expect(await auth.roleAllows('service', 'globex', 'users:read')).toBe(false);
  });

  it('docs/permissions.md is the table generated from the policy (regenerate with node dist/policies/permissions-doc.js)', async () => {
    expect(readFileSync(permissionsDocPath(), 'utf8')).toBe(await renderPermissionsDoc());
  });
});
