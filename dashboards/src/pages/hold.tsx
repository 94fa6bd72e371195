/**
 * One legal hold: its scope, what it covers now, and (holds:release) the release form.
 * Releasing needs a recent MFA sign-in: on 401 insufficient_user_authentication the
 * person goes through the IdP's step-up sign-in and comes back here with the reason in
 * the URL, and presses Release again (as export-new.tsx does); nothing is retried for them.
 */
import { useState } from 'preact/hooks';
import { call, type Result } from '../api/client.js';
import type { Hold } from '../api/types.js';
import { coverageText } from '../components/hold-coverage.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { isStepUp, signInUrl } from '../format/problems.js';
import { queryOf } from '../router.js';
import { scopeText } from './holds.js';
import type { PageProps } from './page.js';

export function HoldPage({ api, tenant, params, search, me }: PageProps) {
  const holdId = params.holdId ?? '';
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/holds/{holdId}', { params: { path: { tenant, holdId } } })), [tenant, holdId]);
  return (
    <>
      <PageTitle>Legal hold</PageTitle>
      <p><a href={`/ui/${encodeURIComponent(tenant)}/holds`}>All holds</a></p>
      {loaded.state === 'loading' ? <Loading what="the hold" /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
        <>
          <dl class="facts" data-state={loaded.result.data.state}>
            <dt>Case</dt><dd>{loaded.result.data.case_name}</dd>
            <dt>Id</dt><dd><code>{loaded.result.data.id}</code></dd>
            <dt>State</dt><dd><span class={`state state-${loaded.result.data.state}`}>{loaded.result.data.state}</span></dd>
            <dt>Reason</dt><dd>{loaded.result.data.reason}</dd>
            <dt>Scope</dt><dd>{scopeText(loaded.result.data)}</dd>
            <dt>Covers now</dt><dd data-messages={loaded.result.data.covers.messages}>{coverageText(loaded.result.data.covers)}</dd>
            <dt>Created</dt><dd><Time iso={loaded.result.data.created_at} /> by <code>{loaded.result.data.created_by}</code></dd>
            {loaded.result.data.released_at ? <><dt>Released</dt><dd><Time iso={loaded.result.data.released_at} /> by <code>{loaded.result.data.released_by}</code>: {loaded.result.data.release_reason}</dd></> : null}
          </dl>
          {loaded.result.data.state === 'active' && me.scopes.includes('holds:release') ? <ReleaseForm {...{ api, tenant, holdId, search }} onDone={reload} /> : null}
        </>
      )}
    </>
  );
}

function ReleaseForm({ api, tenant, holdId, search, onDone }: Pick<PageProps, 'api' | 'tenant' | 'search'> & { holdId: string; onDone: () => void }) {
  const [failed, setFailed] = useState<Extract<Result<Hold>, { ok: false }> | undefined>();
  const [busy, setBusy] = useState(false);
  const here = `/ui/${encodeURIComponent(tenant)}/holds/${encodeURIComponent(holdId)}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const reason = String(new FormData(e.currentTarget as HTMLFormElement).get('release_reason') ?? '').trim();
    setBusy(true);
    const result = await call(api.POST('/v1/tenants/{tenant}/holds/{holdId}/release', { params: { path: { tenant, holdId } }, body: { reason } }));
    setBusy(false);
    if (result.ok) return onDone();
    // Once back from a step-up sign-in, a second refusal is shown, not another round trip.
    if (isStepUp(result.problem, result.wwwAuthenticate) && search.get('stepped_up') !== '1') {
      window.location.assign(signInUrl(here + queryOf({ release_reason: reason, stepped_up: '1' }), true));
      return;
    }
    setFailed(result);
  };
  return (
    <section aria-labelledby="release-heading">
      <h2 id="release-heading">Release</h2>
      <p>What this hold kept goes at the next retention run if policy says so. Releasing needs a sign-in with your second factor within the last few minutes.</p>
      {search.get('stepped_up') === '1' ? <p class="notice" role="status">You signed in again with your second factor. Check the reason and press Release hold.</p> : null}
      {failed ? <ProblemView problem={failed.problem} wwwAuthenticate={failed.wwwAuthenticate} /> : null}
      <form class="filters" onSubmit={submit} aria-label="Release this hold">
        <div class="field wide"><label for="release_reason">Why the hold ends</label><input id="release_reason" name="release_reason" required maxLength={2000} defaultValue={search.get('release_reason') ?? ''} /></div>
        <div class="actions"><button type="submit" disabled={busy}>{busy ? 'Releasing…' : 'Release hold'}</button></div>
      </form>
    </section>
  );
}
