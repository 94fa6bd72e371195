/** One message as the archive holds it: every version, the deletion, reactions (now and their history) and the thread. */
import { call } from '../api/client.js';
import type { MessageDetail } from '../api/types.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { WhyKept } from '../components/why-kept.js';
import { useLoad } from '../components/use-load.js';
import { formatBytes } from '../format/numbers.js';
import { buildPath } from '../route-match.js';
import { useLang, useT } from '../i18n/index.js';
import type { PageProps } from './page.js';

export function MessagePage({ api, tenant, params, me }: PageProps) {
  const t = useT().message;
  const conversationId = params.conversationId!;
  const messageId = params.messageId!;
  const [loaded] = useLoad(
    () => call(api.GET('/v1/tenants/{tenant}/conversations/{conversationId}/messages/{messageId}', { params: { path: { tenant, conversationId, messageId } } })),
    [tenant, conversationId, messageId],
  );
  return (
    <>
      <PageTitle>{t.title(messageId, conversationId)}</PageTitle>
      {loaded.state === 'loading' ? <Loading what={t.loading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : <Detail tenant={tenant} d={loaded.result.data} />}
      {loaded.state === 'done' && loaded.result.ok && me.scopes.includes('retention:explain') ? <WhyKept {...{ api, tenant, conversationId, messageId }} /> : null}
    </>
  );
}

function Detail({ tenant, d }: { tenant: string; d: MessageDetail }) {
  const t = useT().message;
  const types = useT().search.types;
  const sha = useT().common.sha256;
  const locale = useLang();
  const m = d.message;
  const link = (conversationId: string, messageId: string) => buildPath('/ui/:tenant/messages/:conversationId/:messageId', { tenant, conversationId, messageId });
  return (
    <>
      <dl class="facts">
        <dt>{t.posted}</dt><dd><Time iso={m.time} /></dd>
        <dt>{t.author}</dt><dd>{m.author_id}</dd>
        <dt>{t.conversation}</dt><dd>{m.conversation_id} ({types[m.conversation_type as keyof typeof types] ?? m.conversation_type})</dd>
        <dt>{t.currentText}</dt><dd class="message-text">{m.text}</dd>
        {m.mentions.length > 0 ? <><dt>{t.mentions}</dt><dd>{m.mentions.join(', ')}</dd></> : null}
        {m.attachments.length > 0 ? <><dt>{t.attachments}</dt><dd><ul>{m.attachments.map((a) => <li key={a.sha256 + a.name}>{a.name} ({a.mime}, {formatBytes(a.size, locale)}) <code title={sha}>{a.sha256.slice(0, 16)}…</code></li>)}</ul></dd></> : null}
      </dl>

      <section aria-labelledby="versions-heading">
        <h2 id="versions-heading">{t.versions(d.versions.length)}</h2>
        <ol class="versions">
          {d.versions.map((v) => (
            <li key={v.event_id} data-kind={v.kind}>
              <p><strong>{v.kind === 'created' ? t.versionPosted : t.versionEdited}</strong> <Time iso={v.time} /> {t.by} {v.author_id}</p>
              <p class="message-text">{v.text}</p>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="deletion-heading">
        <h2 id="deletion-heading">{t.deletion}</h2>
        {d.deletions.length === 0 ? <p>{t.notDeleted}</p> : (
          <ul>{d.deletions.map((x) => <li key={x.event_id}>{t.deleted} <Time iso={x.time} /> {t.by} {x.deleted_by}</li>)}</ul>
        )}
      </section>

      <section aria-labelledby="reactions-heading">
        <h2 id="reactions-heading">{t.reactions}</h2>
        {d.reactions.current.length === 0 ? <p>{t.noReaction}</p> : (
          <ul>{d.reactions.current.map((r) => <li key={r.emoji + r.user_id}>:{r.emoji}: {t.by} {r.user_id} {t.since} <Time iso={r.since} /></li>)}</ul>
        )}
        {d.reactions.history.length > 0 ? (
          <details>
            <summary>{t.history(d.reactions.history.length)}</summary>
            <ol>{d.reactions.history.map((r) => <li key={r.event_id}><Time iso={r.time} />: {r.user_id} {r.action} :{r.emoji}:</li>)}</ol>
          </details>
        ) : null}
      </section>

      <section aria-labelledby="thread-heading">
        <h2 id="thread-heading">{t.thread}</h2>
        {!d.thread ? <p>{t.notThread}</p> : (
          <>
            <p>{t.root(d.thread.root_message_id, d.thread.reply_count, d.thread.truncated)}</p>
            <ol class="thread">
              {d.thread.messages.map((t) => (
                <li key={t.message_id} aria-current={t.message_id === m.message_id ? 'true' : undefined}>
                  <Time iso={t.time} /> {t.author_id}: {t.message_id === m.message_id ? <strong>{t.text}</strong> : <a href={link(t.conversation_id, t.message_id)}>{t.text}</a>}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </>
  );
}
