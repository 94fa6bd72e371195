/** One message as the archive holds it: every version, the deletion, reactions (now and their history) and the thread. */
import { call } from '../api/client.js';
import type { MessageDetail } from '../api/types.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { formatBytes } from '../format/numbers.js';
import { buildPath } from '../route-match.js';
import type { PageProps } from './page.js';

export function MessagePage({ api, tenant, params }: PageProps) {
  const conversationId = params.conversationId!;
  const messageId = params.messageId!;
  const [loaded] = useLoad(
    () => call(api.GET('/v1/tenants/{tenant}/conversations/{conversationId}/messages/{messageId}', { params: { path: { tenant, conversationId, messageId } } })),
    [tenant, conversationId, messageId],
  );
  return (
    <>
      <PageTitle>{`Message ${messageId} in ${conversationId}`}</PageTitle>
      {loaded.state === 'loading' ? <Loading what="the message" /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : <Detail tenant={tenant} d={loaded.result.data} />}
    </>
  );
}

function Detail({ tenant, d }: { tenant: string; d: MessageDetail }) {
  const m = d.message;
  const link = (conversationId: string, messageId: string) => buildPath('/ui/:tenant/messages/:conversationId/:messageId', { tenant, conversationId, messageId });
  return (
    <>
      <dl class="facts">
        <dt>Posted</dt><dd><Time iso={m.time} /></dd>
        <dt>Author</dt><dd>{m.author_id}</dd>
        <dt>Conversation</dt><dd>{m.conversation_id} ({m.conversation_type})</dd>
        <dt>Current text</dt><dd class="message-text">{m.text}</dd>
        {m.mentions.length > 0 ? <><dt>Mentions</dt><dd>{m.mentions.join(', ')}</dd></> : null}
        {m.attachments.length > 0 ? <><dt>Attachments</dt><dd><ul>{m.attachments.map((a) => <li key={a.sha256 + a.name}>{a.name} ({a.mime}, {formatBytes(a.size)}) <code title="SHA-256">{a.sha256.slice(0, 16)}…</code></li>)}</ul></dd></> : null}
      </dl>

      <section aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions ({d.versions.length})</h2>
        <ol class="versions">
          {d.versions.map((v) => (
            <li key={v.event_id} data-kind={v.kind}>
              <p><strong>{v.kind === 'created' ? 'Posted' : 'Edited'}</strong> <Time iso={v.time} /> by {v.author_id}</p>
              <p class="message-text">{v.text}</p>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="deletion-heading">
        <h2 id="deletion-heading">Deletion</h2>
        {d.deletions.length === 0 ? <p>Not deleted on the platform.</p> : (
          <ul>{d.deletions.map((x) => <li key={x.event_id}>Deleted <Time iso={x.time} /> by {x.deleted_by}</li>)}</ul>
        )}
      </section>

      <section aria-labelledby="reactions-heading">
        <h2 id="reactions-heading">Reactions</h2>
        {d.reactions.current.length === 0 ? <p>No reaction now.</p> : (
          <ul>{d.reactions.current.map((r) => <li key={r.emoji + r.user_id}>:{r.emoji}: by {r.user_id} since <Time iso={r.since} /></li>)}</ul>
        )}
        {d.reactions.history.length > 0 ? (
          <details>
            <summary>History ({d.reactions.history.length} changes)</summary>
            <ol>{d.reactions.history.map((r) => <li key={r.event_id}><Time iso={r.time} />: {r.user_id} {r.action} :{r.emoji}:</li>)}</ol>
          </details>
        ) : null}
      </section>

      <section aria-labelledby="thread-heading">
        <h2 id="thread-heading">Thread</h2>
        {!d.thread ? <p>Not part of a thread.</p> : (
          <>
            <p>Root {d.thread.root_message_id}, {d.thread.reply_count} {d.thread.reply_count === 1 ? 'reply' : 'replies'}{d.thread.truncated ? ' (only the first are shown)' : ''}.</p>
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
