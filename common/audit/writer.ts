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

export class AuditWriter {
  private readonly heads = new Map<string, Head>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly knownSubjects = new Set<string>();

  constructor(private readonly store: Store) {}

  /** Appends one entry after every earlier append for the same tenant; resolves when it is stored. */
  append(record: AuditRecord): Promise<ChainedEntry> {
    const previous = this.queues.get(record.tenant) ?? Promise.resolve();
    const next = previous.then(
      () => this.write(record),
      () => this.write(record),
    );
    const tail = next.catch(() => undefined);
    this.queues.set(record.tenant, tail);
    void tail.then(() => {
      if (this.queues.get(record.tenant) === tail) this.queues.delete(record.tenant);
    });
    return next;
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

  private async write(record: AuditRecord): Promise<ChainedEntry> {
    const head = await this.head(record.tenant);
    const entry = chainEntry(record, head.seq + 1, head.hash);
    try {
      await this.store.insert('audit: append', 'audit_log', [toInsertRow(entry)]);
    } catch (err) {
      // Re-read the head next time rather than trust a cache the failure may have made wrong.
      this.heads.delete(record.tenant);
      throw err;
    }
    this.heads.set(record.tenant, { seq: entry.seq, hash: entry.hash });
    return entry;
  }
}
