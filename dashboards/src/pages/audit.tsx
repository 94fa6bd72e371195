/** Custos' own audit log for auditors: filters, newest or oldest first (sorted by the API) with paging, and the hash-chain verification. */
import { call } from '../api/client.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { formatCount } from '../format/numbers.js';
import { serverOrder, serverSortState, sortParams } from '../format/sort.js';
import { SortHeader } from '../components/sort-header.js';
import { navigate, queryOf } from '../router.js';
import { useLang, useT } from '../i18n/index.js';
import type { PageProps } from './page.js';
import { AUDIT_FIELDS as FIELDS, OUTCOMES, auditQuery } from './audit-query.js';

export function AuditPage({ api, tenant, search, me }: PageProps) {
  const t = useT().audit;
  const c = useT().common;
  const locale = useLang();
  const key = search.toString();
  const [loaded] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/audit', { params: { path: { tenant }, query: auditQuery(search) } })), [tenant, key]);
  const base = `/ui/${encodeURIComponent(tenant)}/audit`;
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(base + queryOf({ ...Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? '')])), ...sortParams(search) }));
  };
  const filters = { ...Object.fromEntries(FIELDS.map((f) => [f, search.get(f) ?? undefined])), ...sortParams(search) };
  const oldestFirst = serverOrder(search, 'time') === 'oldest';
  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      {me.scopes.includes('audit:verify') ? <ChainCheck {...{ api, tenant }} /> : null}
      <form key={key} class="filters" onSubmit={submit} role="search" aria-label={t.form}>
        <div class="field"><label for="action">{t.action}</label><input id="action" name="action" placeholder="messages.search" defaultValue={search.get('action') ?? ''} /></div>
        <div class="field">
          <label for="outcome">{t.outcome}</label>
          <Choice id="outcome" value={search.get('outcome')} options={OUTCOMES.map((o) => [o, t.outcomes[o] ?? o] as const)} any={c.any} />
        </div>
        <div class="field"><label for="subject_ref">{t.who}</label><input id="subject_ref" name="subject_ref" placeholder="sr_…" defaultValue={search.get('subject_ref') ?? ''} /></div>
        <div class="field"><label for="from">{c.fromUtc}</label><input id="from" name="from" type="date" defaultValue={search.get('from') ?? ''} /></div>
        <div class="field"><label for="to">{c.toUtc}</label><input id="to" name="to" type="date" defaultValue={search.get('to') ?? ''} /></div>
        <div class="actions"><button type="submit">{c.filter}</button></div>
      </form>
      <section aria-labelledby="entries-heading" aria-live="polite">
        {loaded.state === 'loading' ? <Loading what={t.loading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
          <>
            <h2 id="entries-heading" data-total={loaded.result.data.total} data-query={key}>{t.entries(formatCount(loaded.result.data.total, locale), loaded.result.data.total)}</h2>
            <table class="results">
              <caption class="visually-hidden">{t.caption}</caption>
              <thead><tr><th scope="col">{t.cols.seq}</th><SortHeader label={t.cols.time} column="time" sort={serverSortState(search, 'time')} base={base} search={search} /><th scope="col">{t.cols.who}</th><th scope="col">{t.cols.action}</th><th scope="col">{t.cols.outcome}</th><th scope="col">{t.cols.records}</th><th scope="col">{t.cols.from}</th><th scope="col">{t.cols.request}</th></tr></thead>
              <tbody>
                {loaded.result.data.items.map((e) => (
                  <tr key={e.seq} data-action={e.action}>
                    <td>{e.seq}</td>
                    <td><Time iso={e.time} /></td>
                    <td>
                      {e.subject_name ?? <em>{t.erased}</em>} <span class="muted">({e.roles.join(', ')}, {e.auth_method})</span><br />
                      <a href={base + queryOf({ subject_ref: e.subject_ref })}><code>{e.subject_ref}</code></a>
                    </td>
                    <td><code>{e.action}</code><br /><span class="muted">{e.method.toUpperCase()} {e.route}</span></td>
                    <td class={e.outcome === 'success' ? '' : 'warn'}>{t.outcomes[e.outcome] ?? e.outcome} ({e.status})</td>
                    <td>{e.result_count === null ? '—' : formatCount(e.result_count, locale)}</td>
                    <td>{e.ip}</td>
                    <td><details><summary>{t.parameters}</summary><pre class="json">{JSON.stringify(e.params, null, 2)}</pre><p class="muted">{t.request} <code>{e.request_id}</code>, {t.hash} <code title={e.hash}>{e.hash.slice(0, 12)}…</code></p></details></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager" aria-label={t.pages}>
              {search.get('cursor') ? <a href={base + queryOf(filters)}>{oldestFirst ? c.firstPage : c.newest}</a> : null}
              {loaded.result.data.next_cursor ? <a href={base + queryOf({ ...filters, cursor: loaded.result.data.next_cursor })} rel="next">{oldestFirst ? c.nextPage : t.older}</a> : null}
            </nav>
          </>
        )}
      </section>
    </>
  );
}

function ChainCheck({ api, tenant }: Pick<PageProps, 'api' | 'tenant'>) {
  const t = useT().audit;
  const locale = useLang();
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/audit/verify', { params: { path: { tenant } } })), [tenant]);
  return (
    <section class="chain" aria-labelledby="chain-heading" aria-live="polite">
      <h2 id="chain-heading">{t.chain}</h2>
      {loaded.state === 'loading' ? <Loading what={t.verifying} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : loaded.result.data.ok ? (
        <p class="ok" data-chain="ok">{t.verified(formatCount(loaded.result.data.entries, locale), loaded.result.data.head_seq)} <code title={loaded.result.data.head_hash}>{loaded.result.data.head_hash.slice(0, 16)}…</code></p>
      ) : (
        <p class="warn" data-chain="broken">{t.broken(loaded.result.data.first_bad?.seq, loaded.result.data.first_bad?.reason)}</p>
      )}
      <button type="button" onClick={reload}>{t.verifyAgain}</button>
    </section>
  );
}
