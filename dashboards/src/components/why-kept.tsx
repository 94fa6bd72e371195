/**
 * "Why is this kept" on the message page (retention:explain): the answer of
 * GET .../messages/{c}/{m}/retention (docs/retention.md): status, until when, the
 * deciding rule, the holds covering the message and when a run is expected to remove
 * it. The facts are worded in the page's language; the server's one-sentence summary
 * follows in its own words (English).
 */
import type { Api } from '../api/client.js';
import { call } from '../api/client.js';
import { useT } from '../i18n/index.js';
import { Loading } from './loading.js';
import { ProblemView } from './problem-view.js';
import { Time } from './time.js';
import { useLoad } from './use-load.js';

export function WhyKept({ api, tenant, conversationId, messageId }: { api: Api; tenant: string; conversationId: string; messageId: string }) {
  const t = useT().message;
  const [loaded] = useLoad(
    () => call(api.GET('/v1/tenants/{tenant}/messages/{conversationId}/{messageId}/retention', { params: { path: { tenant, conversationId, messageId } } })),
    [tenant, conversationId, messageId],
  );
  const tp = encodeURIComponent(tenant);
  return (
    <section aria-labelledby="why-kept-heading">
      <h2 id="why-kept-heading">{t.whyKept}</h2>
      {loaded.state === 'loading' ? <Loading what={t.whyLoading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (() => {
        const x = loaded.result.data;
        return (
          <dl class="facts" data-retention={x.status}>
            <dt>{t.status}</dt><dd>{t.statuses[x.status] ?? x.status} <span class="muted">({t.policyVersion(x.policy_version)})</span></dd>
            <dt>{t.keptUntil}</dt><dd>{x.forever || x.kept_until === null ? t.forever : <Time iso={x.kept_until} />}</dd>
            <dt>{t.rule}</dt><dd>{x.rule ? <><code>{x.rule.path}</code> <span class="muted">({x.rule.scope})</span></> : t.noRule}</dd>
            {x.principles.length ? <><dt>{t.principles}</dt><dd>{x.principles.join('; ')}</dd></> : null}
            {x.holds.length ? (
              <><dt>{t.heldBy}</dt><dd><ul>{x.holds.map((h) => <li key={h.id}><a href={`/ui/${tp}/holds/${encodeURIComponent(h.id)}`}>{h.case_name}</a></li>)}</ul></dd></>
            ) : null}
            <dt>{t.removal}</dt><dd>{x.removal_expected_at ? <Time iso={x.removal_expected_at} /> : t.notExpected}</dd>
            <dt>{t.serverSummary}</dt><dd lang="en">{x.summary}</dd>
          </dl>
        );
      })()}
    </section>
  );
}
