/** The tenant's jobs (exports and the rest), newest or oldest first (sorted by the API), refreshed while any is queued or running. */
import { call } from '../api/client.js';
import { isActive, JobProgress } from '../components/job-progress.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { usePoll } from '../components/use-poll.js';
import { formatCount } from '../format/numbers.js';
import { serverOrder, serverSortState, sortParams } from '../format/sort.js';
import { SortHeader } from '../components/sort-header.js';
import { queryOf } from '../router.js';
import { useLang, useT } from '../i18n/index.js';
import type { PageProps } from './page.js';

export function JobsPage({ api, tenant, search, me }: PageProps) {
  const tr = useT().jobs;
  const c = useT().common;
  const locale = useLang();
  const cursor = search.get('cursor') ?? undefined;
  const order = serverOrder(search, 'queued');
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/jobs', { params: { path: { tenant }, query: { limit: '25', ...(order === 'oldest' ? { order } : {}), ...(cursor ? { cursor } : {}) } } })), [tenant, cursor, order]);
  const items = loaded.state === 'done' && loaded.result.ok ? loaded.result.data.items : [];
  usePoll(items.some(isActive), 2000, reload);
  const t = encodeURIComponent(tenant);
  return (
    <>
      <PageTitle>{tr.title}</PageTitle>
      {me.scopes.includes('exports:create') ? <p><a href={`/ui/${t}/exports/new`} class="button">{tr.newExport}</a></p> : null}
      {loaded.state === 'loading' ? <Loading what={tr.loading} /> : loaded.state === 'done' && !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : loaded.state === 'done' && loaded.result.ok ? (
        <>
          <p>{tr.count(formatCount(loaded.result.data.total, locale), loaded.result.data.total)}</p>
          <table class="results">
            <caption class="visually-hidden">{tr.caption}</caption>
            <thead><tr><th scope="col">{tr.cols.job}</th><th scope="col">{tr.cols.kind}</th><SortHeader label={tr.cols.queued} column="queued" sort={serverSortState(search, 'queued')} base={`/ui/${t}/jobs`} search={search} /><th scope="col">{tr.cols.state}</th><th scope="col">{tr.cols.files}</th></tr></thead>
            <tbody>
              {loaded.result.data.items.map((j) => (
                <tr key={j.id} data-job={j.id}>
                  <td><a href={`/ui/${t}/jobs/${encodeURIComponent(j.id)}`}>{j.id}</a></td>
                  <td>{j.kind}</td>
                  <td><Time iso={j.created_at} /></td>
                  <td><JobProgress job={j} />{j.error ? <p class="warn">{j.error}</p> : null}</td>
                  <td>{j.files.length === 0 ? '—' : j.files.map((f) => me.scopes.includes('exports:read') ? <a key={f.name} href={f.href} download={f.name}>{f.name}</a> : <span key={f.name}>{f.name}</span>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label={tr.pages}>
            {cursor ? <a href={`/ui/${t}/jobs${queryOf(sortParams(search))}`}>{c.firstPage}</a> : null}
            {loaded.result.data.next_cursor ? <a href={`/ui/${t}/jobs${queryOf({ ...sortParams(search), cursor: loaded.result.data.next_cursor })}`} rel="next">{c.nextPage}</a> : null}
          </nav>
        </>
      ) : null}
    </>
  );
}
