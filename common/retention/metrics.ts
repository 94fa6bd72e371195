/**
 * Retention in /metrics, so an SRE can alert on a retention that silently stopped:
 * - custos_retention_last_success_timestamp_seconds{tenant}: end of the last
 *   successful real run;
 * - custos_retention_records_removed{tenant,family}: records removed by all real runs;
 * - custos_retention_records_overdue{tenant,family}: records expired under the policy
 *   in force, not held, still present (the same assessment as a dry run).
 * Figures are read at scrape time from the jobs table and the store, at most once a
 * minute (an assessment scans each table's expired range).
 */
import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/store.js';
import { fromStoreTime } from '../events/time.js';
import { HoldStore } from '../holds/hold-store.js';
import { assessRetention } from './assess.js';
import { currentPolicy, tenantsWithPolicy } from './policy-store.js';

interface Sample {
  lastSuccess: Map<string, number>;
  removed: Map<string, Record<string, number>>;
  overdue: Map<string, Record<string, number>>;
}

async function sample(store: Store): Promise<Sample> {
  const runs = await store.query<{ tenant: string; finished_at: string; result: string }>(
    'retention metrics: runs',
    `SELECT tenant, argMax(finished_at, version) AS finished_at, argMax(result, version) AS result, argMax(state, version) AS state, argMax(kind, version) AS kind
     FROM jobs GROUP BY tenant, job_id HAVING kind = 'retention' AND state = 'done'`,
  );
  const s: Sample = { lastSuccess: new Map(), removed: new Map(), overdue: new Map() };
  for (const r of runs) {
    const result = JSON.parse(r.result || '{}') as { dry_run?: boolean; removed?: Record<string, number> };
    if (result.dry_run !== false) continue;
    const at = Date.parse(fromStoreTime(r.finished_at)) / 1000;
    s.lastSuccess.set(r.tenant, Math.max(at, s.lastSuccess.get(r.tenant) ?? 0));
    const sum = s.removed.get(r.tenant) ?? {};
    for (const [family, n] of Object.entries(result.removed ?? {})) sum[family] = (sum[family] ?? 0) + n;
    s.removed.set(r.tenant, sum);
  }
  for (const tenant of await tenantsWithPolicy(store)) {
    const stored = await currentPolicy(store, tenant);
    const holds = await new HoldStore(store).list(tenant, { active: true });
    const a = await assessRetention(store, { tenant, policy: stored.policy, policyVersion: stored.version, holds, now: new Date() });
    s.overdue.set(tenant, a.report.families);
  }
  return s;
}

export function registerRetentionMetrics(registry: Registry, store: Store, o: { maxAgeMs?: number; onError?: (err: unknown) => void } = {}): void {
  let cached: { at: number; value: Promise<Sample> } | undefined;
  const read = (): Promise<Sample> => {
    if (!cached || Date.now() - cached.at > (o.maxAgeMs ?? 60_000)) {
      const value = sample(store);
      cached = { at: Date.now(), value };
      // A failed sample is not kept: the next scrape tries again.
      value.catch((err: unknown) => {
        cached = undefined;
        o.onError?.(err);
      });
    }
    return cached.value;
  };
  const registers = [registry];
  new Gauge({
    name: 'custos_retention_last_success_timestamp_seconds', help: 'End of the last successful retention run (not a dry run), per tenant', labelNames: ['tenant'], registers,
    async collect() {
      this.reset();
      for (const [tenant, at] of (await read()).lastSuccess) this.set({ tenant }, at);
    },
  });
  new Gauge({
    name: 'custos_retention_records_removed', help: 'Records removed by retention runs, per tenant and family', labelNames: ['tenant', 'family'], registers,
    async collect() {
      this.reset();
      for (const [tenant, fams] of (await read()).removed) for (const [family, n] of Object.entries(fams)) this.set({ tenant, family }, n);
    },
  });
  new Gauge({
    name: 'custos_retention_records_overdue', help: 'Records past their retention, not held, still stored, per tenant and family (should fall to 0 after each daily run)', labelNames: ['tenant', 'family'], registers,
    async collect() {
      this.reset();
      for (const [tenant, fams] of (await read()).overdue) for (const [family, n] of Object.entries(fams)) this.set({ tenant, family }, n);
    },
  });
}
