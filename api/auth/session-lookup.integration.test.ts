/**
 * A page's first requests arrive together with the same session cookie: one store
 * lookup serves them all (the embedded engine runs one query at a time, so each copy
 * would wait its turn), and a revocation through this instance during a lookup is
 * never hidden by it. Real embedded store; its calls are counted by operation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../common/store/store.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import type { Principal } from '../route-spec.js';
import { SessionStore } from './session-store.js';

let t: TestStore;
const calls = new Map<string, number>();
/** The real store, counting its queries by operation label. */
let counted: Store;

const principal: Principal = { subject: 'oidc:lookup-test', name: 'Lookup Test', kind: 'person', roles: { acme: ['manager'] }, method: 'oidc_session' };
const newSession = (sessions: SessionStore) => sessions.create({ principal, amr: ['pwd'], ip: '127.0.0.1', userAgent: 'vitest', ttlS: 600 });

beforeAll(async () => {
  t = await openTestStore('session-lookup');
  counted = new Proxy(t.store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'query' || typeof v !== 'function') return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      return (operation: string, ...rest: unknown[]) => {
        calls.set(operation, (calls.get(operation) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).call(target, operation, ...rest);
      };
    },
  });
});
afterAll(async () => t?.close());

describe('session lookups', () => {
  it('four requests arriving together with one cookie make one store query, and all four get the session', async () => {
    const { cookie, session } = await newSession(new SessionStore(t.store));
    const sessions = new SessionStore(counted);
    calls.clear();
    const found = await Promise.all([1, 2, 3, 4].map(() => sessions.open(cookie)));
    expect(calls.get('sessions: get')).toBe(1);
    for (const f of found) expect(f?.id).toBe(session.id);
    // Then from the few seconds' cache: no query at all.
    expect((await sessions.open(cookie))?.id).toBe(session.id);
    expect(calls.get('sessions: get')).toBe(1);
  });

  it('two cookies looked up together are two lookups, each finding its own session', async () => {
    const writer = new SessionStore(t.store);
    const a = await newSession(writer);
    const b = await newSession(writer);
    const sessions = new SessionStore(counted);
    calls.clear();
    const [fa, fb] = await Promise.all([sessions.open(a.cookie), sessions.open(b.cookie)]);
    expect(calls.get('sessions: get')).toBe(2);
    expect([fa?.id, fb?.id]).toEqual([a.session.id, b.session.id]);
  });

  it('a wrong secret with a real session id shares no lookup with the right cookie and opens nothing', async () => {
    const { cookie, session } = await newSession(new SessionStore(t.store));
    const forged = cookie.slice(0, -4) + (cookie.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const sessions = new SessionStore(counted);
    const [right, wrong] = await Promise.all([sessions.open(cookie), sessions.open(forged)]);
    expect(right?.id).toBe(session.id);
    expect(wrong).toBeUndefined();
  });

  it('a revocation while a lookup is under way: the lookup is not remembered and the next request finds the session revoked', async () => {
    const sessions = new SessionStore(t.store);
    const { cookie, session } = await newSession(sessions);
    const under = sessions.open(cookie);
    await sessions.revoke(session.id, 'vitest', 'logout');
    await under; // read before or after the revocation: either way it must not be kept
    expect(await sessions.open(cookie)).toBeUndefined();
  });
});
