/**
 * When did this person last sign in with MFA, as far as the IdP's claims say?
 * Each IdP says it its own way (docs/identity-providers.md), so each way is
 * configurable and any one counts:
 * - `amr` holding one of CUSTOS_MFA_AMR (Entra `mfa`, Okta `mfa`/`otp`/`hwk`/`swk`,
 *   Keycloak `otp` once its AMR mapper is set up, RFC 8176 values);
 * - `acr` being one of CUSTOS_MFA_ACR (a URI or name the IdP uses for MFA);
 * - a numeric `acr` at or above CUSTOS_MFA_ACR_MIN_LEVEL (Keycloak's levels of
 *   authentication: `1` password, `2` with OTP, by the usual step-up setup).
 * `auth_time` says when it happened; without it there is no MFA time.
 */
export interface MfaPolicy {
  mfaAmr: string[];
  mfaAcr: string[];
  mfaAcrMinLevel?: number;
}

export function isMfa(claims: Record<string, unknown>, policy: MfaPolicy): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((x): x is string => typeof x === 'string') : [];
  const acr = typeof claims.acr === 'string' ? claims.acr : typeof claims.acr === 'number' ? String(claims.acr) : undefined;
  const byAmr = amr.some((m) => policy.mfaAmr.includes(m));
  const byAcr = acr !== undefined && policy.mfaAcr.includes(acr);
  const byLevel = acr !== undefined && policy.mfaAcrMinLevel !== undefined && /^\d{1,4}$/.test(acr) && Number(acr) >= policy.mfaAcrMinLevel;
  return byAmr || byAcr || byLevel;
}

export function mfaTime(claims: Record<string, unknown>, policy: MfaPolicy): number | undefined {
  if (!isMfa(claims, policy)) return undefined;
  return typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time) ? claims.auth_time : undefined;
}

/** The acr values a step-up sign-in asks the IdP for: the configured ones, else the minimum level. */
export function stepUpAcrValues(policy: MfaPolicy): string[] {
  if (policy.mfaAcr.length > 0) return policy.mfaAcr;
  return policy.mfaAcrMinLevel !== undefined ? [String(policy.mfaAcrMinLevel)] : [];
}

/** True when the MFA sign-in is recent enough for a step-up scope. */
export function mfaIsRecent(mfaAt: number | undefined, maxAgeS: number, nowS = Date.now() / 1000): boolean {
  return mfaAt !== undefined && nowS - mfaAt <= maxAgeS && mfaAt <= nowS + 60;
}
