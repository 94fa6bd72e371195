/**
 * Signed checkpoints of the audit chain head, against a real store and the real
 * Kafka broker: published to a directory and a topic; then the newest entries are
 * deleted (the chain alone still verifies, the checkpoints show the missing tail), an
 * old entry is rewritten with every later hash recomputed (the chain verifies, the
 * checkpoints show the rewrite), and forged checkpoints are refused.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { runCli } from '../../test/helpers/cli.js';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { createLogger } from '../logger.js';
import { keyIdOf, loadOrCreateSigningKey } from '../keys/signing-keys.js';
import {
  AuditWriter, CheckpointPublisher, directorySink, kafkaSink, readCheckpointDirectory, readCheckpointTopic, signedBytes, verifyAgainstCheckpoints, verifyAuditChain,
  type AuditRecord, type Checkpoint, type CheckpointSink,
} from './index.js';
import { AUDIT_COLUMNS, fromRow, toInsertRow, type AuditRow } from './rows.js';
import { chainEntry, GENESIS_HASH } from './entry.js';

let ts: TestStore;
let writer: AuditWriter;
let dir: string;
/** A copy of the directory after the first round: only the checkpoints the damaged chains still satisfy for cp-tail. */
let firstRound: string;
let storeClosed = false;
let sinks: CheckpointSink[];
let publisher: CheckpointPublisher;
const topic = `audit-checkpoints-${Date.now()}`;
const brokers = () => inject('kafkaBrokers').split(',');
const sync = { mutations_sync: '2' } as never;
const registry = new Registry();

const record = (tenant: string, i: number): AuditRecord => ({
  tenant, timeMs: Date.UTC(2026, 11, 7, 10, 0, i), subjectRef: 'sr_' + 'b'.repeat(32), subjectKind: 'api_token', roles: ['auditor'], authMethod: 'api_token',
  operationId: 'searchAuditLog', action: 'audit.search', httpMethod: 'get', route: '/v1/tenants/:tenant/audit', params: { query: { limit: i } },
  resultCount: i, status: 200, ip: '127.0.0.1', userAgent: 'vitest', requestId: `req-${i}`,
});
async function append(tenant: string, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) await writer.append(record(tenant, i));
}
const publicKey = (tenant: string) => loadOrCreateSigningKey(ts.dataDir, tenant).publicKeyPem;

beforeAll(async () => {
  ts = await openTestStore('audit-checkpoints');
  writer = new AuditWriter(ts.store);
  dir = mkdtempSync(join(ts.dataDir, '..', 'checkpoints-'));
  sinks = [directorySink(dir), await kafkaSink({ brokers: brokers(), clientId: 'custos-test', topic })];
  publisher = new CheckpointPublisher({ store: ts.store, signerFor: (t) => loadOrCreateSigningKey(ts.dataDir, t), sinks, log: createLogger('silent'), registry });
});
afterAll(async () => {
  for (const s of sinks ?? []) await s.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(firstRound, { recursive: true, force: true });
  if (storeClosed) rmSync(ts.dataDir, { recursive: true, force: true });
  else await ts?.close();
});

describe('publishing', () => {
  it('signs the head of each chain and writes it to the directory, the topic and the table; nothing new when the head has not moved', async () => {
    await append('cp-tail', 1, 5);
    await append('cp-rewrite', 1, 8);
    const round = await publisher.publishOnce();
    const heads = Object.fromEntries(round.published.map((c) => [c.tenant, c.seq]));
    expect(heads).toMatchObject({ 'cp-tail': 5, 'cp-rewrite': 8 });
    expect(readdirSync(join(dir, 'cp-tail'))).toEqual(['00000000000000000005.json']);
    const onTopic = await readCheckpointTopic({ brokers: brokers(), clientId: 'custos-test', topic }, 'cp-tail');
    expect(onTopic.map((c) => c.seq)).toEqual([5]);
    expect((await publisher.publishOnce()).published).toEqual([]);
    // Any Ed25519 tool can check one: the signed bytes are the fixed line format.
    const c = JSON.parse(readFileSync(join(dir, 'cp-tail', '00000000000000000005.json'), 'utf8')) as Checkpoint;
    expect(signedBytes(c).toString()).toBe(`custos-audit-checkpoint v1\ncp-tail\n5\n${c.hash}\n${c.time}\n`);
    firstRound = mkdtempSync(join(dir, '..', 'first-round-'));
    cpSync(dir, firstRound, { recursive: true });
  });

  it('verifies an untouched chain against the checkpoints from the directory and from the topic', async () => {
    for (const checkpoints of [readCheckpointDirectory(dir), await readCheckpointTopic({ brokers: brokers(), clientId: 'custos-test', topic })]) {
      const r = await verifyAgainstCheckpoints(ts.store, 'cp-tail', checkpoints, publicKey('cp-tail'));
      expect(r).toMatchObject({ ok: true, checkpoints: 1, last_checkpoint_seq: 5, findings: [] });
    }
  });
});

describe('what only checkpoints can show', () => {
  it('detects deleted newest entries (the chain alone still verifies), and the publisher refuses to checkpoint over them', async () => {
    await append('cp-tail', 6, 4); // entries 6..9
    expect((await publisher.publishOnce()).published.map((c) => [c.tenant, c.seq])).toEqual([['cp-tail', 9]]);
    const removed = 3;
    await ts.store.command('test: delete tail', 'ALTER TABLE audit_log DELETE WHERE tenant = {t:String} AND seq > {keep:UInt64}', { t: 'cp-tail', keep: 9 - removed }, sync);
    const chainOnly = await verifyAuditChain(ts.store, 'cp-tail');
    expect(chainOnly).toMatchObject({ ok: true, head_seq: 9 - removed });
    const r = await verifyAgainstCheckpoints(ts.store, 'cp-tail', readCheckpointDirectory(dir, 'cp-tail'), publicKey('cp-tail'));
    expect(r.ok).toBe(false);
    expect(r.last_checkpoint_seq).toBe(5);
    expect(r.findings).toEqual([{ kind: 'missing-tail', seq: 9, detail: expect.stringContaining(`${removed} newest entries were removed`) }]);
    const fromTopic = await verifyAgainstCheckpoints(ts.store, 'cp-tail', await readCheckpointTopic({ brokers: brokers(), clientId: 'custos-test', topic }), publicKey('cp-tail'));
    expect(fromTopic.findings.map((f) => f.kind)).toEqual(['missing-tail']);
    expect((await publisher.publishOnce()).truncated).toEqual(['cp-tail']);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/custos_audit_chain_truncated\{tenant="cp-tail"\} 1/);
    expect(metrics).toMatch(/custos_audit_checkpoints_published_total\{tenant="cp-tail"\} 2/);
  });

  it('detects an old entry rewritten with every later hash recomputed (the chain alone still verifies)', async () => {
    const rows = await ts.store.query<AuditRow>('test: read', `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE tenant = 'cp-rewrite' ORDER BY seq`);
    const entries = rows.map(fromRow);
    let prev = GENESIS_HASH;
    const forged = entries.map((e) => {
      const changed = e.seq === 3 ? { ...e, status: 403, resultCount: 0 } : e;
      const again = chainEntry(changed, e.seq, prev);
      prev = again.hash;
      return again;
    });
    await ts.store.command('test: drop chain', "ALTER TABLE audit_log DELETE WHERE tenant = 'cp-rewrite'", {}, sync);
    await ts.store.insert('test: insert rewritten', 'audit_log', forged.map(toInsertRow));
    expect((await verifyAuditChain(ts.store, 'cp-rewrite')).ok).toBe(true);
    const r = await verifyAgainstCheckpoints(ts.store, 'cp-rewrite', readCheckpointDirectory(dir), publicKey('cp-rewrite'));
    expect(r.ok).toBe(false);
    expect(r.findings).toEqual([{ kind: 'rewritten', seq: 8, detail: expect.stringContaining('was rewritten') }]);
  });

  it('refuses a forged checkpoint: altered after signing, or signed by another key', async () => {
    const [real] = readCheckpointDirectory(dir, 'cp-rewrite');
    const altered: Checkpoint = { ...real!, seq: real!.seq + 50 };
    const other = generateKeyPairSync('ed25519');
    const foreignBody = { tenant: 'cp-rewrite', seq: 100, hash: real!.hash, time: real!.time };
    const foreign: Checkpoint = { ...real!, ...foreignBody, key_id: keyIdOf(other.publicKey), signature: sign(null, signedBytes(foreignBody), other.privateKey).toString('base64') };
    const r = await verifyAgainstCheckpoints(ts.store, 'cp-rewrite', [altered, foreign], publicKey('cp-rewrite'));
    expect(r.findings.map((f) => [f.kind, f.seq])).toEqual([['forged-checkpoint', real!.seq + 50], ['forged-checkpoint', 100]]);
    expect(r.findings[0]!.detail).toMatch(/does not verify/);
    expect(r.findings[1]!.detail).toMatch(/not the tenant's key/);
    expect(r.ok).toBe(false);
  });
});

describe('custos audit verify --checkpoints (the CLI, on the same data directory)', () => {
  it('passes with checkpoints the chain still satisfies, and fails with one clear line on a missing tail (directory and kafka:TOPIC)', async () => {
    await ts.store.close();
    storeClosed = true;
    const env = { CUSTOS_DATA_DIR: ts.dataDir, KAFKA_BROKERS: inject('kafkaBrokers') };
    const ok = runCli(['audit', 'verify', '--tenant', 'cp-tail', '--checkpoints', firstRound], env);
    expect(ok.stderr).toMatch(/1 checkpoint\(s\) matched, all intact/);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ tenant: 'cp-tail', ok: true, last_checkpoint_seq: 5 });
    for (const source of [dir, `kafka:${topic}`]) {
      const bad = runCli(['audit', 'verify', '--tenant', 'cp-tail', '--checkpoints', source], env);
      expect(bad.status, source).toBe(1);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr, source).toMatch(/audit log of tenant cp-tail fails its checkpoints \(missing-tail at entry 9\)/);
    }
    const all = runCli(['audit', 'verify', '--checkpoints', dir], env);
    expect(all.status).toBe(1);
    const lines = all.stdout.trim().split('\n').map((l) => JSON.parse(l) as { tenant: string; findings: Array<{ kind: string }> });
    expect(Object.fromEntries(lines.map((l) => [l.tenant, l.findings.map((f) => f.kind)]))).toEqual({ 'cp-rewrite': ['rewritten'], 'cp-tail': ['missing-tail'] });
    const noKey = runCli(['audit', 'verify', '--public-key', '/nonexistent.pem', '--checkpoints', dir], env);
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toMatch(/--public-key: needs --tenant/);
  });
});
