/**
 * What an API refusal means to a person. Every error of the API is RFC 9457
 * problem+json (type, title, status, detail, field, login_url); this turns one into
 * a heading, the server's own detail, and what the person can do next. Anything that
 * is not a problem (a proxy's HTML page, a network failure) still gets a clear message.
 */
import { en, type Messages } from '../i18n/en.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  field?: string;
  login_url?: string;
}

export type NextStep = 'sign-in' | 'step-up' | 'retry' | 'fix-input' | 'none';

export interface ProblemMessage {
  heading: string;
  detail: string;
  field?: string;
  next: NextStep;
}

const BASE = 'https://custos.dev/problems/';

// The server's own title and detail stay in its words (English); the headings and next steps are the UI's.

/** A problem from any answer body: the fields that are there and of the right type, defaults for the rest. */
export function toProblem(status: number, body: unknown): Problem {
  const b = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const detail = str(b.detail);
  const field = str(b.field);
  const loginUrl = str(b.login_url);
  return {
    type: str(b.type) ?? 'about:blank',
    title: str(b.title) ?? (status === 0 ? 'No answer from the server' : `The server answered ${status}`),
    status: typeof b.status === 'number' ? b.status : status,
    ...(detail ? { detail } : {}),
    ...(field ? { field } : {}),
    ...(loginUrl ? { login_url: loginUrl } : {}),
  };
}

/** RFC 9470: a 401 that asks for a fresh sign-in with MFA, by problem type or by the challenge. */
export function isStepUp(p: Problem, wwwAuthenticate?: string | null): boolean {
  return p.status === 401 && (p.type === `${BASE}step-up-required` || /insufficient_user_authentication/.test(wwwAuthenticate ?? ''));
}

export function problemMessage(p: Problem, wwwAuthenticate?: string | null, m: Messages['problems'] = en.problems): ProblemMessage {
  const detail = p.detail ?? p.title;
  const field = p.field ? { field: p.field } : {};
  if (isStepUp(p, wwwAuthenticate)) return { heading: m.stepUpHeading, detail: m.stepUpDetail(detail), next: 'step-up' };
  if (p.status === 401) return { heading: m.signedOutHeading, detail: m.signedOutDetail, next: 'sign-in' };
  if (p.status === 403) return { heading: m.forbiddenHeading, detail: m.forbiddenDetail(detail), next: 'none' };
  if (p.type === `${BASE}tenant-not-found`) return { heading: m.tenantNotFound, detail, next: 'none', ...field };
  if (p.status === 404) return { heading: m.notFound, detail, next: 'none', ...field };
  if (p.status === 400 || p.status === 409 || p.status === 422) return { heading: p.title, detail, next: 'fix-input', ...field };
  if (p.status === 429) return { heading: m.tooMany, detail: m.tooManyDetail, next: 'retry' };
  if (p.status === 0) return { heading: p.title, detail: m.offlineDetail, next: 'retry' };
  if (p.status === 503) return { heading: p.title, detail, next: 'retry' };
  return { heading: p.title, detail, next: p.status >= 500 ? 'retry' : 'none', ...field };
}

/** Where a person signs in and comes back to `returnTo` (a path of this site), with MFA when `stepUp`. */
export function signInUrl(returnTo: string, stepUp = false): string {
  const back = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  return `/auth/login?${stepUp ? 'step_up=1&' : ''}return_to=${encodeURIComponent(back)}`;
}
