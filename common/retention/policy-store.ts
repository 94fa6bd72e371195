/** Retention policies in the store: every set is a new version; the highest is in force. */
import type { Store } from '../store/store.js';
import { fromStoreTime, toStoreTime } from '../events/time.js';
import { EMPTY_POLICY, parsePolicy, type RetentionPolicy } from './policy.js';

export interface StoredPolicy {
  tenant: string;
  /** 0 when no policy was ever set (everything is kept). */
  version: number;
  policy: RetentionPolicy;
  setBy: string | null;
  setAt: string | null;
}

export async function currentPolicy(store: Store, tenant: string): Promise<StoredPolicy> {
  const [row] = await store.query<{ version: string; policy: string; set_by: string; set_at: string }>(
    'retention: current policy',
    'SELECT version, policy, set_by, set_at FROM retention_policies WHERE tenant = {tenant:String} ORDER BY version DESC LIMIT 1',
    { tenant },
  );
  if (!row) return { tenant, version: 0, policy: EMPTY_POLICY, setBy: null, setAt: null };
  // Stored policies were validated when set; parsing again keeps a hand-edited row from acting unchecked.
  return { tenant, version: Number(row.version), policy: parsePolicy(JSON.parse(row.policy)), setBy: row.set_by, setAt: fromStoreTime(row.set_at) };
}

/** Stores `policy` as the next version; returns it. */
export async function savePolicy(store: Store, tenant: string, policy: RetentionPolicy, setBy: string): Promise<StoredPolicy> {
  const before = await currentPolicy(store, tenant);
  const setAt = Date.now();
  const next: StoredPolicy = { tenant, version: before.version + 1, policy, setBy, setAt: new Date(setAt).toISOString() };
  await store.insert('retention: save policy', 'retention_policies', [{ tenant, version: next.version, policy: JSON.stringify(policy), set_by: setBy, set_at: toStoreTime(setAt) }]);
  return next;
}

/** Every tenant with a policy (the scheduler's list). */
export async function tenantsWithPolicy(store: Store): Promise<string[]> {
  const rows = await store.query<{ tenant: string }>('retention: tenants', 'SELECT DISTINCT tenant FROM retention_policies ORDER BY tenant');
  return rows.map((r) => r.tenant);
}
