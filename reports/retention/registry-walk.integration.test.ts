/**
 * The retention walker handles registry entries by their shape, not their names:
 * aggregate tables (analytics figures) go on their family's cut-off, per conversation
 * when they have a conversation_id, are never kept by a hold and are not counted as
 * records; a materialized view writing TO another table is skipped; an entry it
 * cannot handle stops the job.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { AuditWriter } from '../../common/audit/index.js';
import { createLogger } from '../../common/logger.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import { savePolicy } from '../../common/retention/policy-store.js';
import { parsePolicy } from '../../common/retention/policy.js';
import { planRetention, RetentionPlanError } from '../../common/retention/plan.js';
import { PERSONAL_DATA_REGISTRY, type RegisteredTable } from '../../common/registry/personal-data.js';
import type { RetentionReport } from '../../common/retention/assess.js';
import { JobRunner } from '../jobs/job-runner.js';
import { createJobAuditor } from '../jobs/job-audit.js';
import { retentionJobKind } from './retention-job.js';
import { TEST_POLICY, agedArchive, storeArchive } from './testing/aged-archive.js';

let ts: TestStore;
const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
const aggregate = (name: string): RegisteredTable => ({ name, kind: 'table', holds: 'none', owner: 'reports', retention: { family: 'messages', timeColumn: name === 'test_daily_counts' ? 'day' : 'week', aggregate: true }, erasure: { how: 'not-applicable', why: 'test figures' } });
const REGISTRY: RegisteredTable[] = [
  ...PERSONAL_DATA_REGISTRY,
  aggregate('test_daily_counts'),
  aggregate('test_weekly_totals'),
  { name: 'test_counts_mv', kind: 'materialized-view', holds: 'none', owner: 'reports', retention: { family: 'follows-source', source: 'message_versions' }, erasure: { how: 'with-source', source: 'message_versions', keys: ['tenant'] } },
];

beforeAll(async () => {
  ts = await openTestStore('retention-walk');
  await storeArchive(ts.store, agedArchive());
  await ts.store.command('test: aggregate', 'CREATE TABLE test_daily_counts (tenant String, day Date, conversation_id String, messages UInt64) ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY (tenant, day, conversation_id)');
  await ts.store.command('test: aggregate', "CREATE TABLE test_weekly_totals (tenant String, week DateTime64(3, 'UTC'), messages UInt64) ENGINE = MergeTree ORDER BY (tenant, week)");
  await ts.store.command('test: mv to', "CREATE MATERIALIZED VIEW test_counts_mv TO test_daily_counts AS SELECT tenant, toDate(time) AS day, conversation_id, count() AS messages FROM message_versions WHERE tenant = 'nobody' GROUP BY tenant, day, conversation_id");
  await ts.store.insert('test: figures', 'test_daily_counts', [
    { tenant: 'acme', day: day(730), conversation_id: 'C-chan', messages: 3 }, // default P90D: goes
    { tenant: 'acme', day: day(201), conversation_id: 'C-chan', messages: 1 }, // U-held's day: a hold never keeps figures
    { tenant: 'acme', day: day(200), conversation_id: 'C-explicit', messages: 1 }, // explicit P1Y: stays
    { tenant: 'acme', day: day(60), conversation_id: 'D1', messages: 2 }, // dm P30D: goes
    { tenant: 'acme', day: day(60), conversation_id: 'C-chan', messages: 1 }, // default P90D: stays
    { tenant: 'globex', day: day(730), conversation_id: 'C-chan', messages: 9 }, // other tenant: stays
  ]);
  await ts.store.insert('test: figures', 'test_weekly_totals', [
    { tenant: 'acme', week: `${day(700)} 00:00:00.000`, messages: 5 }, // the family default P90D: goes
    { tenant: 'acme', week: `${day(20)} 00:00:00.000`, messages: 5 }, // stays
  ]);
  await savePolicy(ts.store, 'acme', parsePolicy(TEST_POLICY), 'test');
  await new HoldStore(ts.store).create('acme', { caseName: 'c', reason: 'r', scope: { custodians: ['U-held'], conversations: ['C-chan'], from: null, to: null, q: '' }, createdBy: 'test' });
}, 120_000);
afterAll(async () => ts?.close());

describe('the registry walk', () => {
  it('skips a materialized view that writes TO another table, and stops on an entry it cannot handle', async () => {
    const plan = await planRetention(ts.store, REGISTRY);
    expect(plan.skipped.find((s) => s.table === 'test_counts_mv')?.why).toMatch(/TO another table/);
    expect(plan.tables.find((t) => t.table === 'test_daily_counts')).toMatchObject({ aggregate: true, monthlyPartitions: true, family: 'messages' });
    await ts.store.command('test: bad', 'CREATE TABLE test_no_tenant (day Date) ENGINE = MergeTree ORDER BY day');
    await expect(planRetention(ts.store, [...REGISTRY, { ...aggregate('test_no_tenant'), retention: { family: 'messages', timeColumn: 'day', aggregate: true } }])).rejects.toThrow(RetentionPlanError);
    await expect(planRetention(ts.store, [...REGISTRY, aggregate('test_not_there')])).rejects.toThrow(/not in the store/);
  });

  it('removes aggregate figures on the family cut-off (per conversation where they have one), never held, not counted as records', async () => {
    const runner = new JobRunner({ store: ts.store, log: createLogger('silent'), audit: createJobAuditor(new AuditWriter(ts.store)), jobsDir: join(ts.dataDir, 'jobs'), kinds: [retentionJobKind({ dataDir: ts.dataDir, registry: REGISTRY })] });
    const dry = await runner.run(await runner.submit('acme', 'retention', { dry_run: true }, { subjectRef: 'test', kind: 'test' }));
    const report = (dry.result as { report: RetentionReport }).report;
    expect(report.tables.test_daily_counts).toMatchObject({ role: 'aggregate', remove: 3, held: 0 });
    expect(report.tables.test_weekly_totals).toMatchObject({ role: 'aggregate', remove: 1 });
    const recordTables = Object.entries(report.tables).filter(([, t]) => t.family === 'messages' && t.role === 'records').reduce((a, [, t]) => a + t.remove, 0);
    expect(report.families.messages).toBe(recordTables);
    const real = await runner.run(await runner.submit('acme', 'retention', {}, { subjectRef: 'test', kind: 'test' }));
    expect(real.state, real.error).toBe('done');
    const rows = await ts.store.query<{ tenant: string; day: string; conversation_id: string }>('test: left', 'SELECT tenant, toString(day) AS day, conversation_id FROM test_daily_counts ORDER BY tenant, day');
    expect(rows).toEqual([
      { tenant: 'acme', day: day(200), conversation_id: 'C-explicit' },
      { tenant: 'acme', day: day(60), conversation_id: 'C-chan' },
      { tenant: 'globex', day: day(730), conversation_id: 'C-chan' },
    ]);
    const weeks = await ts.store.query<{ n: string }>('test: weeks', 'SELECT count() AS n FROM test_weekly_totals');
    expect(Number(weeks[0]!.n)).toBe(1);
  });
});
