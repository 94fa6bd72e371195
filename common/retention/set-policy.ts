/**
 * Setting a tenant's policy (API PUT and `custos retention set`): validate, then the
 * first-run brake: the new policy's first run is assessed (the same scan as the job)
 * and, when it would remove more than the configured share of the tenant's records,
 * refused unless confirmed, with the figures. Each set is a new version.
 */
import type { Store } from '../store/store.js';
import { HoldStore } from '../holds/hold-store.js';
import { assessRetention, recordsRemoved, recordsStored } from './assess.js';
import { parsePolicy } from './policy.js';
import { currentPolicy, savePolicy, type StoredPolicy } from './policy-store.js';

export interface FirstRun {
  /** Records the first run would remove (records only: not lookup copies or aggregates). */
  records: number;
  /** Records of the tenant now. */
  stored: number;
  fraction: number;
  byFamily: Record<string, number>;
}

export class RetentionBrakeError extends Error {
  constructor(readonly firstRun: FirstRun, readonly limit: number) {
    super(`the first run of this policy would delete ${firstRun.records} of ${firstRun.stored} records (${(firstRun.fraction * 100).toFixed(1)}%, more than ${(limit * 100).toFixed(1)}%); confirm to set it anyway`);
    this.name = 'RetentionBrakeError';
  }
}

export async function assessFirstRun(store: Store, tenant: string, raw: unknown, now = new Date()): Promise<FirstRun> {
  const policy = parsePolicy(raw);
  const holds = await new HoldStore(store).list(tenant, { active: true });
  const a = await assessRetention(store, { tenant, policy, policyVersion: 0, holds, now });
  const records = recordsRemoved(a.report);
  const stored = await recordsStored(store, tenant, a.plan);
  return { records, stored, fraction: stored === 0 ? 0 : records / stored, byFamily: a.report.families };
}

export async function setRetentionPolicy(store: Store, o: { tenant: string; raw: unknown; confirm: boolean; setBy: string; confirmFraction: number }): Promise<{ previous: StoredPolicy; current: StoredPolicy; firstRun: FirstRun }> {
  const policy = parsePolicy(o.raw);
  const firstRun = await assessFirstRun(store, o.tenant, policy);
  if (!o.confirm && firstRun.fraction > o.confirmFraction) throw new RetentionBrakeError(firstRun, o.confirmFraction);
  const previous = await currentPolicy(store, o.tenant);
  const current = await savePolicy(store, o.tenant, policy, o.setBy);
  return { previous, current, firstRun };
}
