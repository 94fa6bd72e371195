/**
 * Requests per minute per principal (not per IP: many people share a proxy, and one
 * token may be used from many hosts). Counters are in memory, per process; with
 * several instances each one counts on its own (docs/security.md).
 */
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Principal } from '../route-spec.js';
import { sendProblem } from '../problem.js';
import { PROBLEM_BASE } from './problems.js';

export function perPrincipalRateLimit(limitPerMin: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: limitPerMin,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Runs after authentication, so every request here has a principal.
    keyGenerator: (_req, res) => (res.locals.principal as Principal).subject,
    validate: { keyGeneratorIpFallback: false },
    // express-rate-limit has set Retry-After to the seconds until this caller's window resets (the `reset` of RateLimit).
    handler: (_req, res) => {
      sendProblem(res, { status: 429, type: `${PROBLEM_BASE}rate-limited`, title: 'Too many requests', detail: `at most ${limitPerMin} requests per minute per caller` });
    },
  });
}
