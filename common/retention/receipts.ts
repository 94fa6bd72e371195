/** Deletion receipts in the store: written by the retention job, listed by the API. */
import type { Store } from '../store/store.js';
import { fromStoreTime, toStoreTime } from '../events/time.js';

export interface StoredReceipt {
  tenant: string;
  receiptId: string;
  jobId: string;
  policyVersion: number;
  startedAt: string;
  finishedAt: string;
  /** The signed canonical JSON. */
  receipt: string;
  keyId: string;
  signature: string;
}

export async function saveReceipt(store: Store, r: StoredReceipt): Promise<void> {
  await store.insert('retention: save receipt', 'retention_receipts', [{
    tenant: r.tenant, receipt_id: r.receiptId, job_id: r.jobId, policy_version: r.policyVersion, started_at: toStoreTime(Date.parse(r.startedAt)),
    finished_at: toStoreTime(Date.parse(r.finishedAt)), receipt: r.receipt, key_id: r.keyId, signature: r.signature,
  }]);
}

export async function listReceipts(store: Store, tenant: string, o: { limit: number; before?: string }): Promise<{ receipts: StoredReceipt[]; total: number }> {
  const rows = await store.query<{ receipt_id: string; job_id: string; policy_version: string; started_at: string; finished_at: string; receipt: string; key_id: string; signature: string }>(
    'retention: list receipts',
    `SELECT receipt_id, job_id, policy_version, started_at, finished_at, receipt, key_id, signature FROM retention_receipts FINAL
     WHERE tenant = {tenant:String} ${o.before ? 'AND receipt_id < {before:String}' : ''} ORDER BY receipt_id DESC LIMIT {limit:UInt32}`,
    { tenant, limit: o.limit, before: o.before ?? '' },
  );
  const [t] = await store.query<{ n: string }>('retention: count receipts', 'SELECT uniqExact(receipt_id) AS n FROM retention_receipts WHERE tenant = {tenant:String}', { tenant });
  return {
    receipts: rows.map((r) => ({ tenant, receiptId: r.receipt_id, jobId: r.job_id, policyVersion: Number(r.policy_version), startedAt: fromStoreTime(r.started_at), finishedAt: fromStoreTime(r.finished_at), receipt: r.receipt, keyId: r.key_id, signature: r.signature })),
    total: Number(t?.n ?? 0),
  };
}
