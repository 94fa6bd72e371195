/**
 * The configured IdP, discovered once at start with openid-client: endpoints for
 * the browser login and the JWKS that bearer tokens are checked against. Plain http
 * is allowed only for a loopback issuer (the test and demo IdP).
 */
import * as oidc from 'openid-client';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { CustosError, errorMessage } from '../../common/errors.js';

export interface OidcIssuer {
  issuer: string;
  clientId: string;
  client: oidc.Configuration;
  jwks: JWTVerifyGetKey;
}

export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export async function discoverIssuer(settings: { issuer: string; clientId: string; clientSecret?: string }): Promise<OidcIssuer> {
  const url = new URL(settings.issuer);
  const loopback = isLoopbackHttp(url);
  let client: oidc.Configuration;
  try {
    client = await oidc.discovery(
      url,
      settings.clientId,
      undefined,
      settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
      loopback ? { execute: [oidc.allowInsecureRequests] } : {},
    );
  } catch (err) {
    throw new CustosError(`OIDC_ISSUER: discovery at ${settings.issuer} failed: ${errorMessage(err)}`, { cause: err });
  }
  const meta = client.serverMetadata();
  if (!meta.jwks_uri) throw new CustosError(`OIDC_ISSUER: ${settings.issuer} publishes no jwks_uri`);
  return { issuer: meta.issuer, clientId: settings.clientId, client, jwks: createRemoteJWKSet(new URL(meta.jwks_uri), { cooldownDuration: 30_000 }) };
}
