/**
 * A legal hold (DESIGN.md rule 1): a case, a reason, who created it, and a scope that
 * narrows by custodians AND conversations AND a time range AND search words, each
 * only when given. A hold with no scope at all covers every message, call and app
 * invocation of the tenant.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseRfc3339 } from '../events/time.js';
import { MAX_QUERY_TOKENS, tokenize } from '../queries/tokens.js';

export interface HoldScope {
  custodians: string[];
  conversations: string[];
  /** RFC 3339 UTC, inclusive. */
  from: string | null;
  /** RFC 3339 UTC, exclusive. */
  to: string | null;
  /** Search words: all of them in one version of the message (the search's default). */
  q: string;
}

export interface LegalHold {
  tenant: string;
  id: string;
  caseName: string;
  reason: string;
  scope: HoldScope;
  createdBy: string;
  createdAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: string | null;
}

export const HOLD_ID = /^hold_[a-z0-9]{8,40}$/;
export const newHoldId = () => `hold_${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;

const instant = z.string().refine((s) => parseRfc3339(s) !== undefined, 'must be an RFC 3339 date-time with an offset, such as 2026-01-31T00:00:00Z');
const id = z.string().min(1).max(256);

/** What creating a hold takes (API body, CLI flags); strict, so a misspelt field is refused. */
export const holdInput = z
  .strictObject({
    case_name: z.string().trim().min(1, 'is required').max(200),
    reason: z.string().trim().min(1, 'is required').max(2000),
    custodians: z.array(id).max(1000).default([]),
    conversations: z.array(id).max(10_000).default([]),
    from: instant.optional(),
    to: instant.optional(),
    q: z
      .string()
      .max(2000)
      .refine((q) => tokenize(q).length <= MAX_QUERY_TOKENS, `must have at most ${MAX_QUERY_TOKENS} words`)
      .refine((q) => q.trim() === '' || tokenize(q).length > 0, 'must have at least one word (letters or digits)')
      .optional(),
  })
  .refine((h) => !h.from || !h.to || parseRfc3339(h.from)! < parseRfc3339(h.to)!, { message: 'must be after from', path: ['to'] });

export type HoldInput = z.output<typeof holdInput>;

export function scopeOf(input: HoldInput): HoldScope {
  const iso = (s: string | undefined) => (s === undefined ? null : new Date(parseRfc3339(s)!).toISOString());
  return { custodians: input.custodians, conversations: input.conversations, from: iso(input.from), to: iso(input.to), q: input.q?.trim() ?? '' };
}

export class HoldNotFoundError extends Error {
  constructor(readonly tenant: string, readonly holdId: string) {
    super(`hold ${holdId} not found in tenant ${tenant}`);
    this.name = 'HoldNotFoundError';
  }
}

export class HoldReleasedError extends Error {
  constructor(readonly holdId: string, readonly releasedAt: string) {
    super(`hold ${holdId} was already released at ${releasedAt}`);
    this.name = 'HoldReleasedError';
  }
}
