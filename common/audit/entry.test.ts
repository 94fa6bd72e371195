import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, chainEntry, entryHash, entryHashV1, outcomeOf, type AuditRecord, type ChainedEntry } from './entry.js';
import { checkEntry } from './verify.js';
import { pseudonymizer, SUBJECT_REF_PATTERN } from './pseudonym.js';

const base: AuditRecord = {
  tenant: 'acme', timeMs: 1_795_000_000_123, subjectRef: 'sr_x', subjectKind: 'person', roles: ['auditor'], authMethod: 'oidc_bearer',
  operationId: 'searchAuditLog', action: 'audit.search', httpMethod: 'get', route: '/v1/tenants/:tenant/audit', params: { query: { b: 1, a: 'x' } },
  resultCount: 3, status: 200, ip: '127.0.0.1', userAgent: 'ua', requestId: 'r1',
};

describe('audit entry hashing', () => {
  it('serializes parameters canonically: key order does not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(chainEntry({ ...base, params: { query: { a: 'x', b: 1 } } }, 1, GENESIS_HASH).hash).toBe(chainEntry(base, 1, GENESIS_HASH).hash);
  });

  it('changes the hash when any field, the seq or the previous hash changes', () => {
    const e = chainEntry(base, 7, 'f'.repeat(64));
    const variants: Array<Partial<AuditRecord>> = [
      { tenant: 'acme2' }, { timeMs: base.timeMs + 1 }, { subjectRef: 'sr_y' }, { subjectKind: 'api_token' }, { roles: ['admin'] }, { authMethod: 'api_token' },
      { operationId: 'x' }, { action: 'x' }, { httpMethod: 'post' }, { route: '/x' }, { params: { query: { a: 'y', b: 1 } } }, { resultCount: null },
      { status: 403 }, { ip: '10.0.0.1' }, { userAgent: 'ub' }, { requestId: 'r2' },
    ];
    const hashes = new Set([e.hash]);
    for (const v of variants) hashes.add(chainEntry({ ...base, ...v }, 7, 'f'.repeat(64)).hash);
    hashes.add(chainEntry(base, 8, 'f'.repeat(64)).hash);
    hashes.add(chainEntry(base, 7, 'e'.repeat(64)).hash);
    expect(hashes.size).toBe(variants.length + 3);
    expect(entryHash(e)).toBe(e.hash);
  });

  it('hashes the outcome (version 2), and still verifies version 1 entries written before', () => {
    const e = chainEntry({ ...base, status: 404, outcome: 'denied' }, 3, 'f'.repeat(64));
    expect(checkEntry(e, 3, 'f'.repeat(64))).toBeNull();
    expect(checkEntry({ ...e, outcome: 'not_found' }, 3, 'f'.repeat(64))?.reason).toMatch(/changed/);
    // A version 1 entry: hashed without the outcome, which was then derived from the status (404 -> denied).
    const v1Base = { ...e, outcome: 'denied' as const };
    const v1: ChainedEntry = { ...v1Base, hash: entryHashV1(v1Base) };
    expect(checkEntry(v1, 3, 'f'.repeat(64))).toBeNull();
    expect(checkEntry({ ...v1, outcome: 'not_found' }, 3, 'f'.repeat(64))?.reason).toMatch(/changed/);
    expect(checkEntry({ ...v1, status: 403 }, 3, 'f'.repeat(64))?.reason).toMatch(/changed/);
  });

  it('says not_found for a 404 and denied for 401/403 unless told otherwise', () => {
    expect([200, 401, 403, 404, 400, 429, 500].map(outcomeOf)).toEqual(['success', 'denied', 'denied', 'not_found', 'invalid', 'invalid', 'error']);
    expect(chainEntry({ ...base, status: 404 }, 1, GENESIS_HASH).outcome).toBe('not_found');
  });

  it('checks seq, link and hash in that order', () => {
    const e1 = chainEntry(base, 1, GENESIS_HASH);
    const e2 = chainEntry(base, 2, e1.hash);
    expect(checkEntry(e1, 1, GENESIS_HASH)).toBeNull();
    expect(checkEntry(e2, 2, e1.hash)).toBeNull();
    expect(checkEntry(e2, 1, GENESIS_HASH)?.reason).toMatch(/missing/);
    expect(checkEntry(e1, 2, e1.hash)?.reason).toMatch(/again/);
    expect(checkEntry(e2, 2, GENESIS_HASH)?.reason).toMatch(/prev_hash/);
    expect(checkEntry({ ...e2, status: 500 }, 2, e1.hash)?.reason).toMatch(/changed/);
  });

  it('derives stable, key-dependent pseudonyms', () => {
    const a = pseudonymizer(Buffer.alloc(32, 1));
    const b = pseudonymizer(Buffer.alloc(32, 2));
    expect(a.refOf('oidc:https://idp#alice')).toBe(a.refOf('oidc:https://idp#alice'));
    expect(a.refOf('oidc:https://idp#alice')).not.toBe(b.refOf('oidc:https://idp#alice'));
    expect(a.refOf('oidc:https://idp#alice')).not.toBe(a.refOf('oidc:https://idp#bob'));
    expect(a.refOf('x')).toMatch(SUBJECT_REF_PATTERN);
  });
});
