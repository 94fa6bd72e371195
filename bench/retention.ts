/**
 * Retention bench (issue 9): an archive of N messages (BENCH_RETENTION_MESSAGES,
 * default 1,000,000) over twelve whole months, with reactions and deletion marks,
 * then through the real job runner:
 * - a dry run over the whole archive (one scan per table);
 * - removal of the oldest month by the partition path (the month holds only this
 *   tenant: the partitions are dropped; lookup views are unpartitioned and take row
 *   deletes);
 * - removal of the next month by the row path (another tenant shares it: mutations
 *   that rewrite the month's parts), the physical rewrite included;
 * each with time, rows removed and bytes freed on disk, and the load average beside
 * it (other processes share the machine: figures are upper bounds).
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../common/config.js';
import { createStore, type Store } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { AuditWriter } from '../common/audit/index.js';
import { parsePolicy } from '../common/retention/policy.js';
import { savePolicy } from '../common/retention/policy-store.js';
import { createJobAuditor } from '../reports/jobs/job-audit.js';
import { JobRunner } from '../reports/jobs/job-runner.js';
import { jobKinds } from '../reports/job-kinds.js';
import { vocabulary } from './search.js';
import { fmt } from './lib/stats.js';

const TENANT = 'bench';
const START = Date.UTC(2025, 11, 1);
const MONTHS = 12;

async function fillMonths(store: Store, n: number): Promise<void> {
  const vocab = vocabulary();
  const span = Date.UTC(2025, 11 + MONTHS, 1) - START;
  const chunk = 500_000;
  for (let off = 0; off < n; off += chunk) {
    const count = Math.min(chunk, n - off);
    await store.command('bench: fill messages', `
      INSERT INTO message_versions (tenant, event_id, source, time, kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, extra, origin)
      SELECT {tenant:String}, concat('e', toString(number)), 'slack://TBENCH', t,
        'created', concat('m', toString(number)), concat('C', toString(cityHash64(number, 1) % 2000)), 'channel', '', concat('U', toString(cityHash64(number, 3) % 5000)),
        arrayStringConcat(arrayMap(k -> {vocab:Array(String)}[1 + cityHash64(number, k) % length({vocab:Array(String)})], range(5 + cityHash64(number, 5) % 26)), ' '),
        [], [], '', 'bench'
      FROM (SELECT number, fromUnixTimestamp64Milli(toInt64({start:UInt64} + intDiv(number * {span:UInt64}, {total:UInt64})), 'UTC') AS t FROM numbers({off:UInt64}, {count:UInt64}))
      -- No message within 10 minutes of a month's start or end: a run's cut-off (a few seconds
      -- after the policy is set) then falls where no message is, so a month is wholly in or out.
      WHERE t >= toStartOfMonth(t) + toIntervalMinute(10) AND t < toStartOfMonth(t) + toIntervalMonth(1) - toIntervalMinute(10)`, { tenant: TENANT, start: START, span, total: n, vocab, off, count });
  }
  await store.command('bench: reactions', `
    INSERT INTO reactions (tenant, event_id, source, time, action, message_id, conversation_id, user_id, emoji, extra, origin)
    SELECT tenant, concat(event_id, '-r'), source, time + toIntervalSecond(30), 'added', message_id, conversation_id, author_id, 'tada', '', 'bench'
    FROM message_versions WHERE tenant = {tenant:String} AND cityHash64(message_id, 9) % 10 = 0`, { tenant: TENANT });
  await store.command('bench: deletions', `
    INSERT INTO message_deletions (tenant, event_id, source, time, message_id, conversation_id, deleted_by, extra, origin)
    SELECT tenant, concat(event_id, '-d'), source, time + toIntervalMinute(5), message_id, conversation_id, author_id, '', 'bench'
    FROM message_versions WHERE tenant = {tenant:String} AND cityHash64(message_id, 8) % 100 = 0`, { tenant: TENANT });
  // Another tenant in the second month: that month cannot be dropped whole.
  await store.command('bench: other tenant', `
    INSERT INTO message_versions (tenant, event_id, source, time, kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, extra, origin)
    SELECT 'other', concat('o', toString(number)), 'slack://O', fromUnixTimestamp64Milli(toInt64({at:UInt64} + number * 60000), 'UTC'), 'created', concat('o', toString(number)), 'C1', 'channel', '', 'U1', 'other tenant', [], [], '', 'bench'
    FROM numbers(1000)`, { at: Date.UTC(2026, 0, 10) });
  for (const t of ['message_versions', 'reactions', 'message_deletions', 'message_author_keys', 'reactions_by_message', 'deletions_by_message']) {
    await store.command('bench: optimize', `OPTIMIZE TABLE ${t} FINAL`, {}, { alter_sync: '2' } as never);
  }
}

async function bytesOnDisk(store: Store): Promise<number> {
  // Active parts only: outdated parts left by the fill's merges would otherwise count as freed.
  const [r] = await store.query<{ b: string }>('bench: bytes', 'SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE database = currentDatabase() AND active');
  return Number(r?.b ?? 0);
}

const load = () => execSync('uptime').toString().trim().replace(/^.*load average: /, 'load ');

/** A policy whose messages expire before about 5 minutes ahead of `boundaryMs` (the runs come within those minutes), as whole seconds. */
function policyUpTo(boundaryMs: number): unknown {
  const seconds = Math.floor((Date.now() - (boundaryMs - 300_000)) / 1000);
  return { default: { messages: { delete_after: `PT${seconds}S` } } };
}

export async function runRetentionBench(n = Number(process.env.BENCH_RETENTION_MESSAGES ?? 1_000_000)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-retention-'));
  const config = loadConfig({ ...process.env, CUSTOS_DATA_DIR: dir, CLICKHOUSE_URL: '' } as NodeJS.ProcessEnv);
  const store = await createStore(config, { command: 'bench retention', queryTimeoutS: 3600 });
  try {
    await migrate(store);
    const t0 = performance.now();
    await fillMonths(store, n);
    console.log(`retention bench: about ${fmt(n)} messages (none within 10 minutes of a month boundary) over ${MONTHS} months (+ reactions 10%, deletions 1%, 1,000 messages of another tenant in month 2), filled and merged in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    const runner = new JobRunner({ store, log: pino({ level: 'silent' }), audit: createJobAuditor(new AuditWriter(store)), jobsDir: join(dir, 'jobs'), kinds: jobKinds({ dataDir: dir }) });
    const run = async (label: string, params: Record<string, unknown>) => {
      const before = await bytesOnDisk(store);
      const started = performance.now();
      const job = await runner.run(await runner.submit(TENANT, 'retention', params, { subjectRef: 'bench', kind: 'bench' }));
      const seconds = (performance.now() - started) / 1000;
      if (job.state !== 'done') throw new Error(`${label}: ${job.state} ${job.error}`);
      const r = job.result as { records: number; partitions_dropped?: number; statements?: number; rewrite_wait_ms?: number; partition_path_ms?: number; row_path_ms?: number };
      const freed = before - (await bytesOnDisk(store));
      const statements = (job.result as { statements_detail?: Array<{ table: string; path: string; ms: number; recount_ms?: number; rows: number }> }).statements_detail ?? [];
      for (const st of statements) console.log(`      ${st.path.padEnd(9)} ${st.table.padEnd(22)} ${fmt(st.rows).padStart(8)} rows ${fmt(st.ms).padStart(6)} ms${st.recount_ms !== undefined ? ` (+ recount ${fmt(st.recount_ms)} ms)` : ''}`);
      console.log(`  ${label.padEnd(34)} ${fmt(seconds, 2)} s, ${fmt(r.records)} records${params.dry_run ? ' would go' : ` removed (${r.statements} statements: ${r.partitions_dropped} partition drops ${fmt(r.partition_path_ms ?? 0)} ms, row deletes ${fmt(r.row_path_ms ?? 0)} ms; rewrite wait ${fmt(r.rewrite_wait_ms ?? 0)} ms), ${fmt(freed / 2 ** 20, 1)} MiB freed`}  [${load()}]`);
    };
    await savePolicy(store, TENANT, parsePolicy(policyUpTo(Date.UTC(2026, 0, 1))), 'bench');
    await run('dry run (month 1 expired)', { dry_run: true });
    await run('partition path (month 1)', {});
    await savePolicy(store, TENANT, parsePolicy(policyUpTo(Date.UTC(2026, 1, 1))), 'bench');
    await run('dry run (month 2 expired)', { dry_run: true });
    await run('row path (month 2, shared)', {});
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
