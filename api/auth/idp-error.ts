/**
 * The IdP's own words when it refuses a sign-in: `error` and `error_description`
 * from the authorization response (RFC 6749 4.1.2.1) or from the token endpoint
 * (openid-client's AuthorizationResponseError / ResponseBodyError). Cut to printable
 * ASCII and a bounded length before they reach a log line or a page.
 */
import * as oidc from 'openid-client';

export interface IdpError {
  error: string;
  description?: string;
}

const ERROR_CODE = /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/;
const clean = (s: string, max: number) => s.replace(/[^\x20-\x7E]/g, ' ').slice(0, max);

/**
 * From a callback query (`expectedState`: the state this browser's sign-in sent; the
 * description is kept only when it matches) or from an error openid-client threw.
 */
export function idpErrorOf(source: unknown, expectedState: string | undefined): IdpError | undefined {
  if (source instanceof oidc.AuthorizationResponseError || source instanceof oidc.ResponseBodyError) {
    return fromFields(source.error, source.error_description, true);
  }
  if (!source || typeof source !== 'object' || source instanceof Error) return undefined;
  const q = source as Record<string, unknown>;
  if (typeof q.error !== 'string') return undefined;
  return fromFields(q.error, q.error_description, expectedState !== undefined && q.state === expectedState);
}

function fromFields(error: unknown, description: unknown, trusted: boolean): IdpError | undefined {
  if (typeof error !== 'string' || !ERROR_CODE.test(error)) return typeof error === 'string' ? { error: 'invalid_error_response' } : undefined;
  return { error, ...(trusted && typeof description === 'string' && description.length > 0 ? { description: clean(description, 500) } : {}) };
}
