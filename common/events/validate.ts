/**
 * Turns one raw record (bytes off Kafka or a line of an import) into a validated,
 * normalized event, or into a rejection whose reason and detail go to the DLQ.
 * It never throws for bad input: every outcome is a value.
 */
import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import { ENVELOPE_KEYS, dataSchemas, envelope, type EventType } from './schemas.js';
import { parseRfc3339 } from './time.js';
import { checkShape } from './shape-limits.js';
import { contentModeOf, fromBinaryMode, structuredFormatProblem, type RecordHeaders } from './content-mode.js';
import { acceptCompiled } from './compiled.js';

export type RejectReason =
  | 'too_large'
  | 'not_json'
  | 'not_object'
  | 'invalid_envelope'
  | 'unknown_type'
  | 'invalid_data'
  | 'bad_time'
  | 'too_deep'
  | 'too_wide';

export interface Rejection {
  ok: false;
  reason: RejectReason;
  /** Human-readable, names the offending field: `data.author_id: is required`. */
  detail: string;
}

export interface ValidEvent {
  ok: true;
  id: string;
  tenant: string;
  source: string;
  type: EventType;
  /** Epoch milliseconds, UTC. */
  timeMs: number;
  data: Record<string, unknown>;
  /** Unknown data fields and CloudEvents extension attributes, kept verbatim ('' when none). */
  extra: string;
}

export type ParseResult = ValidEvent | Rejection;

const reject = (reason: RejectReason, detail: string): Rejection => ({ ok: false, reason, detail });

function firstIssue(prefix: string, error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return `${path}: ${missing ? 'is required' : issue.message}`;
}

/**
 * Unknown data fields and extension attributes, serialized for `extra`. They are the
 * only part of an event kept as free-form JSON (every known field has a flat type),
 * so their shape is checked here, before anything serializes them.
 */
function extrasOf(raw: Record<string, unknown>, data: Record<string, unknown>, known: Record<string, unknown>): string | Rejection {
  let ext: Record<string, unknown> | undefined;
  for (const key of Object.keys(raw)) {
    if (!ENVELOPE_KEYS.has(key)) (ext ??= {})[key] = raw[key];
  }
  let unknownData: Record<string, unknown> | undefined;
  for (const key of Object.keys(data)) {
    if (!(key in known)) (unknownData ??= {})[key] = data[key];
  }
  if (!ext && !unknownData) return '';
  const violation = (ext && checkShape(ext, '', 1)) || (unknownData && checkShape(unknownData, 'data', 1));
  if (violation) return reject(violation.reason, violation.detail.replace(/^\./, ''));
  return JSON.stringify({ ...(ext ? { ext } : {}), ...(unknownData ? { data: unknownData } : {}) });
}

/**
 * CloudEvents' JSON format may carry the data base64-encoded in `data_base64`
 * instead of `data`; with a JSON content type that is the same event, so it is
 * decoded here and validated like any other.
 */
function fromDataBase64(raw: Record<string, unknown>): { event: Record<string, unknown>; rejection?: undefined } | { rejection: Rejection } {
  if (!('data_base64' in raw)) return { event: raw };
  if ('data' in raw) return { rejection: reject('invalid_envelope', 'data_base64: must not be given together with data') };
  const encoded = raw.data_base64;
  if (typeof encoded !== 'string') return { rejection: reject('invalid_envelope', 'data_base64: must be a base64 string') };
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return { rejection: reject('invalid_envelope', 'data_base64: does not decode to JSON (only JSON data is part of the contract)') };
  }
  const { data_base64: _encoded, ...rest } = raw;
  return { event: { ...rest, data } };
}

/** Validates an already-parsed JSON value against the contract. */
export function validateEvent(value: unknown): ParseResult {
  // Hot path: the schemas compiled to plain checks (compiled.ts); whatever they do not accept is decided, and explained, by zod below.
  const fast = acceptCompiled(value);
  if (fast) {
    // The depth and breadth limits hold on this path too: extrasOf checks before it serializes.
    const extra = extrasOf(fast.raw, fast.rawData, fast.shape);
    if (typeof extra !== 'string') return extra;
    return { ok: true, id: fast.id, tenant: fast.tenant, source: fast.source, type: fast.type, timeMs: fast.timeMs, data: fast.data, extra };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return reject('not_object', `record is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}, not a JSON object`);
  }
  const decoded = fromDataBase64(value as Record<string, unknown>);
  if (decoded.rejection) return decoded.rejection;
  const raw = decoded.event;
  const env = envelope.safeParse(raw);
  if (!env.success) return reject('invalid_envelope', firstIssue('', env.error));
  const e = env.data;
  const schema = dataSchemas[e.type as EventType];
  if (!schema) return reject('unknown_type', `type: "${e.type.slice(0, 100)}" is not an event type of the contract`);
  const timeMs = parseRfc3339(e.time);
  if (timeMs === undefined) return reject('bad_time', `time: "${e.time.slice(0, 64)}" is not an RFC 3339 date-time with an offset`);
  const data = schema.safeParse(e.data);
  if (!data.success) return reject('invalid_data', firstIssue('data', data.error));
  const extra = extrasOf(raw, e.data, schema.shape);
  if (typeof extra !== 'string') return extra;
  return {
    ok: true,
    id: e.id,
    tenant: e.tenant,
    source: e.source,
    type: e.type as EventType,
    timeMs,
    data: data.data as Record<string, unknown>,
    extra,
  };
}

/**
 * Parses and validates one record's bytes; `maxBytes` is the configured size limit.
 * `headers` are the Kafka record's: they choose the CloudEvents content mode
 * (common/events/content-mode.ts) and count towards the size.
 */
export function parseRecord(value: Buffer | string | null | undefined, maxBytes: number, headers?: RecordHeaders): ParseResult {
  const mode = contentModeOf(headers);
  if (mode === 'structured' && (value === null || value === undefined)) return reject('not_json', 'record has no value (tombstone)');
  const size = (value === null || value === undefined ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length) + (mode === 'binary' ? headerBytes(headers!) : 0);
  if (size > maxBytes) return reject('too_large', `record is ${size} bytes, over the limit of ${maxBytes} (CUSTOS_MAX_EVENT_BYTES)`);
  if (value && typeof value !== 'string' && !isUtf8(value)) return reject('not_json', 'record is not valid UTF-8');
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : value.toString('utf8');
  if (mode === 'binary') {
    const built = fromBinaryMode(headers!, text);
    return built.ok ? validateEvent(built.event) : reject('invalid_envelope', built.detail);
  }
  const formatProblem = structuredFormatProblem(headers);
  if (formatProblem) return reject('invalid_envelope', formatProblem);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return reject('not_json', `not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  return validateEvent(parsed);
}

function headerBytes(headers: RecordHeaders): number {
  let n = 0;
  for (const [name, v] of Object.entries(headers)) {
    n += Buffer.byteLength(name);
    for (const part of Array.isArray(v) ? v : v === undefined ? [] : [v]) n += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  }
  return n;
}
