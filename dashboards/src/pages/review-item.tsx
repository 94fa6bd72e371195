/**
 * One review item. A reviewer (supervision:review) opens it: the author revealed,
 * the flagged version with the matched terms marked, the messages around it, and the
 * review form. Opening is recorded (an `opened` action and the audit log), so only a
 * reviewer's page calls it; a reader (auditor) sees the item's history only.
 */
import { useState } from 'preact/hooks';
import { call, type Result } from '../api/client.js';
import type { OpenedReviewItem, ReviewBody } from '../api/types.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { MatchedText } from '../components/matched-text.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { useLang, useT } from '../i18n/index.js';
import type { PageProps } from './page.js';
import { REVIEW_STATES, REVIEW_TAGS } from './review-query.js';

export function ReviewItemPage({ api, tenant, params, me }: PageProps) {
  const t = useT().reviewItem;
  const itemId = params.itemId ?? '';
  const reviewer = me.scopes.includes('supervision:review');
  const [tick, setTick] = useState(0);
  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      <p><a href={`/ui/${encodeURIComponent(tenant)}/supervision`}>{t.back}</a></p>
      {reviewer ? <Opened {...{ api, tenant, itemId }} onReviewed={() => setTick((n) => n + 1)} /> : <p class="muted">{t.readerNote}</p>}
      <History {...{ api, tenant, itemId, tick }} />
    </>
  );
}

function Opened({ api, tenant, itemId, onReviewed }: Pick<PageProps, 'api' | 'tenant'> & { itemId: string; onReviewed: () => void }) {
  const t = useT().reviewItem;
  const r = useT().review;
  const types = useT().search.types;
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/supervision/items/{itemId}', { params: { path: { tenant, itemId }, query: { context: '3' } } })), [tenant, itemId]);
  if (loaded.state === 'loading') return <Loading what={t.loading} />;
  if (!loaded.result.ok) return <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} />;
  const item = loaded.result.data;
  const version = item.message?.versions.find((v) => v.event_id === item.event_id);
  const tp = encodeURIComponent(tenant);
  return (
    <>
      <dl class="facts" data-state={item.state}>
        <dt>{t.policy}</dt><dd>{item.policy_name} <span class="muted">v{item.policy_version}, {r.severities[item.severity] ?? item.severity}</span></dd>
        <dt>{t.author}</dt><dd data-author={item.author_id}>{item.author_id} <span class="muted">({t.pseudonym} <code>{item.author}</code>)</span></dd>
        <dt>{t.written}</dt><dd><Time iso={item.message_time} />{t.writtenIn(item.conversation_id, types[item.conversation_type as keyof typeof types] ?? item.conversation_type, item.version_kind === 'edited')}</dd>
        <dt>{t.state}</dt><dd>{r.states[item.state] ?? item.state}{item.tag ? <span class="tag">{r.tags[item.tag] ?? item.tag}</span> : null}{item.comment ? `: ${item.comment}` : ''}</dd>
        {item.escalation_case ? <><dt>{t.escalationCase}</dt><dd data-escalation={item.escalation_case}>{/^hold_[a-z0-9]{8,40}$/.test(item.escalation_case) ? <a href={`/ui/${tp}/holds/${encodeURIComponent(item.escalation_case)}`}>{item.escalation_case}</a> : item.escalation_case}</dd></> : null}
      </dl>
      <section aria-labelledby="flagged-heading">
        <h2 id="flagged-heading">{t.flagged}</h2>
        {version ? <p class="message-text flagged"><MatchedText text={version.text} matches={item.matches} /></p> : <p class="muted">{t.gone(item.matches.map((m) => m.label).join(', '))}</p>}
        {item.message ? <p><a href={`/ui/${tp}/messages/${encodeURIComponent(item.conversation_id)}/${encodeURIComponent(item.message_id)}`}>{t.everything}</a></p> : null}
      </section>
      <section aria-labelledby="context-heading">
        <h2 id="context-heading">{t.around}</h2>
        <ol class="thread">
          {item.context.before.map((m) => <ContextLine key={m.message_id} m={m} />)}
          <li aria-current="true"><Time iso={item.message_time} /> <strong>{item.author_id}</strong>: {version?.text ?? t.goneShort}</li>
          {item.context.after.map((m) => <ContextLine key={m.message_id} m={m} />)}
        </ol>
      </section>
      <ReviewForm {...{ api, tenant, itemId, item }} onDone={() => { reload(); onReviewed(); }} />
    </>
  );
}

function ContextLine({ m }: { m: OpenedReviewItem['context']['before'][number] }) {
  const t = useT().reviewItem;
  return <li><Time iso={m.time} /> <strong>{m.author_id}</strong>: {m.text}{m.edited ? <span class="tag">{t.edited}</span> : null}</li>;
}

function ReviewForm({ api, tenant, itemId, item, onDone }: Pick<PageProps, 'api' | 'tenant'> & { itemId: string; item: OpenedReviewItem; onDone: () => void }) {
  const t = useT().reviewItem;
  const r = useT().review;
  const c = useT().common;
  const [outcome, setOutcome] = useState<Result<unknown> | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const tag = REVIEW_TAGS.find((v) => v === form.get('tag'));
    const escalation = String(form.get('escalation_case') ?? '').trim();
    // Sent only with state escalated: the API refuses it otherwise, and checks a hold id names an active hold covering the message.
    const state = REVIEW_STATES.find((v) => v === form.get('review_state')) ?? 'pending';
    const body: ReviewBody = { state, comment: String(form.get('comment') ?? ''), ...(tag ? { tag } : {}), ...(escalation && state === 'escalated' ? { escalation_case: escalation } : {}) };
    setBusy(true);
    const result = await call(api.POST('/v1/tenants/{tenant}/supervision/items/{itemId}/review', { params: { path: { tenant, itemId } }, body }));
    setBusy(false);
    setOutcome(result);
    if (result.ok) onDone();
  };
  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading">{t.review}</h2>
      {outcome && !outcome.ok ? <ProblemView problem={outcome.problem} wwwAuthenticate={outcome.wwwAuthenticate} /> : null}
      {outcome?.ok ? <p class="ok" role="status">{t.saved}</p> : null}
      <form class="filters" onSubmit={submit} aria-label={t.form}>
        <div class="field">
          <label for="review_state">{t.state}</label>
          <Choice id="review_state" value={item.state} options={REVIEW_STATES.map((s) => [s, r.states[s] ?? s] as const)} />
        </div>
        <div class="field">
          <label for="tag">{t.tag}</label>
          <Choice id="tag" value={item.tag} options={REVIEW_TAGS.map((s) => [s, r.tags[s] ?? s] as const)} any={c.none} />
        </div>
        <div class="field"><label for="escalation_case">{t.escalationCase}</label><input id="escalation_case" name="escalation_case" maxLength={128} defaultValue={item.escalation_case ?? ''} aria-describedby="escalation-help" /></div>
        <p id="escalation-help" class="muted wide">{t.escalationHelp}</p>
        <div class="field wide"><label for="comment">{t.comment}</label><textarea id="comment" name="comment" maxLength={4000} rows={3} defaultValue={item.comment} /></div>
        <div class="actions"><button type="submit" disabled={busy}>{busy ? t.saving : t.save}</button></div>
      </form>
    </section>
  );
}

function History({ api, tenant, itemId, tick }: Pick<PageProps, 'api' | 'tenant'> & { itemId: string; tick: number }) {
  const t = useT().reviewItem;
  const r = useT().review;
  const [loaded] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/supervision/items/{itemId}/history', { params: { path: { tenant, itemId } } })), [tenant, itemId, tick]);
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t.history}</h2>
      {loaded.state === 'loading' ? <Loading what={t.historyLoading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
        <table class="results" data-actions={loaded.result.data.items.length}>
          <caption class="visually-hidden">{t.historyCaption}</caption>
          <thead><tr><th scope="col">{t.cols.when}</th><th scope="col">{t.cols.action}</th><th scope="col">{t.cols.state}</th><th scope="col">{t.cols.tag}</th><th scope="col">{t.cols.comment}</th><th scope="col">{t.cols.who}</th></tr></thead>
          <tbody>
            {loaded.result.data.items.map((a) => (
              <tr key={a.id} data-action={a.action}><td><Time iso={a.time} /></td><td>{t.actions[a.action] ?? r.states[a.action] ?? a.action}</td><td>{a.state ? r.states[a.state] ?? a.state : '—'}</td><td>{a.tag ? r.tags[a.tag] ?? a.tag : '—'}</td><td>{a.comment}</td><td><code>{a.actor}</code></td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
