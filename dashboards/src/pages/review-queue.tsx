/**
 * The supervision review queue: filters (state, policy, severity), the exact total,
 * newest or oldest message first (sorted by the API) with cursor paging. Authors are pseudonyms here; opening an
 * item (reviewers only) reveals them and is audited.
 */
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
import { useLang, useT, type Messages } from '../i18n/index.js';
import type { PageProps } from './page.js';
import { REVIEW_FIELDS, REVIEW_STATES, SEVERITIES, reviewQuery } from './review-query.js';

export function ReviewQueuePage({ api, tenant, search }: PageProps) {
  const tr = useT().review;
  const c = useT().common;
  const types = useT().search.types;
  const locale = useLang();
  const key = search.toString();
  const [loaded] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/supervision/items', { params: { path: { tenant }, query: reviewQuery(search) } })), [tenant, key]);
  const t = encodeURIComponent(tenant);
  const base = `/ui/${t}/supervision`;
  const filters = { ...Object.fromEntries(REVIEW_FIELDS.map((f) => [f, search.get(f) ?? undefined])), ...sortParams(search) };
  const oldestFirst = serverOrder(search, 'written') === 'oldest';
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(base + queryOf({ ...Object.fromEntries(REVIEW_FIELDS.map((f) => [f, String(form.get(f) ?? '') || undefined])), ...sortParams(search) }));
  };
  return (
    <>
      <PageTitle>{tr.title}</PageTitle>
      <form key={key} class="filters" onSubmit={submit} role="search" aria-label={tr.form}>
        <div class="field">
          <label for="state">{tr.state}</label>
          <Choice id="state" value={search.get('state')} options={REVIEW_STATES.map((s) => [s, tr.states[s] ?? s] as const)} any={c.any} />
        </div>
        <div class="field">
          <label for="severity">{tr.severity}</label>
          <Choice id="severity" value={search.get('severity')} options={SEVERITIES.map((s) => [s, tr.severities[s] ?? s] as const)} any={c.any} />
        </div>
        <div class="field"><label for="policy">{tr.policyId}</label><input id="policy" name="policy" placeholder="pol_…" defaultValue={search.get('policy') ?? ''} /></div>
        <div class="actions"><button type="submit">{c.filter}</button></div>
      </form>
      <section aria-labelledby="items-heading">
        {loaded.state === 'loading' ? <Loading what={tr.loading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
          <>
            <h2 id="items-heading" data-total={loaded.result.data.total} data-query={key}>{tr.items(formatCount(loaded.result.data.total, locale), loaded.result.data.total)}</h2>
            <table class="results">
              <caption class="visually-hidden">{tr.caption}</caption>
              <thead><tr><SortHeader label={tr.cols.written} column="written" sort={serverSortState(search, 'written')} base={base} search={search} /><th scope="col">{tr.cols.policy}</th><th scope="col">{tr.cols.severity}</th><th scope="col">{tr.cols.author}</th><th scope="col">{tr.cols.conversation}</th><th scope="col">{tr.cols.matched}</th><th scope="col">{tr.cols.state}</th></tr></thead>
              <tbody>
                {loaded.result.data.items.map((i) => (
                  <tr key={i.id} data-item={i.id} data-state={i.state}>
                    <td><a href={`${base}/${encodeURIComponent(i.id)}`}><Time iso={i.message_time} /></a></td>
                    <td>{i.policy_name} <span class="muted">v{i.policy_version}</span></td>
                    <td><span class={i.severity === 'high' ? 'tag warn' : 'tag'}>{tr.severities[i.severity] ?? i.severity}</span></td>
                    <td><code>{i.author}</code></td>
                    <td>{i.conversation_id} <span class="muted">({types[i.conversation_type as keyof typeof types] ?? i.conversation_type})</span></td>
                    <td>{[...new Set(i.matches.map((m) => m.label))].join(', ')}</td>
                    <td>{tr.states[i.state] ?? i.state}{i.tag ? <span class="tag">{tr.tags[i.tag] ?? i.tag}</span> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager" aria-label={tr.pages}>
              {search.get('cursor') ? <a href={base + queryOf(filters)}>{oldestFirst ? c.firstPage : c.newest}</a> : null}
              {loaded.result.data.next_cursor ? <a href={base + queryOf({ ...filters, cursor: loaded.result.data.next_cursor })} rel="next">{c.nextPage}</a> : null}
            </nav>
          </>
        )}
      </section>
    </>
  );
}
