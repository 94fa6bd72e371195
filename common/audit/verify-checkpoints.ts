/**
 * `custos audit verify --checkpoints`: the chain check of verify.ts, plus what only
 * checkpoints kept outside the store can show. For each checkpoint of the tenant:
 * - its signature must hold under the tenant's public key, else it is refused as
 *   forged (and not used);
 * - the stored entry at its seq must exist: if the chain now ends before it, the
 *   newest entries were deleted (a missing tail, which the chain alone cannot see);
 * - that entry's hash must be the checkpoint's: if not, history up to that entry was
 *   rewritten (even when every hash after it was recomputed and the chain verifies).
 */
import type { KeyObject } from 'node:crypto';
import type { Store } from '../store/store.js';
import { checkpointProblem, type Checkpoint } from './checkpoint.js';
import { verifyAuditChain, type VerifyResult } from './verify.js';

export type CheckpointFinding =
  | { kind: 'forged-checkpoint'; seq: number; detail: string }
  | { kind: 'missing-tail'; seq: number; detail: string }
  | { kind: 'rewritten'; seq: number; detail: string };

export interface CheckpointVerifyResult extends VerifyResult {
  checkpoints: number;
  /** The newest checkpoint that verified and matches the chain, or null. */
  last_checkpoint_seq: number | null;
  findings: CheckpointFinding[];
}

export async function verifyAgainstCheckpoints(store: Store, tenant: string, all: readonly Checkpoint[], publicKey: KeyObject | string | undefined): Promise<CheckpointVerifyResult> {
  const chain = await verifyAuditChain(store, tenant);
  const mine = all.filter((c) => c.tenant === tenant).sort((a, b) => a.seq - b.seq);
  const findings: CheckpointFinding[] = [];
  const trusted: Checkpoint[] = [];
  for (const c of mine) {
    const problem = publicKey === undefined ? `no public key for tenant ${tenant} to check checkpoint ${c.seq} with` : checkpointProblem(c, publicKey);
    if (problem) findings.push({ kind: 'forged-checkpoint', seq: c.seq, detail: problem });
    else trusted.push(c);
  }
  const seqs = [...new Set(trusted.map((c) => c.seq))];
  const stored = new Map<number, string[]>();
  if (seqs.length > 0) {
    const rows = await store.query<{ seq: string; hash: string }>(
      'audit verify: checkpointed entries',
      'SELECT seq, hash FROM audit_log WHERE tenant = {tenant:String} AND seq IN {seqs:Array(UInt64)}',
      { tenant, seqs },
    );
    for (const r of rows) stored.set(Number(r.seq), [...(stored.get(Number(r.seq)) ?? []), r.hash]);
  }
  const [bounds] = await store.query<{ max_seq: string }>('audit verify: last seq', 'SELECT max(seq) AS max_seq FROM audit_log WHERE tenant = {tenant:String}', { tenant });
  const lastStored = Number(bounds?.max_seq ?? 0);
  let lastGood: number | null = null;
  for (const c of trusted) {
    const hashes = stored.get(c.seq);
    if (!hashes) {
      findings.push({
        kind: 'missing-tail',
        seq: c.seq,
        detail: c.seq > lastStored
          ? `the checkpoint of ${c.time} says the chain reached entry ${c.seq}; the stored chain ends at entry ${lastStored}: ${c.seq - lastStored} newest entr${c.seq - lastStored === 1 ? 'y was' : 'ies were'} removed`
          : `the checkpoint of ${c.time} pins entry ${c.seq}, which is no longer stored`,
      });
    } else if (!hashes.includes(c.hash) || hashes.length > 1) {
      findings.push({ kind: 'rewritten', seq: c.seq, detail: `entry ${c.seq} has hash ${hashes.join(', ')}, but the checkpoint of ${c.time} signed ${c.hash}: the history up to entry ${c.seq} was rewritten` });
    } else {
      lastGood = c.seq;
    }
  }
  return { ...chain, ok: chain.ok && findings.length === 0, checkpoints: mine.length, last_checkpoint_seq: lastGood, findings };
}
