/**
 * Removes the expired start of a tenant's audit chain (entries 1..through), after
 * storing a signed checkpoint of the last removed entry's hash: `custos audit
 * verify` starts from the checkpoint, so the chain stays verifiable. The newest
 * entry always stays (assess.ts), so the writer goes on from a stored head.
 */
import type { Store } from '../../common/store/store.js';
import { latestChainStart, saveChainStart, chainStartPayload, type AuditChainStart } from '../../common/audit/index.js';
import { fromStoreTime } from '../../common/events/time.js';
import { quoted, type TablePlan } from '../../common/retention/plan.js';
import type { Signer } from '../../common/keys/signing-keys.js';
import type { Statement } from './remove.js';

export interface ChainSigner extends Signer {
  publicKeyPem: string;
}

export async function trimAuditChain(store: Store, tenant: string, table: TablePlan, through: number, signer: ChainSigner, operation: string): Promise<Statement> {
  const started = performance.now();
  const existing = await latestChainStart(store, tenant);
  if (!existing || existing.seq < through) {
    const [entry] = await store.query<{ hash: string; time: string }>(
      'retention: audit entry to checkpoint',
      `SELECT hash, ${quoted(table.timeColumn)} AS time FROM ${quoted(table.storage)} WHERE tenant = {tenant:String} AND seq = {seq:UInt64} LIMIT 1`,
      { tenant, seq: through },
    );
    if (!entry) throw new Error(`audit entry ${through} of tenant ${tenant} is missing: the chain is broken, retention will not cut it (run custos audit verify)`);
    const base = { tenant, seq: through, hash: entry.hash, entryTime: fromStoreTime(entry.time) };
    const signature = Buffer.from(await signer.sign(chainStartPayload(base))).toString('base64');
    const checkpoint: AuditChainStart = { ...base, createdAt: new Date().toISOString(), keyId: signer.keyId, publicKeyPem: signer.publicKeyPem, signature };
    await saveChainStart(store, checkpoint);
  }
  const [n] = await store.query<{ n: string }>('retention: audit entries', `SELECT count() AS n FROM ${quoted(table.storage)} WHERE tenant = {tenant:String} AND seq <= {through:UInt64}`, { tenant, through });
  await store.command(`${operation}: trim audit chain`, `ALTER TABLE ${quoted(table.table)} DELETE WHERE tenant = {tenant:String} AND seq <= {through:UInt64}`, { tenant, through }, { mutations_sync: '2' });
  return { table: table.table, partition: 'all', path: 'rows', id: `audit-through:${through}`, rows: Number(n?.n ?? 0), ms: Math.round(performance.now() - started) };
}
