/**
 * The supervision review queue: filters (state, policy, severity), the exact total,
 * newest message first with cursor paging. Authors are pseudonyms here; opening an
 * item (reviewers only) reveals them and is audited.
 */
import { call } from '../api/client.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { countOf } from '../format/numbers.js';
import { navigate, queryOf } from '../router.js';
import type { PageProps } from './page.js';
import { REVIEW_FIELDS, REVIEW_STATES, SEVERITIES, reviewQuery } from './review-query.js';

export function ReviewQueuePage({ api, tenant, search }: PageProps) {
  const key = search.toString();
  const [loaded] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/supervision/items', { params: { path: { tenant }, query: reviewQuery(search) } })), [tenant, key]);
  const t = encodeURIComponent(tenant);
  const base = `/ui/${t}/supervision`;
  const filters = Object.fromEntries(REVIEW_FIELDS.map((f) => [f, search.get(f) ?? undefined]));
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(base + queryOf(Object.fromEntries(REVIEW_FIELDS.map((f) => [f, String(form.get(f) ?? '') || undefined]))));
  };
  return (
    <>
      <PageTitle>Review queue</PageTitle>
      <form key={key} class="filters" onSubmit={submit} role="search" aria-label="Review queue filters">
        <div class="field">
          <label for="state">State</label>
          <Choice id="state" value={search.get('state')} options={REVIEW_STATES} any="any" />
        </div>
        <div class="field">
          <label for="severity">Severity</label>
          <Choice id="severity" value={search.get('severity')} options={SEVERITIES} any="any" />
        </div>
        <div class="field"><label for="policy">Policy id</label><input id="policy" name="policy" placeholder="pol_…" defaultValue={search.get('policy') ?? ''} /></div>
        <div class="actions"><button type="submit">Filter</button></div>
      </form>
      <section aria-labelledby="items-heading">
        {loaded.state === 'loading' ? <Loading what="the queue" /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
          <>
            <h2 id="items-heading" data-total={loaded.result.data.total} data-query={key}>{countOf(loaded.result.data.total, 'item', 'items')}</h2>
            <table class="results">
              <caption class="visually-hidden">Flagged messages, newest first</caption>
              <thead><tr><th scope="col">Message written</th><th scope="col">Policy</th><th scope="col">Severity</th><th scope="col">Author (pseudonym)</th><th scope="col">Conversation</th><th scope="col">Matched</th><th scope="col">State</th></tr></thead>
              <tbody>
                {loaded.result.data.items.map((i) => (
                  <tr key={i.id} data-item={i.id} data-state={i.state}>
                    <td><a href={`${base}/${encodeURIComponent(i.id)}`}><Time iso={i.message_time} /></a></td>
                    <td>{i.policy_name} <span class="muted">v{i.policy_version}</span></td>
                    <td><span class={i.severity === 'high' ? 'tag warn' : 'tag'}>{i.severity}</span></td>
                    <td><code>{i.author}</code></td>
                    <td>{i.conversation_id} <span class="muted">({i.conversation_type})</span></td>
                    <td>{[...new Set(i.matches.map((m) => m.label))].join(', ')}</td>
                    <td>{i.state}{i.tag ? <span class="tag">{i.tag}</span> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager" aria-label="Queue pages">
              {search.get('cursor') ? <a href={base + queryOf(filters)}>Newest</a> : null}
              {loaded.result.data.next_cursor ? <a href={base + queryOf({ ...filters, cursor: loaded.result.data.next_cursor })} rel="next">Next page</a> : null}
            </nav>
          </>
        )}
      </section>
    </>
  );
}
