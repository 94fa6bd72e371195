/**
 * Recomputes a tenant's audit chain from the stored rows and names the first entry
 * that does not match: a changed field (hash mismatch), a removed entry (gap in seq),
 * reordered or re-inserted entries (seq out of place, duplicate seq, or prev_hash not
 * the previous entry's hash). Reads in seq ranges so memory stays bounded.
 */
import type { Store } from '../store/store.js';
import { GENESIS_HASH, hashMatches, type ChainedEntry } from './entry.js';
import { AUDIT_COLUMNS, fromRow, type AuditRow } from './rows.js';
import { chainStartSignatureValid, latestChainStart } from './chain-start.js';

export interface ChainBreak {
  seq: number;
  reason: string;
}

export interface VerifyResult {
  tenant: string;
  ok: boolean;
  entries: number;
  /** Where the check started: the signed checkpoint retention left when it removed the chain's expired start. */
  checkpoint?: { seq: number; key_id: string };
  /** The hash of the last entry checked: record it elsewhere to detect a truncated tail later. */
  head_hash: string;
  head_seq: number;
  first_bad: ChainBreak | null;
}

const PAGE = 5000;

export function checkEntry(e: ChainedEntry, expectedSeq: number, prevHash: string): ChainBreak | null {
  if (e.seq !== expectedSeq) {
    if (e.seq < expectedSeq) return { seq: e.seq, reason: `entry ${e.seq} appears again after entry ${expectedSeq - 1} (duplicated or reordered)` };
    return { seq: expectedSeq, reason: `entry ${expectedSeq} is missing (the next stored entry is ${e.seq})` };
  }
  if (e.prevHash !== prevHash) return { seq: e.seq, reason: `entry ${e.seq} does not point to the hash of entry ${e.seq - 1} (prev_hash differs)` };
  if (!hashMatches(e)) return { seq: e.seq, reason: `entry ${e.seq} was changed after it was written (its hash does not match its content)` };
  return null;
}

export interface VerifyOptions {
  /** Key ids the checkpoint may be signed with (the tenant's signing key); without it, any valid signature. */
  trustedKeyIds?: readonly string[];
}

export async function verifyAuditChain(store: Store, tenant: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const checkpoint = await latestChainStart(store, tenant);
  if (checkpoint) {
    const untrusted = options.trustedKeyIds !== undefined && !options.trustedKeyIds.includes(checkpoint.keyId);
    if (untrusted || !chainStartSignatureValid(checkpoint)) {
      const reason = untrusted ? `the checkpoint at entry ${checkpoint.seq} is signed with key ${checkpoint.keyId}, not the tenant's signing key` : `the checkpoint at entry ${checkpoint.seq} does not carry a valid signature`;
      return { tenant, ok: false, entries: 0, head_hash: GENESIS_HASH, head_seq: 0, first_bad: { seq: checkpoint.seq, reason } };
    }
  }
  const [bounds] = await store.query<{ max_seq: string; n: string }>(
    'audit verify: bounds',
    'SELECT max(seq) AS max_seq, count() AS n FROM audit_log WHERE tenant = {tenant:String}',
    { tenant },
  );
  const maxSeq = Number(bounds?.max_seq ?? 0);
  let expected = checkpoint ? checkpoint.seq + 1 : 1;
  let prevHash = checkpoint ? checkpoint.hash : GENESIS_HASH;
  let checked = 0;
  const start = checkpoint ? { checkpoint: { seq: checkpoint.seq, key_id: checkpoint.keyId } } : {};
  // Entries up to the checkpoint may still be on disk (a run stopped between checkpoint and delete): they are not checked.
  const firstSeq = expected;
  for (let from = expected - (expected % PAGE); from <= maxSeq; from += PAGE) {
    const rows = await store.query<AuditRow>(
      'audit verify: page',
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE tenant = {tenant:String} AND seq >= {from:UInt64} AND seq < {to:UInt64} ORDER BY seq, hash`,
      { tenant, from: Math.max(from, firstSeq), to: from + PAGE },
    );
    for (const row of rows) {
      const e = fromRow(row);
      const broken = checkEntry(e, expected, prevHash);
      if (broken) return { tenant, ok: false, entries: checked, ...start, head_hash: prevHash, head_seq: expected - 1, first_bad: broken };
      checked += 1;
      expected += 1;
      prevHash = e.hash;
    }
  }
  return { tenant, ok: true, entries: checked, ...start, head_hash: prevHash, head_seq: expected - 1, first_bad: null };
}

export async function listAuditTenants(store: Store): Promise<string[]> {
  const rows = await store.query<{ tenant: string }>('audit verify: tenants', 'SELECT DISTINCT tenant FROM audit_log ORDER BY tenant');
  return rows.map((r) => r.tenant);
}
