/**
 * One audit entry and its hash. The hash covers a canonical serialization: a JSON
 * array of the fields in a fixed order (so key order, whitespace or a store's date
 * format can never change it), with the time as epoch milliseconds, ending with
 * prev_hash. Changing any field, or moving an entry, breaks the chain from there on.
 * Version 2 also hashes the outcome, which no longer follows from the status alone
 * (a 404 is `not_found` for a missing record, `denied` for a tenant the caller may
 * not see); version 1 entries, written before, still verify (see verify.ts).
 */
import { createHash } from 'node:crypto';

/** The hash a tenant's first entry points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** What happened, for auditors; stored and hashed with the entry. */
export const AUDIT_OUTCOMES = ['success', 'denied', 'not_found', 'invalid', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

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
  /** Defaults to outcomeOf(status); the API says `denied` for a 404 that refused a tenant. */
  outcome?: AuditOutcome;
  ip: string;
  userAgent: string;
  requestId: string;
}

export interface ChainedEntry extends AuditRecord {
  outcome: AuditOutcome;
  /** The parameters exactly as stored and hashed (canonical JSON when written). */
  paramsJson: string;
  seq: number;
  prevHash: string;
  hash: string;
}

/** The outcome a status says by itself: a 404 is a record that is not there. */
export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success';
  if (status === 401 || status === 403) return 'denied';
  if (status === 404) return 'not_found';
  if (status < 500) return 'invalid';
  return 'error';
}

/** The outcome version 1 derived from the status (a 404 was `denied`): what a version 1 entry's outcome must be. */
export function legacyOutcomeOf(status: number): AuditOutcome {
  return status === 404 ? 'denied' : outcomeOf(status);
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

type Hashable = Omit<ChainedEntry, 'hash' | 'params'>;

function fields(e: Hashable): unknown[] {
  return [e.tenant, e.seq, e.timeMs, e.subjectRef, e.subjectKind, e.roles, e.authMethod, e.operationId, e.action, e.httpMethod, e.route, e.paramsJson, e.resultCount, e.status];
}

/** Version 2: the version 1 fields with the outcome after the status. */
export function canonicalSerialization(e: Hashable): string {
  return JSON.stringify([2, ...fields(e), e.outcome, e.ip, e.userAgent, e.requestId, e.prevHash]);
}

/** Version 1, for entries written before outcomes were hashed. */
export function canonicalSerializationV1(e: Hashable): string {
  return JSON.stringify([1, ...fields(e), e.ip, e.userAgent, e.requestId, e.prevHash]);
}

export function entryHash(e: Hashable): string {
  return createHash('sha256').update(canonicalSerialization(e)).digest('hex');
}

export function entryHashV1(e: Hashable): string {
  return createHash('sha256').update(canonicalSerializationV1(e)).digest('hex');
}

/** Whether the stored hash matches the entry, as version 2 or as an unchanged version 1 entry. */
export function hashMatches(e: ChainedEntry): boolean {
  if (entryHash(e) === e.hash) return true;
  return e.outcome === legacyOutcomeOf(e.status) && entryHashV1(e) === e.hash;
}

export function chainEntry(record: AuditRecord, seq: number, prevHash: string): ChainedEntry {
  const base = { ...record, outcome: record.outcome ?? outcomeOf(record.status), paramsJson: canonicalJson(record.params), seq, prevHash };
  return { ...base, hash: entryHash(base) };
}
