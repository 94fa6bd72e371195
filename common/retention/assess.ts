/**
 * One assessment of a tenant under a policy at an instant: the plan (registry walk),
 * the cut-offs, one scan per table, and the report of what goes, by family, rule,
 * conversation, table, partition (with the path it takes) and hold. The dry run is
 * this report; the real run acts on it and its receipt repeats it.
 */
import type { Store } from '../store/store.js';
import type { LegalHold } from '../holds/hold-model.js';
import { toStoreTime } from '../events/time.js';
import { FAMILIES, type Family, type RetentionPolicy } from './policy.js';
import { familyCutoffs, type FamilyCutoffs } from './classes.js';
import type { RegisteredTable } from '../registry/personal-data.js';
import { planRetention, quoted, type RetentionPlan, type TablePlan } from './plan.js';
import { partitionRows, scanTable, type TableScan } from './scan.js';

export type RemovalPath = 'partition' | 'rows';

export interface PartitionCount {
  remove: number;
  held: number;
  /** Every row of the partition (all tenants) goes: drop it; otherwise delete rows. */
  path: RemovalPath;
}

export interface TableCount {
  family: Family;
  /** records: counted as records; derived: lookup copies of records; aggregate: figures; chain: the audit log. */
  role: 'records' | 'derived' | 'aggregate' | 'chain';
  remove: number;
  held: number;
  partitions: Record<string, PartitionCount>;
}

export interface RetentionReport {
  tenant: string;
  as_of: string;
  policy_version: number;
  cutoffs: Record<string, Array<{ class: string; rule: string; cutoff: string | null }>>;
  /** Records removed per family (tables of records only: not lookup copies, not aggregates). */
  families: Record<string, number>;
  /** Records removed per deciding rule (policy path). */
  rules: Record<string, number>;
  /** Records removed per family and conversation. */
  conversations: Record<string, Record<string, number>>;
  tables: Record<string, TableCount>;
  /** Rows each hold kept that would otherwise go, per table. */
  holds: Record<string, { case_name: string; kept: Record<string, number> }>;
  /** The audit chain's expired start: entries through this seq go (null: none). */
  audit_through_seq: number | null;
  skipped: Array<{ table: string; why: string }>;
}

export interface Assessment {
  plan: RetentionPlan;
  cutoffs: Map<Family, FamilyCutoffs>;
  scans: TableScan[];
  report: RetentionReport;
}

const roleOf = (t: TablePlan): TableCount['role'] => (t.chain ? 'chain' : t.aggregate ? 'aggregate' : t.derived ? 'derived' : 'records');

/** The last seq of the audit chain's expired start (the newest entry always stays: the chain goes on from it). */
async function chainCut(store: Store, tenant: string, t: TablePlan, cutoff: Date | null): Promise<{ through: number | null; count: number }> {
  if (!cutoff) return { through: null, count: 0 };
  const [b] = await store.query<{ first_kept: string; max_seq: string; expired: string }>(
    'retention: audit chain bounds',
    `SELECT minIf(seq, ${quoted(t.timeColumn)} >= {cut:DateTime64(3, 'UTC')}) AS first_kept, max(seq) AS max_seq,
            countIf(${quoted(t.timeColumn)} < {cut:DateTime64(3, 'UTC')}) AS expired
     FROM ${quoted(t.storage)} WHERE tenant = {tenant:String}`,
    { tenant, cut: toStoreTime(cutoff.getTime()) },
  );
  const maxSeq = Number(b?.max_seq ?? 0);
  if (maxSeq === 0) return { through: null, count: 0 };
  const firstKept = Number(b!.first_kept);
  const through = Math.min(firstKept > 0 ? firstKept - 1 : maxSeq, maxSeq - 1);
  if (through <= 0) return { through: null, count: 0 };
  const [n] = await store.query<{ n: string }>('retention: audit entries to remove', `SELECT count() AS n FROM ${quoted(t.storage)} WHERE tenant = {tenant:String} AND seq <= {through:UInt64}`, { tenant, through });
  return { through, count: Number(n?.n ?? 0) };
}

export async function assessRetention(store: Store, o: { tenant: string; policy: RetentionPolicy; policyVersion: number; holds: readonly LegalHold[]; now: Date; registry?: readonly RegisteredTable[] }): Promise<Assessment> {
  const plan = await planRetention(store, o.registry);
  const cutoffs = await familyCutoffs(store, o.tenant, o.policy, o.now);
  const report: RetentionReport = {
    tenant: o.tenant, as_of: o.now.toISOString(), policy_version: o.policyVersion, cutoffs: {}, families: Object.fromEntries(FAMILIES.map((f) => [f, 0])),
    rules: {}, conversations: {}, tables: {}, holds: Object.fromEntries(o.holds.map((h) => [h.id, { case_name: h.caseName, kept: {} }])), audit_through_seq: null, skipped: plan.skipped,
  };
  for (const [family, fc] of cutoffs) {
    report.cutoffs[family] = fc.classes.map((c) => ({ class: c.label, rule: c.rule, cutoff: c.decision.cutoff ? c.decision.cutoff.toISOString() : null }));
  }
  const scans: TableScan[] = [];
  for (const t of plan.tables) {
    const fc = cutoffs.get(t.family)!;
    const count: TableCount = { family: t.family, role: roleOf(t), remove: 0, held: 0, partitions: {} };
    report.tables[t.table] = count;
    if (t.chain) {
      const cut = await chainCut(store, o.tenant, t, fc.classes[fc.classes.length - 1]!.decision.cutoff);
      report.audit_through_seq = cut.through;
      count.remove = cut.count;
      report.families[t.family] = (report.families[t.family] ?? 0) + cut.count;
      continue;
    }
    const scan = await scanTable(store, o.tenant, t, fc, o.holds);
    scans.push(scan);
    const records = count.role === 'records';
    for (const r of scan.rows) {
      const p = (count.partitions[r.partition] ??= { remove: 0, held: 0, path: 'rows' });
      if (r.holds.length > 0) {
        count.held += r.n;
        p.held += r.n;
        for (const h of r.holds) {
          const kept = report.holds[h]!.kept;
          kept[t.table] = (kept[t.table] ?? 0) + r.n;
        }
        continue;
      }
      count.remove += r.n;
      p.remove += r.n;
      if (!records) continue;
      report.families[t.family] = (report.families[t.family] ?? 0) + r.n;
      const rule = `${t.family}: ${fc.classes[r.cls]!.rule}`;
      report.rules[rule] = (report.rules[rule] ?? 0) + r.n;
      if (r.conversation_id !== '') {
        const conv = (report.conversations[t.family] ??= {});
        conv[r.conversation_id] = (conv[r.conversation_id] ?? 0) + r.n;
      }
    }
    if (t.monthlyPartitions && Object.keys(count.partitions).length > 0) {
      const physical = await partitionRows(store, t.storage);
      for (const [id, p] of Object.entries(count.partitions)) {
        if (p.held === 0 && p.remove > 0 && physical.get(id) === p.remove) p.path = 'partition';
      }
    }
  }
  return { plan, cutoffs, scans, report };
}

/** Records (not lookup copies, not aggregates) the report removes. */
export function recordsRemoved(report: RetentionReport): number {
  return Object.values(report.families).reduce((a, b) => a + b, 0);
}

/** Records of the tenant now, in the tables the plan counts as records: the brake's denominator. */
export async function recordsStored(store: Store, tenant: string, plan: RetentionPlan): Promise<number> {
  let n = 0;
  for (const t of plan.tables.filter((x) => roleOf(x) === 'records' || roleOf(x) === 'chain')) {
    const [r] = await store.query<{ n: string }>(`retention: records in ${t.table}`, `SELECT count() AS n FROM ${quoted(t.storage)} WHERE tenant = {tenant:String}`, { tenant });
    n += Number(r?.n ?? 0);
  }
  return n;
}

