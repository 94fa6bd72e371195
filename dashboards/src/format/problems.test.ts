import { describe, expect, it } from 'vitest';
import { isStepUp, problemMessage, signInUrl, toProblem } from './problems.js';

const P = 'https://custos.dev/problems/';

describe('problems', () => {
  it('reads a problem body, keeping only well-typed fields', () => {
    expect(toProblem(400, { type: `${P}invalid-request`, title: 'Invalid request', status: 400, detail: 'query parameter q: must have 1 to 32 words', field: 'q' }))
      .toEqual({ type: `${P}invalid-request`, title: 'Invalid request', status: 400, detail: 'query parameter q: must have 1 to 32 words', field: 'q' });
    expect(toProblem(502, '<html>bad gateway</html>')).toEqual({ type: 'about:blank', title: 'The server answered 502', status: 502 });
    expect(toProblem(0, undefined).title).toBe('No answer from the server');
    expect(toProblem(500, { title: 7, detail: '' })).toEqual({ type: 'about:blank', title: 'The server answered 500', status: 500 });
  });

  it('recognises step-up by type or by the WWW-Authenticate challenge, and only on 401', () => {
    expect(isStepUp(toProblem(401, { type: `${P}step-up-required`, title: 't', status: 401 }))).toBe(true);
    expect(isStepUp(toProblem(401, { type: `${P}unauthenticated`, title: 't', status: 401 }), 'Bearer error="insufficient_user_authentication", max_age=300')).toBe(true);
    expect(isStepUp(toProblem(401, { type: `${P}unauthenticated`, title: 't', status: 401 }), 'Bearer realm="custos"')).toBe(false);
    expect(isStepUp(toProblem(403, { type: `${P}step-up-required`, title: 't', status: 403 }))).toBe(false);
  });

  it('says what to do next, with the server detail and the field', () => {
    const stepUp = problemMessage(toProblem(401, { type: `${P}step-up-required`, title: 'Recent multi-factor sign-in required', status: 401, detail: 'this action needs a sign-in with multi-factor authentication within the last 300 seconds' }));
    expect(stepUp.next).toBe('step-up');
    expect(stepUp.detail).toContain('within the last 300 seconds');
    expect(problemMessage(toProblem(401, { type: `${P}unauthenticated`, title: 'Authentication required', status: 401 })).next).toBe('sign-in');
    const forbidden = problemMessage(toProblem(403, { type: `${P}forbidden`, title: 'Forbidden', status: 403, detail: 'your roles in this tenant do not grant messages:read' }));
    expect(forbidden).toMatchObject({ heading: 'Not allowed', next: 'none' });
    expect(forbidden.detail).toContain('messages:read');
    expect(problemMessage(toProblem(400, { type: `${P}invalid-request`, title: 'Invalid request', status: 400, detail: 'query parameter from: bad', field: 'from' })))
      .toEqual({ heading: 'Invalid request', detail: 'query parameter from: bad', field: 'from', next: 'fix-input' });
    expect(problemMessage(toProblem(404, { type: `${P}tenant-not-found`, title: 'Tenant not found', status: 404, detail: 'there is no tenant "x" that you may see' })).heading).toBe('Tenant not found');
    expect(problemMessage(toProblem(429, {})).next).toBe('retry');
    expect(problemMessage(toProblem(500, { type: `${P}internal`, title: 'Internal error', status: 500, detail: 'the request failed' }))).toMatchObject({ heading: 'Internal error', next: 'retry' });
  });

  it('builds sign-in links that only return to this site', () => {
    expect(signInUrl('/ui/acme/exports/new?q=budget')).toBe('/auth/login?return_to=%2Fui%2Facme%2Fexports%2Fnew%3Fq%3Dbudget');
    expect(signInUrl('/ui/acme/jobs', true)).toBe('/auth/login?step_up=1&return_to=%2Fui%2Facme%2Fjobs');
    expect(signInUrl('//evil.example/')).toBe('/auth/login?return_to=%2F');
    expect(signInUrl('https://evil.example/')).toBe('/auth/login?return_to=%2F');
  });
});
