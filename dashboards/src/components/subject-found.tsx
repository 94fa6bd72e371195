/**
 * What Custos found about a person before anything runs: every identifier (user ids,
 * e-mails, display names over time), the sources, and the records naming them per
 * family. Shown when a request is opened and on the request page (counts as of now).
 */
import type { SubjectPreview, SubjectRequest } from '../api/types.js';
import { formatCount } from '../format/numbers.js';
import { useLang, useT } from '../i18n/index.js';

export function SubjectFound({ identifiers, preview, sources }: { identifiers: SubjectRequest['identifiers']; preview: SubjectPreview; sources?: readonly string[] }) {
  const t = useT().subjectRequest;
  const none = useT().common.none;
  const locale = useLang();
  const list = (xs: readonly string[], kind: string) => (xs.length ? <ul class="ids" data-ids={kind}>{xs.map((x) => <li key={x}><code>{x}</code></li>)}</ul> : <span>{none}</span>);
  return (
    <section aria-labelledby="found-heading" class="found">
      <h2 id="found-heading">{t.identifiers}</h2>
      <dl class="facts">
        <dt>{t.userIds}</dt><dd>{list(identifiers.user_ids, 'user_ids')}</dd>
        <dt>{t.emails}</dt><dd>{list(identifiers.emails, 'emails')}</dd>
        <dt>{t.displayNames}</dt><dd>{list(identifiers.display_names, 'display_names')}</dd>
        {sources ? <><dt>{t.sources}</dt><dd>{list(sources, 'sources')}</dd></> : null}
      </dl>
      <h2 id="counts-heading">{t.counts}</h2>
      <table class="results counts">
        <caption class="visually-hidden">{t.countsCaption}</caption>
        <thead><tr><th scope="col">{t.family}</th><th scope="col" class="num">{t.records}</th></tr></thead>
        <tbody>
          {Object.entries(preview).map(([family, n]) => (
            <tr key={family} data-family={family} data-count={n}><th scope="row">{t.families[family] ?? family}</th><td class="num">{formatCount(n, locale)}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
