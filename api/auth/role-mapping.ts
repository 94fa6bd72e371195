/**
 * IdP groups -> Custos roles per tenant. Two ways, both by configuration:
 * a group named `custos:<tenant>:<role>` grants that role in that tenant, and
 * CUSTOS_ROLE_MAPPING maps any other group name (e.g. an Entra group id) to grants.
 * Unknown roles and malformed tenants are ignored, never guessed.
 */
import type { RoleGrant } from '../../common/config.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { isRole } from '../../policies/authorize.js';

const GROUP_FORMAT = /^custos:([^:]+):([a-z_]+)$/;

export function rolesFromGroups(groups: readonly string[], mapping: Record<string, RoleGrant[]>): Record<string, string[]> {
  const roles: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const grant = (tenant: string, role: string) => {
    if (!TENANT_PATTERN.test(tenant) || !isRole(role)) return;
    const list = (roles[tenant] ??= []);
    if (!list.includes(role)) list.push(role);
  };
  for (const group of groups) {
    const m = GROUP_FORMAT.exec(group);
    if (m) grant(m[1]!, m[2]!);
    if (Object.hasOwn(mapping, group)) for (const g of mapping[group]!) grant(g.tenant, g.role);
  }
  return { ...roles };
}

/** The groups claim as a list of strings, whatever shape the IdP sent (array or one string). */
export function groupsClaim(claims: Record<string, unknown>, name: string): string[] {
  const v = claims[name];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}
