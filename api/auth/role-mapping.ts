/**
 * IdP groups -> Custos roles per tenant. Two ways, both by configuration:
 * a group named `custos:<tenant>:<role>` grants that role in that tenant, and
 * CUSTOS_ROLE_MAPPING maps any other group (an Entra group object id, an Okta or
 * Keycloak group name or path) to grants. Unknown roles and malformed tenants are
 * ignored, never guessed.
 *
 * IdPs send the same group in different forms, and each form is accepted:
 * - a plain name (Okta, Entra with "sAMAccountName", generic): `custos:acme:auditor`;
 * - a Keycloak full path (the default of its group membership mapper): `/custos:acme:auditor`,
 *   or `/Compliance/custos:acme:auditor` for a subgroup: the last path segment is the name;
 * - an Entra object id (`6f1c...-...`): only through CUSTOS_ROLE_MAPPING.
 * A mapping key matches the group as sent, and also its name without the path,
 * so `/Compliance/Officers` can be mapped as `"/Compliance/Officers"` or `"Officers"`.
 */
import type { RoleGrant } from '../../common/config.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { isRole } from '../../policies/authorize.js';

const GROUP_FORMAT = /^custos:([^:/]+):([a-z_]+)$/;

/** The forms of one group value a grant may be written for: as sent, then the name at the end of a path. */
export function groupForms(group: string): string[] {
  if (!group.startsWith('/')) return [group];
  const name = group.slice(group.lastIndexOf('/') + 1);
  return name && name !== group ? [group, name] : [group];
}

export function rolesFromGroups(groups: readonly string[], mapping: Record<string, RoleGrant[]>): Record<string, string[]> {
  const roles: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const grant = (tenant: string, role: string) => {
    if (!TENANT_PATTERN.test(tenant) || !isRole(role)) return;
    const list = (roles[tenant] ??= []);
    if (!list.includes(role)) list.push(role);
  };
  for (const group of groups) {
    for (const form of groupForms(group)) {
      const m = GROUP_FORMAT.exec(form);
      if (m) grant(m[1]!, m[2]!);
      if (Object.hasOwn(mapping, form)) for (const g of mapping[form]!) grant(g.tenant, g.role);
    }
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

export interface GroupsReading {
  /** Every group value found in the configured claims, in order, without duplicates. */
  groups: string[];
  /** Which configured claims were present at all. */
  claimsPresent: string[];
  /**
   * The IdP left the groups out and points elsewhere (Entra ID past 200 groups in a
   * JWT: `_claim_names.groups` + `_claim_sources`; past 6 in the implicit flow:
   * `hasgroups: true`). Custos does not call Microsoft Graph: the fix is on the IdP side.
   */
  overage: boolean;
}

/** Reads the groups from every configured claim (CUSTOS_ROLE_CLAIM, a comma list: e.g. `groups,roles`). */
export function readGroups(claims: Record<string, unknown>, claimNames: readonly string[]): GroupsReading {
  const groups = new Set<string>();
  const claimsPresent: string[] = [];
  for (const name of claimNames) {
    if (claims[name] === undefined) continue;
    claimsPresent.push(name);
    for (const g of groupsClaim(claims, name)) groups.add(g);
  }
  const names = claims._claim_names;
  const pointed = !!names && typeof names === 'object' && claimNames.some((n) => Object.hasOwn(names as object, n));
  const overage = pointed || claims.hasgroups === true || claims.hasgroups === 'true';
  return { groups: [...groups], claimsPresent, overage };
}
