/** Turns an IdP's claims (ID token or access token) into a Custos principal. */
import type { AuthConfig } from '../../common/config.js';
import type { Principal } from '../route-spec.js';
import { mfaTime } from './mfa.js';
import { groupsClaim, rolesFromGroups } from './role-mapping.js';

export function oidcSubject(issuer: string, sub: string): string {
  return `oidc:${issuer}#${sub}`;
}

export function principalFromClaims(claims: Record<string, unknown>, auth: AuthConfig, method: 'oidc_session' | 'oidc_bearer'): Principal {
  const iss = String(claims.iss ?? '');
  const sub = String(claims.sub ?? '');
  const name = [claims.name, claims.preferred_username, claims.email].find((v): v is string => typeof v === 'string' && v.length > 0) ?? sub;
  const mfaAt = mfaTime(claims, auth);
  const email = typeof claims.email === 'string' && claims.email.length > 0 && claims.email_verified !== false ? claims.email : undefined;
  return {
    subject: oidcSubject(iss, sub),
    name,
    kind: 'person',
    roles: rolesFromGroups(groupsClaim(claims, auth.roleClaim), auth.roleMapping),
    method,
    ...(mfaAt !== undefined ? { mfaAt } : {}),
    ...(email ? { email } : {}),
  };
}
