/**
 * The one API client of the UI: openapi-fetch over the types generated from the
 * served OpenAPI document (schema.d.ts, written by scripts/build-ui.mjs), same origin,
 * the session cookie sent by the browser. `call` turns an answer into ok data or a
 * problem (format/problems.ts), so pages handle one shape.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';
import { toProblem, type Problem } from '../format/problems.js';

export type Api = ReturnType<typeof createClient<paths>>;

export function createApi(): Api {
  // Same origin only: the CSP allows no other, and the session cookie is SameSite=Lax.
  return createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin', headers: { accept: 'application/json' } });
}

export type Result<T> = { ok: true; data: T } | { ok: false; problem: Problem; wwwAuthenticate: string | null };

export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Result<T>> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await request;
  } catch {
    return { ok: false, problem: toProblem(0, undefined), wwwAuthenticate: null };
  }
  const { data, error, response } = answer;
  if (response.ok && data !== undefined) return { ok: true, data };
  return { ok: false, problem: toProblem(response.status, error), wwwAuthenticate: response.headers.get('www-authenticate') };
}
