/**
 * What the HTTP listener answers before the app is attached (IdP discovery, keys
 * and policy can take seconds): 503 problem+json with Retry-After, so a probe or a
 * client that arrives during start-up gets an answer instead of a socket that
 * never replies. `custos serve` swaps the app in when it is built.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { PROBLEM_BASE } from './middleware/problems.js';

const HEADERS = {
  'Content-Type': 'application/problem+json',
  'Retry-After': '1',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

function answerStarting(_req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify({ type: `${PROBLEM_BASE}starting`, title: 'Starting', status: 503, detail: 'custos is starting; retry in a moment' });
  res.writeHead(503, { ...HEADERS, 'Content-Length': Buffer.byteLength(body) }).end(body);
}

/** A request listener that answers "starting" until `attach(app)` is called. */
export function swappableListener(): { listener: RequestListener; attach(app: RequestListener): void } {
  let current: RequestListener = answerStarting;
  return {
    listener: (req, res) => current(req, res),
    attach(app) {
      current = app;
    },
  };
}
