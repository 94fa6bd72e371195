/**
 * Recomputes a tenant's audit chain from the stored rows and names the first entry
 * that does not match: a changed field (hash mismatch), a removed entry (gap in seq),
 * reordered or re-inserted entries (seq out of place, duplicate seq, or prev_hash not
 * the previous entry's hash). Reads in seq ranges so memory stays bounded.
 */
import type { Store } from '../store/store.js';
import { GENESIS_HASH, hashMatches, type ChainedEntry } from './entry.js';
import { AUDIT_COLUMNS, fromRow, type AuditRow } from './rows.js';

export interface ChainBreak {
  seq: number;
  reason: string;
}

export interface VerifyResult {
  tenant: string;
  ok: boolean;
  entries: number;
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

export async function verifyAuditChain(store: Store, tenant: string): Promise<VerifyResult> {
  const [bounds] = await store.query<{ max_seq: string; n: string }>(
    'audit verify: bounds',
    'SELECT max(seq) AS max_seq, count() AS n FROM audit_log WHERE tenant = {tenant:String}',
    { tenant },
  );
  const maxSeq = Number(bounds?.max_seq ?? 0);
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (let from = 0; from <= maxSeq; from += PAGE) {
    const rows = await store.query<AuditRow>(
      'audit verify: page',
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE tenant = {tenant:String} AND seq >= {from:UInt64} AND seq < {to:UInt64} ORDER BY seq, hash`,
      { tenant, from, to: from + PAGE },
    );
    for (const row of rows) {
      const e = fromRow(row);
      const broken = checkEntry(e, expected, prevHash);
      if (broken) return { tenant, ok: false, entries: checked, head_hash: prevHash, head_seq: expected - 1, first_bad: broken };
      checked += 1;
      expected += 1;
      prevHash = e.hash;
    }
  }
  return { tenant, ok: true, entries: checked, head_hash: prevHash, head_seq: expected - 1, first_bad: null };
}

export async function listAuditTenants(store: Store): Promise<string[]> {
  const rows = await store.query<{ tenant: string }>('audit verify: tenants', 'SELECT DISTINCT tenant FROM audit_log ORDER BY tenant');
  return rows.map((r) => r.tenant);
}
