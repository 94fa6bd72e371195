/**
 * The retention job on the real store, with records at known ages (testing/aged-archive.ts):
 * dry run = real run field by field; partition and row paths each where they should
 * be; every registered table cleaned; removed text in no file of the data directory
 * (read through ClickHouse's compression, with a control that must be found); a
 * held record survives and goes after release; the other tenant untouched; the
 * audit chain's expired start cut behind a signed checkpoint that verify accepts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createPublicKey, verify } from 'node:crypto';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { ensureVenv } from '../../test/helpers/python-venv.js';
import { AuditWriter, verifyAuditChain } from '../../common/audit/index.js';
import { createLogger } from '../../common/logger.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import { savePolicy } from '../../common/retention/policy-store.js';
import { parsePolicy } from '../../common/retention/policy.js';
import { planRetention } from '../../common/retention/plan.js';
import { listReceipts } from '../../common/retention/receipts.js';
import type { RetentionReport } from '../../common/retention/assess.js';
import { JobRunner } from '../jobs/job-runner.js';
import { createJobAuditor } from '../jobs/job-audit.js';
import { jobKinds } from '../job-kinds.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import type { Job } from '../../common/jobs/job-model.js';
import { queueDueRetention, dueRunTime } from './retention-schedule.js';
import { TEST_POLICY, agedArchive, expectedGone, storeArchive, type AgedArchive } from './testing/aged-archive.js';

let ts: TestStore;
let runner: JobRunner;
let archive: AgedArchive;
let audit: AuditWriter;
let python: string;
const RECORD_TABLES = ['message_versions', 'message_deletions', 'reactions', 'calls', 'app_invocations', 'admin_events'];

async function countRows(table: string, tenant: string): Promise<number> {
  const [r] = await ts.store.query<{ n: string }>('test: count', `SELECT count() AS n FROM ${table} WHERE tenant = {tenant:String}`, { tenant });
  return Number(r!.n);
}

async function snapshot(tenant: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  // The audit chain grows with every job's own entries: it is checked on its own below.
  for (const t of (await planRetention(ts.store)).tables.filter((x) => !x.chain)) out[t.table] = await countRows(t.table, tenant);
  return out;
}

async function runJob(params: Record<string, unknown>): Promise<Job> {
  const job = await runner.submit('acme', 'retention', params, { subjectRef: 'test', kind: 'test' });
  const done = await runner.run(job);
  expect(done.error).toBe('');
  expect(done.state).toBe('done');
  return done;
}

function searchFiles(strings: string[]): Record<string, string[]> {
  const list = join(ts.dataDir, '..', `strings-${Date.now()}.txt`);
  writeFileSync(list, strings.join('\n'));
  const r = spawnSync(python, [resolve(import.meta.dirname, '../../test/helpers/store-files.py'), ts.dataDir, list], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, string[]>;
}

beforeAll(async () => {
  python = ensureVenv('store-files', ['lz4==4.4.5', 'zstandard==0.25.0']);
  ts = await openTestStore('retention');
  audit = new AuditWriter(ts.store);
  runner = new JobRunner({ store: ts.store, log: createLogger('silent'), audit: createJobAuditor(audit), jobsDir: join(ts.dataDir, 'jobs'), kinds: jobKinds({ dataDir: ts.dataDir }) });
  archive = agedArchive();
  await storeArchive(ts.store, archive);
  // Five audit entries older than the audit rule's year, then the job's own entries (now).
  for (let i = 0; i < 5; i += 1) {
    await audit.append({ tenant: 'acme', timeMs: archive.now - 400 * 86_400_000 + i, subjectRef: 'test', subjectKind: 'test', roles: [], authMethod: 'test', operationId: 'old', action: 'test.old', httpMethod: 'GET', route: '/old', params: {}, resultCount: null, status: 200, ip: '', userAgent: '', requestId: `old-${i}` });
  }
  await savePolicy(ts.store, 'acme', parsePolicy(TEST_POLICY), 'test');
}, 600_000);

afterAll(async () => {
  await ts?.close();
});

describe('retention job', () => {
  let dry: RetentionReport;
  let globexBefore: Record<string, number>;
  let holdId: string;

  it('a dry run reports what the generator says goes, per table, and changes nothing', async () => {
    holdId = (await new HoldStore(ts.store).create('acme', { caseName: 'Acme v. Doe', reason: 'litigation', scope: { custodians: ['U-held'], conversations: [], from: null, to: null, q: '' }, createdBy: 'test' })).id;
    globexBefore = await snapshot('globex');
    const before = await snapshot('acme');
    const job = await runJob({ dry_run: true });
    dry = (job.result as { report: RetentionReport }).report;
    for (const t of RECORD_TABLES) {
      expect(dry.tables[t]?.remove ?? 0, t).toBe(expectedGone(archive, 'acme', t));
      expect(dry.tables[t]?.held ?? 0, `${t} held`).toBe(expectedGone(archive, 'acme', t, ['held']));
    }
    expect(dry.families.messages).toBe(['message_versions', 'message_deletions', 'reactions'].reduce((a, t) => a + expectedGone(archive, 'acme', t), 0));
    expect(dry.families.audit).toBe(5);
    expect(dry.holds[holdId]!.kept.message_versions).toBe(expectedGone(archive, 'acme', 'message_versions', ['held']));
    expect(dry.holds[holdId]!.kept.calls).toBe(2);
    expect(dry.conversations.messages!.D1).toBe(archive.records.filter((r) => r.conversation === 'D1' && r.fate === 'gone').length);
    expect(dry.rules['messages: rules[0].messages']).toBe(archive.records.filter((r) => r.tenant === 'acme' && r.conversation === 'D1' && r.fate === 'gone').length);
    expect(await snapshot('acme')).toEqual(before);
  });

  it('the real run removes exactly what the dry run reported, by partition where a month is all expired and by rows elsewhere', async () => {
    const job = await runJob({});
    const receiptFile = readFileSync(join(ts.dataDir, 'jobs', 'acme', job.id, 'receipt.json'));
    const signature = readFileSync(join(ts.dataDir, 'jobs', 'acme', job.id, 'receipt.json.sig'));
    const key = loadOrCreateSigningKey(ts.dataDir, 'acme');
    expect(verify(null, receiptFile, createPublicKey(key.publicKeyPem), signature)).toBe(true);
    const receipt = JSON.parse(receiptFile.toString('utf8')) as { removed: RetentionReport; statements: Array<{ table: string; partition: string; path: string; rows: number }>; after: { records_left: number } };
    for (const field of ['families', 'rules', 'conversations', 'tables', 'holds', 'audit_through_seq'] as const) expect(receipt.removed[field], field).toEqual(dry[field]);
    // The cut-offs are the same rules at the run's own instant.
    const rulesOf = (r: RetentionReport) => Object.fromEntries(Object.entries(r.cutoffs).map(([f, cs]) => [f, cs.map((c) => `${c.class} ${c.rule} ${c.cutoff === null}`)]));
    expect(rulesOf(receipt.removed)).toEqual(rulesOf(dry));
    expect(receipt.after.records_left).toBe(0);
    // No message text in the receipt.
    for (const s of Object.values(archive.strings)) expect(receiptFile.toString('utf8')).not.toContain(s);
    const month = (days: number) => new Date(archive.now - days * 86_400_000).toISOString().slice(0, 7).replace('-', '');
    const path = (table: string, days: number) => receipt.statements.find((s) => s.table === table && s.partition === month(days))?.path;
    expect(path('message_versions', 730)).toBe('partition');
    expect(path('reactions', 730)).toBe('partition');
    expect(path('message_deletions', 730)).toBe('partition');
    expect(path('message_versions', 200)).toBe('rows');
    expect(path('message_versions', 60)).toBe('rows');
    const { receipts } = await listReceipts(ts.store, 'acme', { limit: 10 });
    expect(receipts.map((r) => r.jobId)).toContain(job.id);
  });

  it('every registered table (lookup views too) keeps exactly the records the generator keeps', async () => {
    for (const t of RECORD_TABLES) {
      expect(await countRows(t, 'acme'), t).toBe(archive.records.filter((r) => r.tenant === 'acme' && r.table === t && r.fate !== 'gone').length);
    }
    const goneMessages = [...new Set(archive.records.filter((r) => r.tenant === 'acme' && r.table === 'message_versions' && r.fate === 'gone').map((r) => r.key))];
    // Every table of message records and their copies (aggregate figures have no message keys: a test of their own covers them).
    for (const t of (await planRetention(ts.store)).tables.filter((x) => x.family === 'messages' && x.columns.has('message_id'))) {
      const [r] = await ts.store.query<{ n: string }>('test: gone keys', `SELECT count() AS n FROM ${t.table} WHERE tenant = 'acme' AND message_id IN {ids:Array(String)}`, { ids: goneMessages });
      expect(Number(r!.n), `${t.table} still has removed messages`).toBe(0);
    }
    const [kept] = await ts.store.query<{ n: string }>('test: kept keys', "SELECT count() AS n FROM reactions_by_message WHERE tenant = 'acme' AND message_id IN ('m-new', 'm-held')");
    expect(Number(kept!.n)).toBe(2);
    expect(await snapshot('globex')).toEqual(globexBefore);
  });

  it('removed text is in no file under the data directory; kept and held text is', () => {
    const found = searchFiles(Object.values(archive.strings));
    expect(found[archive.strings.kept]!.length, 'the control must be found').toBeGreaterThan(0);
    expect(found[archive.strings.held]!.length).toBeGreaterThan(0);
    expect(found[archive.strings.gonePartition]).toEqual([]);
    expect(found[archive.strings.goneRows]).toEqual([]);
  });

  it("the audit chain's expired start is gone behind a signed checkpoint, and the chain verifies", async () => {
    const [r] = await ts.store.query<{ n: string; first: string }>('test: audit', "SELECT count() AS n, min(seq) AS first FROM audit_log WHERE tenant = 'acme'");
    expect(Number(r!.first)).toBe(6);
    const v = await verifyAuditChain(ts.store, 'acme', { trustedKeyIds: [loadOrCreateSigningKey(ts.dataDir, 'acme').keyId] });
    expect(v.first_bad).toBeNull();
    expect(v.ok).toBe(true);
    expect(v.checkpoint?.seq).toBe(5);
    expect(v.entries).toBe(Number(r!.n));
    const other = await verifyAuditChain(ts.store, 'acme', { trustedKeyIds: ['0000000000000000'] });
    expect(other.ok).toBe(false);
  });

  it('serve queues one run a day per tenant with a policy, from the configured hour', async () => {
    const log = createLogger('silent');
    const now = new Date();
    expect(dueRunTime(new Date(Date.UTC(2026, 0, 1, 1, 59)), 2)).toBeNull();
    expect(dueRunTime(new Date(Date.UTC(2026, 0, 1, 2, 0)), 2)?.toISOString()).toBe('2026-01-01T02:00:00.000Z');
    // acme ran today already; globex gets a policy that keeps everything, and its first daily run.
    await savePolicy(ts.store, 'globex', parsePolicy({ default: {} }), 'test');
    const first = await queueDueRetention(runner, ts.store, { hour: 0, now, log });
    expect(first).toHaveLength(1);
    expect((await runner.get('globex', first[0]!)).kind).toBe('retention');
    expect(await queueDueRetention(runner, ts.store, { hour: 0, now, log })).toEqual([]);
    await runner.cancel('globex', first[0]!, { subjectRef: 'test', kind: 'test' });
  });

  it('a released hold lets the next run remove what it kept', async () => {
    await new HoldStore(ts.store).release('acme', holdId, { by: 'test', reason: 'case closed' });
    const job = await runJob({});
    expect((job.result as { removed: Record<string, number> }).removed.messages).toBe(['message_versions', 'message_deletions', 'reactions'].reduce((a, t) => a + expectedGone(archive, 'acme', t, ['held']), 0));
    expect(await countRows('calls', 'acme')).toBe(archive.records.filter((r) => r.tenant === 'acme' && r.table === 'calls' && r.fate === 'kept').length);
    const found = searchFiles([archive.strings.held, archive.strings.kept]);
    expect(found[archive.strings.held]).toEqual([]);
    expect(found[archive.strings.kept]!.length).toBeGreaterThan(0);
    expect(await snapshot('globex')).toEqual(globexBefore);
  });
});
