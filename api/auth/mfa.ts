/**
 * When did this person last sign in with MFA, as far as the IdP's claims say?
 * `amr` holding one of the configured methods, or `acr` being one of the configured
 * values, counts as MFA; `auth_time` says when it happened.
 */
export interface MfaPolicy {
  mfaAmr: string[];
  mfaAcr: string[];
}

export function mfaTime(claims: Record<string, unknown>, policy: MfaPolicy): number | undefined {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((x): x is string => typeof x === 'string') : [];
  const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
  const byAmr = amr.some((m) => policy.mfaAmr.includes(m));
  const byAcr = acr !== undefined && policy.mfaAcr.includes(acr);
  if (!byAmr && !byAcr) return undefined;
  return typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time) ? claims.auth_time : undefined;
}

/** True when the MFA sign-in is recent enough for a step-up scope. */
export function mfaIsRecent(mfaAt: number | undefined, maxAgeS: number, nowS = Date.now() / 1000): boolean {
  return mfaAt !== undefined && nowS - mfaAt <= maxAgeS && mfaAt <= nowS + 60;
}
