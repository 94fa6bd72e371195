/**
 * The audit chain in a real store: concurrent appends stay one gapless chain per
 * tenant, and tampering done the way an insider with store access would do it
 * (ALTER TABLE ... UPDATE / DELETE, deleting and re-inserting rows) is detected by
 * verify, which names the first entry that does not match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { AuditWriter, verifyAuditChain, type AuditRecord } from './index.js';
import { AUDIT_COLUMNS, toInsertRow, fromRow, type AuditRow } from './rows.js';
import { entryHash } from './entry.js';

let ts: TestStore;
let writer: AuditWriter;

const record = (tenant: string, i: number): AuditRecord => ({
  tenant,
  timeMs: Date.UTC(2026, 10, 25, 10, 0, i),
  subjectRef: 'sr_' + 'a'.repeat(32),
  subjectKind: 'api_token',
  roles: ['auditor'],
  authMethod: 'api_token',
  operationId: 'searchAuditLog',
  action: 'audit.search',
  httpMethod: 'get',
  route: '/v1/tenants/:tenant/audit',
  params: { query: { action: `a${i}`, limit: i } },
  resultCount: i,
  status: 200,
  ip: '127.0.0.1',
  userAgent: 'vitest',
  requestId: `req-${i}`,
});

async function seed(tenant: string, n: number): Promise<void> {
  // Concurrent on purpose: the writer must serialize them into one chain.
  await Promise.all(Array.from({ length: n }, (_, i) => writer.append(record(tenant, i + 1))));
}

const sync = { mutations_sync: '2' } as never;

async function rows(tenant: string): Promise<AuditRow[]> {
  return ts.store.query<AuditRow>('test: rows', `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE tenant = {tenant:String} ORDER BY seq`, { tenant });
}

beforeAll(async () => {
  ts = await openTestStore('audit-chain');
  writer = new AuditWriter(ts.store);
});
afterAll(async () => {
  await ts?.close();
});

describe('audit hash chain', () => {
  it('keeps concurrent appends in one gapless chain per tenant that verifies', async () => {
    await Promise.all([seed('intact', 25), seed('other', 5)]);
    const r = await verifyAuditChain(ts.store, 'intact');
    expect(r).toMatchObject({ ok: true, entries: 25, head_seq: 25, first_bad: null });
    expect((await rows('intact')).map((x) => Number(x.seq))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect((await verifyAuditChain(ts.store, 'other')).entries).toBe(5);
  });

  it('detects a changed field (ALTER TABLE UPDATE)', async () => {
    await seed('changed', 8);
    await ts.store.command('test: tamper', "ALTER TABLE audit_log UPDATE status = 403 WHERE tenant = 'changed' AND seq = 5", {}, sync);
    const r = await verifyAuditChain(ts.store, 'changed');
    expect(r.ok).toBe(false);
    expect(r.first_bad).toMatchObject({ seq: 5 });
    expect(r.first_bad!.reason).toMatch(/changed/);
    expect(r.entries).toBe(4);
  });

  it('detects a changed parameter and a changed subject', async () => {
    await seed('params', 6);
    await ts.store.command('test: tamper', `ALTER TABLE audit_log UPDATE params = '{"query":{"action":"nothing to see"}}' WHERE tenant = 'params' AND seq = 2`, {}, sync);
    expect((await verifyAuditChain(ts.store, 'params')).first_bad?.seq).toBe(2);
    await seed('subject', 6);
    await ts.store.command('test: tamper', "ALTER TABLE audit_log UPDATE subject_ref = 'sr_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' WHERE tenant = 'subject' AND seq = 6", {}, sync);
    expect((await verifyAuditChain(ts.store, 'subject')).first_bad?.seq).toBe(6);
  });

  it('detects a removed entry (ALTER TABLE DELETE)', async () => {
    await seed('removed', 8);
    await ts.store.command('test: tamper', "ALTER TABLE audit_log DELETE WHERE tenant = 'removed' AND seq = 3", {}, sync);
    const r = await verifyAuditChain(ts.store, 'removed');
    expect(r.first_bad).toMatchObject({ seq: 3 });
    expect(r.first_bad!.reason).toMatch(/missing/);
  });

  it('detects reordered entries (rows deleted and re-inserted with their seq swapped)', async () => {
    await seed('reordered', 8);
    const [four, five] = (await rows('reordered')).filter((x) => Number(x.seq) === 4 || Number(x.seq) === 5).map(fromRow);
    await ts.store.command('test: tamper', "ALTER TABLE audit_log DELETE WHERE tenant = 'reordered' AND seq IN (4, 5)", {}, sync);
    await ts.store.insert('test: reinsert', 'audit_log', [toInsertRow({ ...five!, seq: 4 }), toInsertRow({ ...four!, seq: 5 })]);
    const r = await verifyAuditChain(ts.store, 'reordered');
    expect(r.first_bad?.seq).toBe(4);
  });

  it('detects an entry rewritten with a freshly computed hash, at the next entry', async () => {
    await seed('rehashed', 6);
    const three = fromRow((await rows('rehashed'))[2]!);
    const forged = { ...three, status: 200, resultCount: 0, paramsJson: '{"query":{}}' };
    forged.hash = entryHash(forged);
    await ts.store.command('test: tamper', "ALTER TABLE audit_log DELETE WHERE tenant = 'rehashed' AND seq = 3", {}, sync);
    await ts.store.insert('test: reinsert', 'audit_log', [toInsertRow(forged)]);
    const r = await verifyAuditChain(ts.store, 'rehashed');
    expect(r.first_bad?.seq).toBe(4);
    expect(r.first_bad!.reason).toMatch(/prev_hash/);
  });

  it('detects a duplicated entry', async () => {
    await seed('duplicated', 4);
    const two = (await rows('duplicated'))[1]!;
    await ts.store.insert('test: duplicate', 'audit_log', [toInsertRow(fromRow(two))]);
    const r = await verifyAuditChain(ts.store, 'duplicated');
    expect(r.ok).toBe(false);
    expect(r.first_bad?.seq).toBe(2);
  });

  it('continues a chain after a restart (new writer reads the head from the store)', async () => {
    await seed('restart', 3);
    const again = new AuditWriter(ts.store);
    const e = await again.append(record('restart', 4));
    expect(e.seq).toBe(4);
    expect((await verifyAuditChain(ts.store, 'restart')).ok).toBe(true);
  });
});
