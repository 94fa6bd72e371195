/**
 * One audit entry and its hash. The hash covers a canonical serialization: a JSON
 * array of the fields in a fixed order (so key order, whitespace or a store's date
 * format can never change it), with the time as epoch milliseconds, ending with
 * prev_hash. Changing any field, or moving an entry, breaks the chain from there on.
 */
import { createHash } from 'node:crypto';

/** The hash a tenant's first entry points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the API (or a job) knows about one audited request. */
export interface AuditRecord {
  tenant: string;
  timeMs: number;
  subjectRef: string;
  subjectKind: string;
  roles: string[];
  authMethod: string;
  operationId: string;
  action: string;
  httpMethod: string;
  route: string;
  /** Request parameters as a JSON object, secrets already removed. */
  params: Record<string, unknown>;
  resultCount: number | null;
  status: number;
  ip: string;
  userAgent: string;
  requestId: string;
}

export interface ChainedEntry extends AuditRecord {
  /** The parameters exactly as stored and hashed (canonical JSON when written). */
  paramsJson: string;
  seq: number;
  prevHash: string;
  hash: string;
}

export function outcomeOf(status: number): 'success' | 'denied' | 'invalid' | 'error' {
  if (status < 400) return 'success';
  if (status === 401 || status === 403 || status === 404) return 'denied';
  if (status < 500) return 'invalid';
  return 'error';
}

/** JSON with object keys sorted, so the same parameters always serialize the same way. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

const VERSION = 1;

type Hashable = Omit<ChainedEntry, 'hash' | 'params'>;

export function canonicalSerialization(e: Hashable): string {
  return JSON.stringify([
    VERSION,
    e.tenant,
    e.seq,
    e.timeMs,
    e.subjectRef,
    e.subjectKind,
    e.roles,
    e.authMethod,
    e.operationId,
    e.action,
    e.httpMethod,
    e.route,
    e.paramsJson,
    e.resultCount,
    e.status,
    e.ip,
    e.userAgent,
    e.requestId,
    e.prevHash,
  ]);
}

export function entryHash(e: Hashable): string {
  return createHash('sha256').update(canonicalSerialization(e)).digest('hex');
}

export function chainEntry(record: AuditRecord, seq: number, prevHash: string): ChainedEntry {
  const base = { ...record, paramsJson: canonicalJson(record.params), seq, prevHash };
  return { ...base, hash: entryHash(base) };
}
