/** An API refusal shown to a person: heading, the server's detail and field, and the next step as a link. */
import { problemMessage, signInUrl, type Problem } from '../format/problems.js';

export function ProblemView({ problem, wwwAuthenticate, returnTo }: { problem: Problem; wwwAuthenticate?: string | null; returnTo?: string }) {
  const m = problemMessage(problem, wwwAuthenticate);
  const back = returnTo ?? window.location.pathname + window.location.search;
  return (
    <div class="problem" role="alert" data-status={problem.status}>
      <h2>{m.heading}</h2>
      <p>{m.detail}</p>
      {m.field ? <p>Field: <code>{m.field}</code></p> : null}
      {m.next === 'sign-in' ? <p><a href={signInUrl(back)}>Sign in</a></p> : null}
      {m.next === 'step-up' ? <p><a href={signInUrl(back, true)}>Sign in again with your second factor</a></p> : null}
      {m.next === 'retry' ? <p><button type="button" onClick={() => window.location.reload()}>Try again</button></p> : null}
      <p class="muted">HTTP {problem.status} · <code>{problem.type}</code></p>
    </div>
  );
}
