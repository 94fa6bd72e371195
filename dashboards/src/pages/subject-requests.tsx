/** Subject requests (DPO): late ones first then by due date, as the API orders them; filters late, due within N days, state, type in the URL. */
import { call } from '../api/client.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { DueDay, Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { formatCount } from '../format/numbers.js';
import { navigate, queryOf } from '../router.js';
import { useLang, useT } from '../i18n/index.js';
import { REQUEST_FIELDS, REQUEST_STATES, REQUEST_TYPES, subjectRequestQuery } from './subject-request-query.js';
import type { PageProps } from './page.js';

export function SubjectRequestsPage({ api, tenant, search, me }: PageProps) {
  const t = useT().subjectRequests;
  const c = useT().common;
  const locale = useLang();
  const query = subjectRequestQuery(search);
  const key = new URLSearchParams(query as Record<string, string>).toString();
  const [loaded] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/subject-requests', { params: { path: { tenant }, query } })), [tenant, key]);
  const tp = `/ui/${encodeURIComponent(tenant)}`;
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(`${tp}/subject-requests${queryOf(Object.fromEntries(REQUEST_FIELDS.map((f) => [f, form.get(f) === null ? undefined : String(form.get(f))])))}`);
  };
  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      <p>{t.intro}</p>
      {me.scopes.includes('subject_requests:manage') ? <p><a href={`${tp}/subject-requests/new`}>{t.newRequest}</a></p> : null}
      <form class="filters" onSubmit={submit} aria-label={t.filters}>
        <div class="field"><label for="late"><input id="late" name="late" type="checkbox" value="true" defaultChecked={query.late === 'true'} /> {t.lateOnly}</label></div>
        <div class="field"><label for="due_within">{t.dueWithin}</label><input id="due_within" name="due_within" type="number" min={1} max={366} defaultValue={query.due_within ?? ''} /></div>
        <div class="field"><label for="state">{t.state}</label><Choice id="state" value={query.state} any={c.any} options={REQUEST_STATES.map((s) => [s, t.states[s] ?? s] as const)} /></div>
        <div class="field"><label for="type">{t.type}</label><Choice id="type" value={query.type} any={c.any} options={REQUEST_TYPES.map((s) => [s, t.types[s] ?? s] as const)} /></div>
        <div class="actions"><button type="submit">{c.filter}</button></div>
      </form>
      <section aria-labelledby="requests-heading">
        {loaded.state === 'loading' ? <Loading what={t.loading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
          <>
            <h2 id="requests-heading" data-total={loaded.result.data.total} data-query={key}>{t.count(formatCount(loaded.result.data.total, locale), loaded.result.data.total)}</h2>
            {loaded.result.data.items.length === 0 ? <p>{t.none}</p> : (
              <table class="results">
                <caption class="visually-hidden">{t.caption}</caption>
                <thead><tr>
                  <th scope="col">{t.cols.due}</th><th scope="col">{t.cols.request}</th><th scope="col">{t.cols.type}</th>
                  <th scope="col">{t.cols.subject}</th><th scope="col">{t.cols.state}</th><th scope="col">{t.cols.received}</th>
                </tr></thead>
                <tbody>
                  {loaded.result.data.items.map((r) => (
                    <tr key={r.id} data-request={r.id} data-late={String(r.late)} class={r.late ? 'late' : undefined}>
                      <td><DueDay iso={r.due_at} />{r.late ? <> <span class="tag warn">{t.late}</span></> : null}{r.extended ? <> <span class="tag">{t.extended}</span></> : null}</td>
                      <td><a href={`${tp}/subject-requests/${encodeURIComponent(r.id)}`}><code>{r.id}</code></a></td>
                      <td>{t.types[r.type] ?? r.type}</td>
                      <td><code>{r.subject}</code></td>
                      <td><span class={`state state-${r.state}`}>{t.states[r.state] ?? r.state}</span></td>
                      <td><Time iso={r.received_at} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </section>
    </>
  );
}
