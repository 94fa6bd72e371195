/** Turns an IdP's claims (ID token or access token) into a Custos principal. */
import type { AuthConfig } from '../../common/config.js';
import type { Principal } from '../route-spec.js';
import { mfaTime } from './mfa.js';
import { readGroups, rolesFromGroups, type GroupsReading } from './role-mapping.js';

export function oidcSubject(issuer: string, sub: string): string {
  return `oidc:${issuer}#${sub}`;
}

export interface Identity {
  principal: Principal;
  /** The groups as read, so a sign-in without roles can say why (no claim, overage, nothing mapped). */
  groups: GroupsReading;
}

export function identityFromClaims(claims: Record<string, unknown>, auth: AuthConfig, method: 'oidc_session' | 'oidc_bearer'): Identity {
  const iss = String(claims.iss ?? '');
  const sub = String(claims.sub ?? '');
  const name = [claims.name, claims.preferred_username, claims.email].find((v): v is string => typeof v === 'string' && v.length > 0) ?? sub;
  const mfaAt = mfaTime(claims, auth);
  const groups = readGroups(claims, auth.roleClaims);
  // The directory is matched by e-mail (a manager's departments, policies/analytics-scope.ts): only a verified one.
  const email = typeof claims.email === 'string' && claims.email.length > 0 && claims.email_verified !== false ? claims.email : undefined;
  return {
    principal: {
      subject: oidcSubject(iss, sub),
      name,
      kind: 'person',
      roles: rolesFromGroups(groups.groups, auth.roleMapping),
      method,
      ...(mfaAt !== undefined ? { mfaAt } : {}),
      ...(email ? { email } : {}),
    },
    groups,
  };
}

export function principalFromClaims(claims: Record<string, unknown>, auth: AuthConfig, method: 'oidc_session' | 'oidc_bearer'): Principal {
  return identityFromClaims(claims, auth, method).principal;
}
