/**
 * The two content modes of the CloudEvents Kafka protocol binding (1.0):
 * - structured: the record value is the whole event in the JSON event format
 *   (`content-type: application/cloudevents+json`, or no CloudEvents headers at all,
 *   which is how DESIGN.md's producers send it);
 * - binary: the value is the event's `data` as-is, `content-type` is its
 *   `datacontenttype`, and every other attribute is a `ce_<name>` header.
 * Binary records are turned into the same JSON object a structured record parses
 * to, so both are validated and stored identically.
 */
import { isUtf8 } from 'node:buffer';

/** Kafka record headers as kafkajs hands them over (a repeated header becomes an array). */
export type RecordHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

export type ContentMode = 'structured' | 'binary';

const CE_PREFIX = 'ce_';
const JSON_MEDIA_TYPE = /^application\/([^;\s]+\+)?json\s*(;.*)?$/i;

function headerText(value: Buffer | string): string | undefined {
  if (typeof value === 'string') return value;
  return isUtf8(value) ? value.toString('utf8') : undefined;
}

/**
 * The binding lets `content-type` decide: a CloudEvents media type means
 * structured. Without one, a record that carries `ce_specversion` is binary, and
 * any other record is read as structured JSON (the contract's own form).
 */
export function contentModeOf(headers: RecordHeaders | undefined): ContentMode {
  if (!headers) return 'structured';
  let binary = false;
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'content-type') {
      const v = headers[name];
      const text = typeof v === 'string' || Buffer.isBuffer(v) ? headerText(v) : undefined;
      if (text !== undefined && text.trim().toLowerCase().startsWith('application/cloudevents')) return 'structured';
    } else if (lower === 'ce_specversion') binary = true;
  }
  return binary ? 'binary' : 'structured';
}

/** Why a structured record's `content-type` cannot be read as the JSON event format, if it cannot. */
export function structuredFormatProblem(headers: RecordHeaders | undefined): string | undefined {
  if (!headers) return undefined;
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() !== 'content-type') continue;
    const v = headers[name];
    const text = typeof v === 'string' || Buffer.isBuffer(v) ? headerText(v)?.trim().toLowerCase() : undefined;
    if (text?.startsWith('application/cloudevents') && !/^application\/cloudevents\+json\s*(;.*)?$/.test(text)) {
      return `content-type: "${text.slice(0, 100)}" is an event format other than JSON (only application/cloudevents+json is read)`;
    }
  }
  return undefined;
}

export type BinaryResult = { ok: true; event: Record<string, unknown> } | { ok: false; detail: string };

/** Builds the structured form of a binary-mode record: attributes from headers, data from the value. */
export function fromBinaryMode(headers: RecordHeaders, value: string): BinaryResult {
  const event: Record<string, unknown> = {};
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    const isAttribute = lower.startsWith(CE_PREFIX) && lower.length > CE_PREFIX.length;
    if (!isAttribute && lower !== 'content-type') continue;
    const raw = headers[name];
    if (raw === undefined) continue;
    if (Array.isArray(raw)) return { ok: false, detail: `${name.slice(0, 100)}: header given more than once` };
    const text = headerText(raw);
    if (text === undefined) return { ok: false, detail: `${name.slice(0, 100)}: header value is not valid UTF-8` };
    const attribute = isAttribute ? lower.slice(CE_PREFIX.length) : 'datacontenttype';
    if (attribute === 'data' || attribute === 'data_base64') return { ok: false, detail: `${name}: data travels in the record value in binary mode, not in a header` };
    event[attribute] = text;
  }
  const contentType = event.datacontenttype;
  if (typeof contentType === 'string' && !JSON_MEDIA_TYPE.test(contentType.trim())) {
    return { ok: false, detail: `content-type: "${contentType.slice(0, 100)}" is not a JSON media type (only JSON data is part of the contract)` };
  }
  if (value.length === 0) return { ok: false, detail: 'data: a binary-mode record without a value has no data (the contract requires a JSON object)' };
  try {
    event.data = JSON.parse(value);
  } catch (err) {
    return { ok: false, detail: `data: the record value is not valid JSON: ${(err as Error).message.slice(0, 200)}` };
  }
  return { ok: true, event };
}
