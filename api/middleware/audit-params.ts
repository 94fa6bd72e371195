/**
 * What of a request goes into the audit log: path, query and body parameters, with
 * anything that looks like a secret replaced and long values and names cut, so the
 * log shows what was asked (injection attempts included) without becoming a leak
 * itself, nor growing by what a caller chooses to send.
 */
const SECRET_KEY = /secret|password|passwd|authorization|cookie|api[_-]?key|^token$|access_token|id_token|refresh_token/i;
const MAX_STRING = 256;
const MAX_ITEMS = 50;
/** Parameter names are cut like values, in audit entries and in problems (`field`). */
export const MAX_NAME_LENGTH = 64;

export function cutName(name: string): string {
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…(${name.length} chars)` : name;
}

export function auditableValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (value === undefined) return undefined;
  if (depth >= 4) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => auditableValue(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, MAX_ITEMS)) {
      out[cutName(k)] = SECRET_KEY.test(k) ? '[redacted]' : auditableValue(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

export function auditParams(parts: { path: unknown; query: unknown; body: unknown }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parts)) {
    if (v === undefined || (typeof v === 'object' && v !== null && Object.keys(v).length === 0)) continue;
    out[k] = auditableValue(v);
  }
  return out;
}
