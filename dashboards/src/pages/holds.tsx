/** Legal holds: the tenant's holds with what each covers now, and (holds:create) the form that puts a new one. */
import { useState } from 'preact/hooks';
import { call, type Result } from '../api/client.js';
import type { Hold } from '../api/types.js';
import { CoverageOf } from '../components/hold-coverage.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { formatCount } from '../format/numbers.js';
import { navigate, queryOf } from '../router.js';
import { HOLD_FIELDS, holdRequest } from './hold-request.js';
import { useLang, useT, type Messages } from '../i18n/index.js';
import { sortFromQuery, sortRows } from '../format/sort.js';
import { SortHeader } from '../components/sort-header.js';
import type { PageProps } from './page.js';

const STATES = ['all', 'active', 'released'] as const;
/** The API answers every hold at once (no paging), so the table sorts here, by the URL's `sort` and `dir`. */
const SORTS = ['case', 'state', 'created'] as const;
type HoldSort = (typeof SORTS)[number];
const sortValue = (h: Hold, k: HoldSort): string => (k === 'case' ? h.case_name : k === 'state' ? h.state : h.created_at);

export function HoldsPage({ api, tenant, search, me }: PageProps) {
  const tr = useT().holds;
  const locale = useLang();
  const state = STATES.find((s) => s === search.get('state')) ?? 'all';
  const [loaded] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/holds', { params: { path: { tenant }, query: { state } } })), [tenant, state]);
  const t = encodeURIComponent(tenant);
  const sort = sortFromQuery(search, SORTS, { key: 'created', dir: 'desc' });
  return (
    <>
      <PageTitle>{tr.title}</PageTitle>
      <p>{tr.intro}</p>
      {me.scopes.includes('holds:create') ? <HoldForm {...{ api, tenant, search }} /> : null}
      <section aria-labelledby="holds-heading">
        <h2 id="holds-heading">{tr.heading}</h2>
        <nav class="pager" aria-label={tr.statesNav}>
          {STATES.map((s) => <a key={s} href={`/ui/${t}/holds${s === 'all' ? '' : queryOf({ state: s })}`} aria-current={s === state ? 'page' : undefined}>{tr.states[s] ?? s}</a>)}
        </nav>
        {loaded.state === 'loading' ? <Loading what={tr.loading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
          <>
            <p data-total={loaded.result.data.total}>{tr.count(formatCount(loaded.result.data.total, locale), loaded.result.data.total)}</p>
            <table class="results">
              <caption class="visually-hidden">{tr.caption}</caption>
              <thead><tr>
                <SortHeader label={tr.cols.case} column="case" sort={sort} base={`/ui/${t}/holds`} search={search} />
                <SortHeader label={tr.cols.state} column="state" sort={sort} base={`/ui/${t}/holds`} search={search} />
                <SortHeader label={tr.cols.created} column="created" sort={sort} base={`/ui/${t}/holds`} search={search} />
                <th scope="col">{tr.cols.scope}</th><th scope="col">{tr.cols.covers}</th>
              </tr></thead>
              <tbody>
                {sortRows(loaded.result.data.items, sort, sortValue, locale).map((h) => (
                  <tr key={h.id} data-hold={h.id}>
                    <td><a href={`/ui/${t}/holds/${encodeURIComponent(h.id)}`}>{h.case_name}</a><br /><code class="muted">{h.id}</code></td>
                    <td><span class={`state state-${h.state}`}>{tr.states[h.state] ?? h.state}</span></td>
                    <td><Time iso={h.created_at} /></td>
                    <td>{scopeText(h, tr)}</td>
                    <td><CoverageOf api={api} tenant={tenant} holdId={h.id} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </>
  );
}

/** "custodians U1, U2; conversations C1; words “budget”; from … to …", or "everything" for an empty scope. */
export function scopeText(h: Pick<Hold, 'scope'>, tr: Messages['holds']): string {
  const s = h.scope;
  const w = tr.scope;
  const parts = [
    s.custodians.length ? w.custodians(s.custodians.join(', ')) : '',
    s.conversations.length ? w.conversations(s.conversations.join(', ')) : '',
    s.q ? w.words(s.q) : '',
    s.from ? w.from(s.from.slice(0, 10)) : '',
    s.to ? w.before(s.to.slice(0, 10)) : '',
  ].filter((p) => p);
  return parts.length ? parts.join('; ') : w.everything;
}

function HoldForm({ api, tenant, search }: Pick<PageProps, 'api' | 'tenant' | 'search'>) {
  const tr = useT().holds;
  const c = useT().common;
  const [failed, setFailed] = useState<Extract<Result<Hold>, { ok: false }> | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const fields = new URLSearchParams(HOLD_FIELDS.map((f) => [f, String(form.get(f) ?? '')]));
    setBusy(true);
    const result = await call(api.POST('/v1/tenants/{tenant}/holds', { params: { path: { tenant } }, body: holdRequest(fields) }));
    setBusy(false);
    if (result.ok) return navigate(`/ui/${encodeURIComponent(tenant)}/holds/${encodeURIComponent(result.data.id)}`);
    setFailed(result);
  };
  return (
    <details class="panel" open={search.has('new')}>
      <summary>{tr.newHold}</summary>
      {failed ? <ProblemView problem={failed.problem} wwwAuthenticate={failed.wwwAuthenticate} /> : null}
      <form class="filters" onSubmit={submit} aria-label={tr.form}>
        <div class="field"><label for="case_name">{tr.case}</label><input id="case_name" name="case_name" required maxLength={200} /></div>
        <div class="field wide"><label for="reason">{tr.reason}</label><input id="reason" name="reason" required maxLength={2000} /></div>
        <div class="field"><label for="custodians">{c.custodians}</label><input id="custodians" name="custodians" aria-describedby="hold-ids-help" /></div>
        <div class="field"><label for="conversations">{c.conversations}</label><input id="conversations" name="conversations" aria-describedby="hold-ids-help" /></div>
        <p id="hold-ids-help" class="muted wide">{tr.idsHelp}</p>
        <div class="field"><label for="from">{c.fromUtc}</label><input id="from" name="from" type="date" /></div>
        <div class="field"><label for="to">{c.toUtc}</label><input id="to" name="to" type="date" /></div>
        <div class="field wide"><label for="q">{c.words}</label><input id="q" name="q" /></div>
        <div class="actions"><button type="submit" disabled={busy}>{busy ? tr.creating : tr.create}</button></div>
      </form>
    </details>
  );
}
