/**
 * Opaque, integrity-protected keyset cursors. A cursor is the sort key of the last
 * item of a page plus a fingerprint of the query it belongs to, as base64url JSON,
 * followed by an HMAC-SHA256 over both. A cursor that was altered, truncated,
 * built by hand or reused with different filters is refused (CursorError), so a
 * cursor can never carry anything into a query that the server did not put there.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CustosError } from '../errors.js';

/** Sort position of the last item already returned: a store time and tie-breaking keys. */
export interface CursorPosition {
  /** DateTime64(3) text `YYYY-MM-DD hh:mm:ss.sss` */
  t: string;
  /** Tie breakers in sort order (e.g. conversation_id, message_id). */
  k: string[];
}

export class CursorError extends CustosError {}

const STORE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;
const payloadSchema = z.strictObject({
  v: z.literal(1),
  f: z.string().length(16),
  t: z.string().regex(STORE_TIME),
  k: z.array(z.string().max(512)).max(4),
});
const SHAPE = /^[A-Za-z0-9_-]{1,2800}\.[A-Za-z0-9_-]{43}$/;
export const MAX_CURSOR_LENGTH = 2844;

export interface CursorCodec {
  encode(position: CursorPosition, query: unknown): string;
  /** Throws CursorError when the cursor is not one this codec made for this query. */
  decode(cursor: string, query: unknown): CursorPosition;
}

/** Stable fingerprint of a query's filters (object keys sorted, so order does not matter). */
export function queryFingerprint(query: unknown): string {
  const canonical = JSON.stringify(query, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
  return createHash('sha256').update(canonical ?? 'null').digest('base64url').slice(0, 16);
}

/**
 * `secret` should come from configuration so cursors survive a restart; without one
 * a random per-process key is used and cursors end with the process.
 */
export function createCursorCodec(secret: Buffer | string = randomBytes(32)): CursorCodec {
  const mac = (payload: string) => createHmac('sha256', secret).update(payload).digest();
  return {
    encode(position, query) {
      const payload = Buffer.from(JSON.stringify({ v: 1, f: queryFingerprint(query), t: position.t, k: position.k })).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    decode(cursor, query) {
      if (!SHAPE.test(cursor)) throw new CursorError('is not a cursor this API issued');
      const [payload, sig] = cursor.split('.') as [string, string];
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new CursorError('is not a cursor this API issued (signature mismatch)');
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw new CursorError('is not a cursor this API issued');
      }
      const p = payloadSchema.safeParse(parsed);
      if (!p.success) throw new CursorError('is not a cursor this API issued');
      if (p.data.f !== queryFingerprint(query)) throw new CursorError('belongs to a query with other filters; start again without a cursor');
      return { t: p.data.t, k: p.data.k };
    },
  };
}
