/**
 * The `retention` job: for one tenant, removes what the policy in force says has
 * expired and no hold covers, from every table the registry names
 * (common/retention/plan.ts), and proves it with a signed receipt.
 *
 * 1. re-read the policy and the active holds (never the queued copy);
 * 2. assess: one scan per table (common/retention/assess.ts); a dry run stops here
 *    and reports exactly this;
 * 3. remove, partition by partition (remove.ts), checkpointing each statement;
 * 4. the audit chain's expired start goes behind a signed checkpoint (audit-trim.ts);
 * 5. wait until the old parts are gone from disk (rewrite.ts), then count again:
 *    nothing expired and unheld may be left;
 * 6. sign and store the receipt (receipt.ts).
 * Resume: the checkpoint keeps the instant the run assessed at and what it planned,
 * so a restarted run removes what is left under the same cut-offs (when the policy
 * did not change meanwhile; otherwise it starts over under the new one).
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { JobKind } from '../jobs/job-kind.js';
import type { RegisteredTable } from '../../common/registry/personal-data.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import { assessRetention, recordsRemoved, type RetentionReport } from '../../common/retention/assess.js';
import { currentPolicy } from '../../common/retention/policy-store.js';
import { rowConditions } from '../../common/retention/scan.js';
import { canonicalJson } from '../../common/audit/index.js';
import { writeWholeFile } from '../exports/hashed-file.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { removeFromPartition, type Statement } from './remove.js';
import { trimAuditChain } from './audit-trim.js';
import { waitForRewrite } from './rewrite.js';
import { writeReceipt } from './receipt.js';

export const retentionParams = z.strictObject({
  dry_run: z.boolean().default(false),
});
export type RetentionParams = z.output<typeof retentionParams>;

interface RetentionCheckpoint {
  as_of: string;
  policy_version: number;
  started_at: string;
  planned: RetentionReport;
  statements: Statement[];
}

export interface RetentionJobDeps {
  dataDir: string;
  /** How long to wait for the old parts to leave the disk before failing (the run resumes). */
  rewriteTimeoutMs?: number;
  /** The registry to walk (tests add tables to it); the product's by default. */
  registry?: readonly RegisteredTable[];
}

/** Rows a report still removes, in every table (records, lookup copies, aggregates, chain). */
function rowsLeft(report: RetentionReport): number {
  return Object.values(report.tables).reduce((a, t) => a + t.remove, 0);
}

export function retentionJobKind(deps: RetentionJobDeps): JobKind<RetentionParams, RetentionCheckpoint> {
  return {
    kind: 'retention',
    params: retentionParams,
    async run(ctx) {
      const tenant = ctx.job.tenant;
      const stored = await currentPolicy(ctx.store, tenant);
      const holds = await new HoldStore(ctx.store).list(tenant, { active: true });
      const resume = ctx.checkpoint && ctx.checkpoint.policy_version === stored.version ? ctx.checkpoint : undefined;
      const asOf = resume ? new Date(resume.as_of) : new Date();
      const assessment = await assessRetention(ctx.store, { tenant, policy: stored.policy, policyVersion: stored.version, holds, now: asOf, ...(deps.registry ? { registry: deps.registry } : {}) });
      const report = assessment.report;
      if (ctx.params.dry_run) {
        const d = writeWholeFile(join(ctx.workDir, 'dry-run.json'), [canonicalJson(report)]);
        return { summary: { dry_run: true, policy_version: stored.version, records: recordsRemoved(report), report }, files: [{ name: 'dry-run.json', bytes: d.bytes, sha256: d.sha256 }] };
      }
      const cp: RetentionCheckpoint = resume ?? { as_of: asOf.toISOString(), policy_version: stored.version, started_at: new Date().toISOString(), planned: report, statements: [] };
      await ctx.saveCheckpoint(cp);
      const total = rowsLeft(cp.planned);
      let done = cp.statements.reduce((a, s) => a + s.rows, 0);
      ctx.progress(done, total);
      const storages = new Set<string>();
      const operation = `retention ${ctx.job.id}`;
      for (const t of assessment.plan.tables) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const count = report.tables[t.table]!;
        if (t.chain) {
          if (report.audit_through_seq !== null && count.remove > 0) {
            const key = loadOrCreateSigningKey(deps.dataDir, tenant);
            cp.statements.push(await trimAuditChain(ctx.store, tenant, t, report.audit_through_seq, key, operation));
            storages.add(t.storage);
            await ctx.saveCheckpoint(cp);
          }
          continue;
        }
        const c = rowConditions(tenant, t, assessment.cutoffs.get(t.family)!, holds);
        if (!c) continue;
        for (const [partition, planned] of Object.entries(count.partitions)) {
          if (planned.remove === 0) continue;
          if (ctx.signal.aborted) throw ctx.signal.reason;
          const s = await removeFromPartition(ctx.store, t, c, partition, planned, operation);
          cp.statements.push(s);
          storages.add(t.storage);
          await ctx.saveCheckpoint(cp);
          done += s.rows;
          ctx.progress(done, total);
        }
      }
      // Parts rewritten by an earlier attempt may still be waiting too.
      for (const s of cp.statements) storages.add(assessment.plan.tables.find((t) => t.table === s.table)?.storage ?? s.table);
      const rewrite = await waitForRewrite(ctx.store, [...storages], { timeoutMs: deps.rewriteTimeoutMs ?? 600_000, signal: ctx.signal });
      const after = await assessRetention(ctx.store, { tenant, policy: stored.policy, policyVersion: stored.version, holds, now: asOf, ...(deps.registry ? { registry: deps.registry } : {}) });
      const left = rowsLeft(after.report);
      if (left > 0) {
        const where = Object.entries(after.report.tables).filter(([, x]) => x.remove > 0).map(([n, x]) => `${n}: ${x.remove}`).join(', ');
        throw new Error(`after the run ${left} expired, unheld rows are still there (${where}); the job fails so the next run retries`);
      }
      const key = loadOrCreateSigningKey(deps.dataDir, tenant);
      const finishedAt = new Date().toISOString();
      const { receiptId, files } = await writeReceipt(ctx.store, ctx.workDir, key, {
        jobId: ctx.job.id, tenant, policy: stored.policy, planned: cp.planned, statements: cp.statements, rewrite, recordsLeft: recordsRemoved(after.report), startedAt: cp.started_at, finishedAt,
      });
      return {
        summary: {
          dry_run: false, policy_version: stored.version, receipt_id: receiptId, records: recordsRemoved(cp.planned), removed: cp.planned.families,
          statements: cp.statements.length, partitions_dropped: cp.statements.filter((s) => s.path === 'partition').length, rewrite_wait_ms: rewrite.waited_ms,
          partition_path_ms: cp.statements.filter((s) => s.path === 'partition').reduce((a, s) => a + s.ms, 0),
          row_path_ms: cp.statements.filter((s) => s.path === 'rows').reduce((a, s) => a + s.ms, 0),
          statements_detail: cp.statements.map((s) => ({ table: s.table, partition: s.partition, path: s.path, rows: s.rows, ms: s.ms, ...(s.recount_ms !== undefined ? { recount_ms: s.recount_ms } : {}) })),
        },
        files,
      };
    },
    describe(outcome) {
      const s = outcome.summary as { dry_run: boolean; records: number; statements?: number; partitions_dropped?: number; receipt_id?: string };
      return s.dry_run
        ? `retention dry run: ${s.records} records would be removed (nothing changed)`
        : `retention: ${s.records} records removed by ${s.statements} statements (${s.partitions_dropped} partitions dropped), receipt ${s.receipt_id}`;
    },
  };
}
