/** Headers every answer carries: no sniffing, no framing, no referrer leaks, no caching of archive data. No CORS headers: browsers may not call the API cross-origin. */
import type { RequestHandler } from 'express';

/** Also written by hand on the answers Node's HTTP parser gives before Express runs (api/http-server.ts). */
export function securityHeaderValues(opts: { https: boolean }): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    ...(opts.https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

export function securityHeaders(opts: { https: boolean }): RequestHandler {
  const headers = securityHeaderValues(opts);
  return (_req, res, next) => {
    res.set(headers);
    next();
  };
}
