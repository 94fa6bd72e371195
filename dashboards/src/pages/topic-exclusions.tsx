/**
 * Conversations left out of topic analysis (GDPR Art. 21 objections, policy), for the
 * people who hold `topics:exclude` (admin, DPO): the list with why and when, and one
 * form to exclude a conversation or lift its exclusion. Answers leave an excluded
 * conversation out at once; its analysis is deleted at the next run.
 */
import { useState } from 'preact/hooks';
import { call, type Result } from '../api/client.js';
import type { TopicExclusion } from '../api/types.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { useT } from '../i18n/index.js';
import type { PageProps } from './page.js';
import { exclusionChange, EXCLUSION_REASONS } from './topic-exclusions-form.js';

export function TopicExclusionsPage({ api, tenant, search }: PageProps) {
  const t = useT().topicExclusions;
  const [saved, setSaved] = useState<Result<TopicExclusion> | undefined>();
  const [busy, setBusy] = useState(false);
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/analytics/topics/exclusions', { params: { path: { tenant } } })), [tenant]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const change = exclusionChange(Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v)])), (e as SubmitEvent).submitter?.getAttribute('value') === 'include');
    setBusy(true);
    const r = await call(api.PUT('/v1/tenants/{tenant}/analytics/topics/exclusions/{conversationId}', { params: { path: { tenant, conversationId: change.conversationId } }, body: change.body }));
    setSaved(r);
    setBusy(false);
    if (r.ok) {
      form.reset();
      reload();
    }
  };
  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      <p><a href={`/ui/${encodeURIComponent(tenant)}/topics`}>{t.back}</a></p>
      <p>{t.intro}</p>
      {saved && !saved.ok ? <ProblemView problem={saved.problem} wwwAuthenticate={saved.wwwAuthenticate} /> : null}
      {saved?.ok ? <p class="notice" role="status" data-saved={saved.data.conversation_id}>{saved.data.excluded ? t.excludedNow(saved.data.conversation_id) : t.includedNow(saved.data.conversation_id)}</p> : null}
      <form class="filters" onSubmit={submit} aria-label={t.form}>
        <div class="field wide"><label for="conversation">{t.conversation}</label><input id="conversation" name="conversation" required maxLength={512} defaultValue={search.get('conversation') ?? ''} /></div>
        <div class="field"><label for="reason">{t.reason}</label><Choice id="reason" value="objection" options={EXCLUSION_REASONS.map((r) => [r, t.reasons[r] ?? r] as const)} /></div>
        <div class="field wide"><label for="note">{t.note}</label><input id="note" name="note" maxLength={2000} aria-describedby="note-help" /></div>
        <p id="note-help" class="muted wide">{t.noteHelp}</p>
        <div class="actions">
          <button type="submit" name="action" value="exclude" disabled={busy}>{t.exclude}</button>
          <button type="submit" name="action" value="include" class="secondary" disabled={busy}>{t.include}</button>
        </div>
      </form>
      <section aria-labelledby="exclusions-heading">
        <h2 id="exclusions-heading">{t.listHeading}</h2>
        {loaded.state === 'loading' ? <Loading what={t.loading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : loaded.result.data.items.length === 0 ? <p>{t.none}</p> : (
          <table class="results">
            <caption class="visually-hidden">{t.caption}</caption>
            <thead><tr><th scope="col">{t.cols.conversation}</th><th scope="col">{t.cols.state}</th><th scope="col">{t.cols.reason}</th><th scope="col">{t.cols.note}</th><th scope="col">{t.cols.by}</th><th scope="col">{t.cols.when}</th></tr></thead>
            <tbody>
              {loaded.result.data.items.map((x) => (
                <tr key={x.conversation_id} data-conversation={x.conversation_id} data-excluded={String(x.excluded)}>
                  <td>{x.conversation_id}</td>
                  <td>{x.excluded ? <span class="tag warn">{t.excluded}</span> : <span class="tag">{t.included}</span>}</td>
                  <td>{t.reasons[x.reason] ?? x.reason}</td>
                  <td>{x.note || '—'}</td>
                  <td><code>{x.changed_by}</code></td>
                  <td><Time iso={x.changed_at} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
