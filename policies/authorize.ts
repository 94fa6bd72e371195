/**
 * The one authorization decision of Custos: may this principal use this scope in
 * this tenant? Casbin (RBAC with domains, domain = tenant) answers from the model
 * and policy files in this folder, loaded as written.
 */
import { newEnforcer, type Enforcer } from 'casbin';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { ROLES, SCOPES, type Role, type Scope } from './scopes.js';

export interface PrincipalRoles {
  /** Tenant -> roles held there. */
  roles: Record<string, string[]>;
}

export interface Authorizer {
  authorize(principal: PrincipalRoles, tenant: string, scope: Scope): Promise<boolean>;
  /** May this role use this scope in this tenant (for the permission table and tests). */
  roleAllows(role: string, tenant: string, scope: Scope): Promise<boolean>;
}

export function policyFiles(dir = join(packageRoot(), 'policies')): { model: string; policy: string } {
  return { model: join(dir, 'model.conf'), policy: join(dir, 'policy.csv') };
}

export async function loadAuthorizer(files = policyFiles()): Promise<Authorizer> {
  const enforcer: Enforcer = await newEnforcer(files.model, files.policy);
  await checkPolicyNames(enforcer);
  const roleAllows = (role: string, tenant: string, scope: Scope) => enforcer.enforce(role, tenant, scope);
  return {
    roleAllows,
    async authorize(principal, tenant, scope) {
      // Own-property lookup only: a tenant named "__proto__" or "constructor" holds no roles.
      const held = Object.hasOwn(principal.roles, tenant) ? principal.roles[tenant]! : [];
      for (const role of held) {
        if (await roleAllows(role, tenant, scope)) return true;
      }
      return false;
    },
  };
}

/** A policy line with a misspelt role or scope would silently grant nothing: refuse it at load. */
async function checkPolicyNames(enforcer: Enforcer): Promise<void> {
  const roles = new Set<string>(ROLES);
  const scopes = new Set<string>(SCOPES);
  for (const [sub, , obj] of await enforcer.getPolicy()) {
    if (!roles.has(sub!)) throw new Error(`policies/policy.csv: unknown role "${sub}" (known: ${ROLES.join(', ')})`);
    if (!scopes.has(obj!)) throw new Error(`policies/policy.csv: unknown scope "${obj}" for role ${sub}`);
  }
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
