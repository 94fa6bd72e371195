/**
 * Checks that run before routing decides anything: the query string is UTF-8, the
 * method is one the path has, a body is JSON. Each answers problem+json naming what
 * is wrong; none of them reaches the audit log (no tenant was read yet).
 */
import type { Request, RequestHandler } from 'express';
import { sendProblem, PROBLEM_BASE } from '../problem.js';
import { cutName } from './audit-params.js';

function decodes(component: string): boolean {
  try {
    decodeURIComponent(component.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/** Lossy name for the problem: the parameter name as far as it decodes. */
function readableName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * The first query parameter whose name or value is not percent-encoded UTF-8
 * (`q=%FF`, `q=%E2%82`, `q=100%`), or undefined. Node's query parser would turn such
 * bytes into U+FFFD and search for that; a compliance search must not silently
 * search for something else than what was sent.
 */
export function badlyEncodedParameter(rawQuery: string): string | undefined {
  if (rawQuery === '') return undefined;
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    if (!decodes(name) || !decodes(value)) return cutName(readableName(name));
  }
  return undefined;
}

export function queryEncoding(): RequestHandler {
  return (req, res, next) => {
    const q = req.url.indexOf('?');
    const bad = q === -1 ? undefined : badlyEncodedParameter(req.url.slice(q + 1));
    if (bad === undefined) return next();
    sendProblem(res, { status: 400, type: `${PROBLEM_BASE}invalid-encoding`, title: 'Invalid request', detail: `query parameter ${bad}: is not percent-encoded UTF-8`, field: bad });
  };
}

/** Answers a method the path does not have: 405 with `Allow` (RFC 9110), not a 404 that says the path does not exist. */
export function methodNotAllowed(allow: string[]): RequestHandler {
  const list = allow.join(', ');
  return (req: Request, res) => {
    res.set('Allow', list);
    sendProblem(res, { status: 405, type: `${PROBLEM_BASE}method-not-allowed`, title: 'Method not allowed', detail: `${req.method.slice(0, 20)} is not a method of this path; it has ${list}` });
  };
}

/**
 * For routes with a JSON body: a body of another media type is a 415 naming the
 * expected one (express.json would skip it and the route would see `{}`), a
 * missing body a 400.
 */
export function requireJsonBody(): RequestHandler {
  return (req, res, next) => {
    const is = req.is('application/json');
    if (is === null) {
      return sendProblem(res, { status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: 'this operation needs a JSON body (Content-Type: application/json)', field: 'body' });
    }
    if (is === false) {
      // RFC 9110 15.5.16: Accept in a 415 says which media types would have been taken.
      res.set('Accept', 'application/json');
      const given = String(req.headers['content-type'] ?? 'none').slice(0, 100);
      return sendProblem(res, { status: 415, type: `${PROBLEM_BASE}unsupported-media-type`, title: 'Unsupported media type', detail: `the body must be application/json, not ${given}`, field: 'body' });
    }
    next();
  };
}
