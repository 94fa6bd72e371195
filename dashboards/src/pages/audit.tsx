/** Custos' own audit log for auditors: filters, newest first with paging, and the hash-chain verification. */
import { call } from '../api/client.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { countOf, formatCount } from '../format/numbers.js';
import { navigate, queryOf } from '../router.js';
import type { PageProps } from './page.js';
import { AUDIT_FIELDS as FIELDS, OUTCOMES, auditQuery } from './audit-query.js';

export function AuditPage({ api, tenant, search, me }: PageProps) {
  const key = search.toString();
  const [loaded] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/audit', { params: { path: { tenant }, query: auditQuery(search) } })), [tenant, key]);
  const base = `/ui/${encodeURIComponent(tenant)}/audit`;
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(base + queryOf(Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? '')]))));
  };
  const filters = Object.fromEntries(FIELDS.map((f) => [f, search.get(f) ?? undefined]));
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      {me.scopes.includes('audit:verify') ? <ChainCheck {...{ api, tenant }} /> : null}
      <form key={key} class="filters" onSubmit={submit} role="search" aria-label="Audit log filters">
        <div class="field"><label for="action">Action</label><input id="action" name="action" placeholder="messages.search" defaultValue={search.get('action') ?? ''} /></div>
        <div class="field">
          <label for="outcome">Outcome</label>
          <Choice id="outcome" value={search.get('outcome')} options={OUTCOMES} any="any" />
        </div>
        <div class="field"><label for="subject_ref">Who (subject reference)</label><input id="subject_ref" name="subject_ref" placeholder="sr_…" defaultValue={search.get('subject_ref') ?? ''} /></div>
        <div class="field"><label for="from">From (UTC day)</label><input id="from" name="from" type="date" defaultValue={search.get('from') ?? ''} /></div>
        <div class="field"><label for="to">To (UTC day, included)</label><input id="to" name="to" type="date" defaultValue={search.get('to') ?? ''} /></div>
        <div class="actions"><button type="submit">Filter</button></div>
      </form>
      <section aria-labelledby="entries-heading" aria-live="polite">
        {loaded.state === 'loading' ? <Loading what="audit entries" /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
          <>
            <h2 id="entries-heading" data-total={loaded.result.data.total} data-query={key}>{countOf(loaded.result.data.total, 'entry', 'entries')}</h2>
            <table class="results">
              <caption class="visually-hidden">Audit entries, newest first</caption>
              <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Records</th><th scope="col">From</th><th scope="col">Request</th></tr></thead>
              <tbody>
                {loaded.result.data.items.map((e) => (
                  <tr key={e.seq} data-action={e.action}>
                    <td>{e.seq}</td>
                    <td><Time iso={e.time} /></td>
                    <td>
                      {e.subject_name ?? <em>erased</em>} <span class="muted">({e.roles.join(', ')}, {e.auth_method})</span><br />
                      <a href={base + queryOf({ subject_ref: e.subject_ref })}><code>{e.subject_ref}</code></a>
                    </td>
                    <td><code>{e.action}</code><br /><span class="muted">{e.method.toUpperCase()} {e.route}</span></td>
                    <td class={e.outcome === 'success' ? '' : 'warn'}>{e.outcome} ({e.status})</td>
                    <td>{e.result_count === null ? '—' : formatCount(e.result_count)}</td>
                    <td>{e.ip}</td>
                    <td><details><summary>Parameters</summary><pre class="json">{JSON.stringify(e.params, null, 2)}</pre><p class="muted">request <code>{e.request_id}</code>, hash <code title={e.hash}>{e.hash.slice(0, 12)}…</code></p></details></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager" aria-label="Audit pages">
              {search.get('cursor') ? <a href={base + queryOf(filters)}>Newest</a> : null}
              {loaded.result.data.next_cursor ? <a href={base + queryOf({ ...filters, cursor: loaded.result.data.next_cursor })} rel="next">Older entries</a> : null}
            </nav>
          </>
        )}
      </section>
    </>
  );
}

function ChainCheck({ api, tenant }: Pick<PageProps, 'api' | 'tenant'>) {
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/audit/verify', { params: { path: { tenant } } })), [tenant]);
  return (
    <section class="chain" aria-labelledby="chain-heading" aria-live="polite">
      <h2 id="chain-heading">Hash chain</h2>
      {loaded.state === 'loading' ? <Loading what="the verification" /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : loaded.result.data.ok ? (
        <p class="ok" data-chain="ok">Verified: all {formatCount(loaded.result.data.entries)} entries chain up to head #{loaded.result.data.head_seq} <code title={loaded.result.data.head_hash}>{loaded.result.data.head_hash.slice(0, 16)}…</code></p>
      ) : (
        <p class="warn" data-chain="broken">Broken: entry #{loaded.result.data.first_bad?.seq} does not match ({loaded.result.data.first_bad?.reason}). Entries before it are intact.</p>
      )}
      <button type="button" onClick={reload}>Verify again</button>
    </section>
  );
}
