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
import { useLang, useT, type Messages } from '../i18n/index.js';
import type { PageProps } from './page.js';

export function HoldPage({ api, tenant, params, search, me }: PageProps) {
  const t = useT().hold;
  const th = useT().holds;
  const locale = useLang();
  const holdId = params.holdId ?? '';
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/holds/{holdId}', { params: { path: { tenant, holdId } } })), [tenant, holdId]);
  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      <p><a href={`/ui/${encodeURIComponent(tenant)}/holds`}>{t.all}</a></p>
      {loaded.state === 'loading' ? <Loading what={t.loading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
        <>
          <dl class="facts" data-state={loaded.result.data.state}>
            <dt>{t.case}</dt><dd>{loaded.result.data.case_name}</dd>
            <dt>{t.id}</dt><dd><code>{loaded.result.data.id}</code></dd>
            <dt>{t.state}</dt><dd><span class={`state state-${loaded.result.data.state}`}>{th.states[loaded.result.data.state] ?? loaded.result.data.state}</span></dd>
            <dt>{t.reason}</dt><dd>{loaded.result.data.reason}</dd>
            <dt>{t.scope}</dt><dd>{scopeText(loaded.result.data, th)}</dd>
            <dt>{t.covers}</dt><dd data-messages={loaded.result.data.covers.messages}>{coverageText(loaded.result.data.covers, th, locale)}</dd>
            <dt>{t.created}</dt><dd><Time iso={loaded.result.data.created_at} /> {t.by} <code>{loaded.result.data.created_by}</code></dd>
            {loaded.result.data.released_at ? <><dt>{t.released}</dt><dd><Time iso={loaded.result.data.released_at} /> {t.by} <code>{loaded.result.data.released_by}</code>: {loaded.result.data.release_reason}</dd></> : null}
          </dl>
          {loaded.result.data.state === 'active' && me.scopes.includes('holds:release') ? <ReleaseForm {...{ api, tenant, holdId, search }} onDone={reload} /> : null}
        </>
      )}
    </>
  );
}

function ReleaseForm({ api, tenant, holdId, search, onDone }: Pick<PageProps, 'api' | 'tenant' | 'search'> & { holdId: string; onDone: () => void }) {
  const t = useT().hold;
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
      <h2 id="release-heading">{t.release}</h2>
      <p>{t.releaseText}</p>
      {search.get('stepped_up') === '1' ? <p class="notice" role="status">{t.steppedUp}</p> : null}
      {failed ? <ProblemView problem={failed.problem} wwwAuthenticate={failed.wwwAuthenticate} /> : null}
      <form class="filters" onSubmit={submit} aria-label={t.form}>
        <div class="field wide"><label for="release_reason">{t.why}</label><input id="release_reason" name="release_reason" required maxLength={2000} defaultValue={search.get('release_reason') ?? ''} /></div>
        <div class="actions"><button type="submit" disabled={busy}>{busy ? t.releasing : t.releaseButton}</button></div>
      </form>
    </section>
  );
}
