/**
 * The tenant's public package-signing key (DESIGN.md "Packages"), as PEM
 * SubjectPublicKeyInfo, the form `openssl pkeyutl -verify -pubin` reads. Public by
 * nature, so any role in the tenant may fetch it; the private key never leaves the
 * data directory.
 */
import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { queryObject, tenantParam } from '../schemas/query-fields.js';

export interface SigningKeyView {
  keyId: string;
  publicKeyPem: string;
}

/** Gives the tenant's signing key, creating it on first use (common/keys/signing-keys.ts). */
export type SigningKeyLookup = (tenant: string) => SigningKeyView;

const keyView = z.object({
  key_id: z.string().meta({ description: 'First 16 hex digits of SHA-256 over the SubjectPublicKeyInfo DER; custody.json and bag-info.txt name it' }),
  algorithm: z.literal('Ed25519'),
  public_key_pem: z.string().meta({ description: 'PEM SubjectPublicKeyInfo' }),
});

export function signingKeysRoute(lookup: SigningKeyLookup): RouteSpec {
  return defineRoute({
    method: 'get', path: '/v1/tenants/:tenant/signing-keys', operationId: 'listSigningKeys',
    summary: "The public key the tenant's packages are signed with (Ed25519, PEM SubjectPublicKeyInfo)", tags: ['exports'],
    scope: 'archive:read', action: 'signing_keys.list', params: z.strictObject({ tenant: tenantParam }), query: queryObject({}),
    response: z.object({ items: z.array(keyView), total: z.number().int(), next_cursor: z.null() }),
    handler: async ({ tenant }) => {
      const key = lookup(tenant);
      return { body: { items: [{ key_id: key.keyId, algorithm: 'Ed25519' as const, public_key_pem: key.publicKeyPem }], total: 1, next_cursor: null }, resultCount: 1 };
    },
  }) as unknown as RouteSpec;
}
