/** An API refusal shown to a person: heading, the server's detail and field, and the next step as a link. */
import { problemMessage, signInUrl, type Problem } from '../format/problems.js';
import { useT } from '../i18n/index.js';

export function ProblemView({ problem, wwwAuthenticate, returnTo }: { problem: Problem; wwwAuthenticate?: string | null; returnTo?: string }) {
  const t = useT().problems;
  const m = problemMessage(problem, wwwAuthenticate, t);
  const back = returnTo ?? window.location.pathname + window.location.search;
  return (
    <div class="problem" role="alert" data-status={problem.status}>
      <h2>{m.heading}</h2>
      <p>{m.detail}</p>
      {m.field ? <p>{t.field} <code>{m.field}</code></p> : null}
      {m.next === 'sign-in' ? <p><a href={signInUrl(back)}>{t.signIn}</a></p> : null}
      {m.next === 'step-up' ? <p><a href={signInUrl(back, true)}>{t.stepUp}</a></p> : null}
      {m.next === 'retry' ? <p><button type="button" onClick={() => window.location.reload()}>{t.retry}</button></p> : null}
      <p class="muted">HTTP {problem.status} · <code>{problem.type}</code></p>
    </div>
  );
}
