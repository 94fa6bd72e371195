import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { idpErrorOf } from './idp-error.js';

describe("the IdP's error on a failed sign-in", () => {
  it('keeps the description only for the sign-in this browser started, cut to printable text', () => {
    const q = { error: 'invalid_scope', error_description: 'Invalid scopes: openid groups', state: 's1' };
    expect(idpErrorOf(q, 's1')).toEqual({ error: 'invalid_scope', description: 'Invalid scopes: openid groups' });
    expect(idpErrorOf(q, 'other')).toEqual({ error: 'invalid_scope' });
    expect(idpErrorOf(q, undefined)).toEqual({ error: 'invalid_scope' });
    expect(idpErrorOf({ ...q, error_description: 'a\nb\u0000c' + 'x'.repeat(900) }, 's1')!.description).toMatch(/^a b cx{495}$/);
    expect(idpErrorOf({ error: 'bad "quote"\n' }, undefined)).toEqual({ error: 'invalid_error_response' });
    expect(idpErrorOf({ code: 'abc' }, 's1')).toBeUndefined();
    expect(idpErrorOf(new Error('x'), undefined)).toBeUndefined();
  });

  it("reads openid-client's authorization response errors", () => {
    const err = new oidc.AuthorizationResponseError('refused', { cause: new URLSearchParams({ error: 'access_denied', error_description: 'User cancelled' }) });
    expect(idpErrorOf(err, undefined)).toEqual({ error: 'access_denied', description: 'User cancelled' });
  });
});
