/**
 * Appends audit entries to the per-tenant hash chain. Appends for one tenant are
 * serialized through a promise queue, and the chain head (last seq and hash) is kept
 * in memory after the first read: one writer per tenant per process. A deployment
 * with several API instances must route each tenant's writes to one instance (or
 * put a lock in front of this), otherwise two instances would both write seq N+1;
 * `audit verify` would then report the fork (see docs/security.md).
 */
import type { Store } from '../store/store.js';
import { GENESIS_HASH, chainEntry, type AuditRecord, type ChainedEntry } from './entry.js';
import { toInsertRow } from './rows.js';

interface Head {
  seq: number;
  hash: string;
}

export interface AuditSubject {
  ref: string;
  subject: string;
  name: string;
  kind: string;
}

interface Pending {
  record: AuditRecord;
  resolve: (e: ChainedEntry) => void;
  reject: (err: unknown) => void;
}

/** Most entries one insert carries; the rest wait for the next round. */
const MAX_BATCH = 500;

export class AuditWriter {
  private readonly heads = new Map<string, Head>();
  private readonly pending = new Map<string, Pending[]>();
  private readonly flushing = new Set<string>();
  private readonly knownSubjects = new Set<string>();

  constructor(private readonly store: Store) {}

  /**
   * Appends one entry after every earlier append for the same tenant; resolves when
   * it is stored. Group commit: entries that arrive while an insert is in flight are
   * chained in arrival order and stored together by the next insert.
   */
  append(record: AuditRecord): Promise<ChainedEntry> {
    return new Promise<ChainedEntry>((resolve, reject) => {
      const list = this.pending.get(record.tenant) ?? [];
      list.push({ record, resolve, reject });
      this.pending.set(record.tenant, list);
      if (!this.flushing.has(record.tenant)) void this.flush(record.tenant);
    });
  }

  /** Records who is behind a pseudonym (once per process); erasure deletes these rows, not the chain. */
  async rememberSubject(s: AuditSubject): Promise<void> {
    if (this.knownSubjects.has(s.ref)) return;
    await this.store.insert('audit: remember subject', 'audit_subjects', [{ subject_ref: s.ref, subject: s.subject, name: s.name, kind: s.kind }]);
    this.knownSubjects.add(s.ref);
  }

  private async head(tenant: string): Promise<Head> {
    const cached = this.heads.get(tenant);
    if (cached) return cached;
    const rows = await this.store.query<{ seq: string; hash: string }>(
      'audit: read chain head',
      'SELECT seq, hash FROM audit_log WHERE tenant = {tenant:String} ORDER BY seq DESC LIMIT 1',
      { tenant },
    );
    const head = rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : { seq: 0, hash: GENESIS_HASH };
    this.heads.set(tenant, head);
    return head;
  }

  private async flush(tenant: string): Promise<void> {
    this.flushing.add(tenant);
    try {
      for (;;) {
        const waiting = this.pending.get(tenant) ?? [];
        if (waiting.length === 0) break;
        const batch = waiting.splice(0, MAX_BATCH);
        if (waiting.length === 0) this.pending.delete(tenant);
        try {
          let prev = await this.head(tenant);
          const entries = batch.map((p) => {
            const e = chainEntry(p.record, prev.seq + 1, prev.hash);
            prev = { seq: e.seq, hash: e.hash };
            return e;
          });
          await this.store.insert('audit: append', 'audit_log', entries.map(toInsertRow));
          this.heads.set(tenant, prev);
          batch.forEach((p, i) => p.resolve(entries[i]!));
        } catch (err) {
          // Re-read the head next time rather than trust a cache the failure may have made wrong.
          this.heads.delete(tenant);
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing.delete(tenant);
    }
  }
}
