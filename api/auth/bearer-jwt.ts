/**
 * IdP access tokens (JWT) checked against the issuer's JWKS: signature, iss, aud,
 * exp and nbf (jose enforces the times, with a small clock tolerance).
 */
import { jwtVerify, errors as joseErrors } from 'jose';
import type { OidcIssuer } from './oidc-issuer.js';

export class InvalidBearerToken extends Error {}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export async function verifyAccessToken(token: string, idp: OidcIssuer, audience: string): Promise<Record<string, unknown>> {
  try {
    const { payload } = await jwtVerify(token, idp.jwks, { issuer: idp.issuer, audience, algorithms: ALGORITHMS, clockTolerance: 30, requiredClaims: ['sub', 'exp'] });
    return payload as Record<string, unknown>;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new InvalidBearerToken('the access token has expired');
    if (err instanceof joseErrors.JWTClaimValidationFailed) throw new InvalidBearerToken(`the access token's ${err.claim} claim is not accepted`);
    if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) throw new InvalidBearerToken('the access token is not signed by the issuer');
    throw new InvalidBearerToken('the access token is not a valid JWT from the issuer');
  }
}
