import { describe, expect, it } from 'vitest';
import { isInternationalAddrSpec, isPlainAddrSpec, mailIdentity } from './mail-address.js';

const person = (user_id: string, email: string) => ({ user_id, display_name: 'X', email });

describe('mail addresses', () => {
  it('keeps a plain directory address and tells plain from internationalised ones', () => {
    expect(mailIdentity('a', person('a', 'a.b+c@example.com'), 'acme')).toMatchObject({ addrSpec: 'a.b+c@example.com', fromDirectory: true });
    expect(isPlainAddrSpec('zoë@exemple.fr')).toBe(false);
    expect(isInternationalAddrSpec('zoë@exemple.fr')).toBe(true);
    expect(isInternationalAddrSpec('zoe@exémple.fr')).toBe(true);
    for (const bad of ['', 'no at', 'a@b', '.a@b.c', 'a..b@c.d', 'a b@c.d', 'a@-b.c', '"q"@b.c', 'a@b..c']) {
      expect(isPlainAddrSpec(bad), bad).toBe(false);
      expect(isInternationalAddrSpec(bad), bad).toBe(false);
    }
  });

  it('makes up a distinct, valid addr-spec under .invalid for anyone without a usable address', () => {
    const ids = ['bob', 'U:ghost/42', 'Bob', 'a.b', 'a%2Eb', 'é', '💬', 'x'.repeat(80), `${'x'.repeat(80)}y`];
    const addrs = ids.map((id) => mailIdentity(id, undefined, 'acme').addrSpec);
    expect(new Set(addrs).size).toBe(ids.length);
    for (const a of addrs) {
      expect(isPlainAddrSpec(a), a).toBe(true);
      expect(a.endsWith('@acme.custos.invalid')).toBe(true);
    }
    expect(mailIdentity('U:ghost/42', undefined, 'acme').addrSpec).toBe('U%3Aghost%2F42@acme.custos.invalid');
  });

  it('turns a tenant that is not a lower-case DNS label into a hashed one', () => {
    const a = mailIdentity('u', undefined, 'Acme Corp').addrSpec;
    expect(a).toMatch(/^u@t-[0-9a-f]{24}\.custos\.invalid$/);
    expect(mailIdentity('u', undefined, 'acme corp').addrSpec).not.toBe(a);
  });
});
