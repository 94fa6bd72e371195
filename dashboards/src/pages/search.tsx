/**
 * Compliance search: the words and filters of GET .../messages, kept in the URL (so
 * a search can be shared, bookmarked and survives a sign-in), the exact total, and
 * keyset paging with next_cursor (a stack of cursors gives "previous").
 */
import { call } from '../api/client.js';
import { Highlight } from '../components/highlight.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { queryWords } from '../format/highlight.js';
import { formatCount } from '../format/numbers.js';
import { buildPath } from '../route-match.js';
import { navigate, queryOf } from '../router.js';
import { serverSortState, sortParams } from '../format/sort.js';
import { SortHeader } from '../components/sort-header.js';
import { useLang, useT } from '../i18n/index.js';
import type { PageProps } from './page.js';
import { FIELDS, FIRST, fromStack, searchQuery } from './search-query.js';

export function SearchPage({ api, tenant, search, me }: PageProps) {
  const t = useT().search;
  const c = useT().common;
  const locale = useLang();
  const key = search.toString();
  const [loaded] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/messages', { params: { path: { tenant }, query: searchQuery(search) } })), [tenant, key]);
  const words = queryWords(search.get('q') ?? '');
  const base = `/ui/${encodeURIComponent(tenant)}/search`;
  const cursors = (search.get('prev') ?? '').split(' ').filter(Boolean);

  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const fields: Record<string, string> = {};
    for (const f of FIELDS) fields[f] = String(form.get(f) ?? '');
    fields.include_deleted = form.get('include_deleted') ? '' : 'false';
    navigate(base + queryOf({ ...fields, ...sortParams(search) }));
  };
  // The page size is not in the form but stays while paging (`limit` in the URL).
  const filters = { ...Object.fromEntries([...FIELDS, 'limit'].map((f) => [f, search.get(f) ?? undefined])), ...sortParams(search) };
  const pageLink = (cursor: string | undefined, prev: string[]) => base + queryOf({ ...filters, cursor, prev: prev.join(' ') || undefined });
  const exportLink = `/ui/${encodeURIComponent(tenant)}/exports/new${queryOf({ q: filters.q, from: filters.from, to: filters.to, conversation: filters.conversation, author: filters.author, conversation_types: filters.conversation_type, include_deleted: filters.include_deleted })}`;

  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      <form key={key} class="filters" onSubmit={submit} role="search" aria-label={t.form}>
        <div class="field wide">
          <label for="q">{t.words}</label>
          <input id="q" name="q" type="search" defaultValue={search.get('q') ?? ''} placeholder={t.placeholder} />
        </div>
        <div class="field">
          <label for="match">{t.match}</label>
          <Choice id="match" value={search.get('match') ?? 'all'} options={[['all', t.matchAll], ['any', t.matchAny], ['phrase', t.matchPhrase]]} />
        </div>
        <div class="field">
          <label for="author">{t.author}</label>
          <input id="author" name="author" defaultValue={search.get('author') ?? ''} />
        </div>
        <div class="field">
          <label for="conversation">{t.conversation}</label>
          <input id="conversation" name="conversation" defaultValue={search.get('conversation') ?? ''} />
        </div>
        <div class="field">
          <label for="conversation_type">{t.conversationType}</label>
          <Choice id="conversation_type" value={search.get('conversation_type')} options={[['channel', t.types.channel], ['private', t.types.private], ['dm', t.types.dm], ['group_dm', t.types.group_dm]]} any={c.any} />
        </div>
        <div class="field">
          <label for="from">{c.fromUtc}</label>
          <input id="from" name="from" type="date" defaultValue={search.get('from') ?? ''} />
        </div>
        <div class="field">
          <label for="to">{c.toUtc}</label>
          <input id="to" name="to" type="date" defaultValue={search.get('to') ?? ''} />
        </div>
        <div class="field">
          <label for="has_attachments">{t.attachments}</label>
          <Choice id="has_attachments" value={search.get('has_attachments')} options={[['true', t.withAttachments], ['false', t.withoutAttachments]]} any={t.withOrWithout} />
        </div>
        <div class="field check">
          <input id="include_deleted" name="include_deleted" type="checkbox" defaultChecked={search.get('include_deleted') !== 'false'} />
          <label for="include_deleted">{t.includeDeleted}</label>
        </div>
        <div class="actions">
          <button type="submit">{t.submit}</button>
          {me.scopes.includes('exports:create') ? <a href={exportLink}>{t.exportThese}</a> : null}
        </div>
      </form>
      <section aria-labelledby="results-heading" aria-live="polite">
        {loaded.state === 'loading' ? <Loading what={t.loading} /> : !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : (
          <>
            <h2 id="results-heading" data-total={loaded.result.data.total} data-query={key}>
              {c.messages(formatCount(loaded.result.data.total, locale), loaded.result.data.total)}
            </h2>
            {loaded.result.data.items.length === 0 ? <p>{t.noMatch}</p> : (
              <table class="results">
                <caption class="visually-hidden">{t.caption}</caption>
                <thead><tr><SortHeader label={t.posted} column="posted" sort={serverSortState(search, 'posted')} base={base} search={search} /><th scope="col">{t.conversationCol}</th><th scope="col">{t.authorCol}</th><th scope="col">{t.messageCol}</th></tr></thead>
                <tbody>
                  {loaded.result.data.items.map((m) => (
                    <tr key={`${m.conversation_id}/${m.message_id}`}>
                      <td><Time iso={m.time} /></td>
                      <td>{m.conversation_id} <span class="muted">({t.types[m.conversation_type as keyof typeof t.types] ?? m.conversation_type})</span></td>
                      <td>{m.author_id}</td>
                      <td>
                        <a href={buildPath('/ui/:tenant/messages/:conversationId/:messageId', { tenant, conversationId: m.conversation_id, messageId: m.message_id })}>
                          <Highlight text={m.text} words={words} />
                        </a>
                        {m.edited ? <span class="tag">{t.edited(m.version_count)}</span> : null}
                        {m.deleted ? <span class="tag warn">{t.deleted}</span> : null}
                        {m.attachments.length > 0 ? <span class="tag">{t.attachmentCount(m.attachments.length)}</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <nav class="pager" aria-label={t.pages}>
              {search.get('cursor') ? <a href={pageLink(fromStack(cursors[cursors.length - 1]), cursors.slice(0, -1))} rel="prev">{c.previousPage}</a> : null}
              {loaded.result.data.next_cursor ? <a href={pageLink(loaded.result.data.next_cursor, [...cursors, search.get('cursor') ?? FIRST])} rel="next">{c.nextPage}</a> : null}
            </nav>
          </>
        )}
      </section>
    </>
  );
}
