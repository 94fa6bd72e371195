/**
 * Opening a subject request: type, the person (user id or e-mail), the day it was
 * received. The API answers with every identifier it resolved and the records per
 * family before anything runs; the page shows that, then links to the request page,
 * where the job is started.
 */
import { useState } from 'preact/hooks';
import { call, type Result } from '../api/client.js';
import type { OpenedSubjectRequest } from '../api/types.js';
import { Choice } from '../components/choice.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { SubjectFound } from '../components/subject-found.js';
import { useT } from '../i18n/index.js';
import { OPEN_FIELDS, openRequestBody, REQUEST_TYPES } from './subject-request-query.js';
import type { PageProps } from './page.js';

export function SubjectRequestNewPage({ api, tenant, search }: PageProps) {
  const t = useT().subjectRequestNew;
  const tr = useT().subjectRequests;
  const [result, setResult] = useState<Result<OpenedSubjectRequest> | undefined>();
  const [busy, setBusy] = useState(false);
  const tp = `/ui/${encodeURIComponent(tenant)}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const body = openRequestBody(new URLSearchParams(OPEN_FIELDS.map((f) => [f, String(form.get(f) ?? '')])));
    setBusy(true);
    setResult(await call(api.POST('/v1/tenants/{tenant}/subject-requests', { params: { path: { tenant } }, body })));
    setBusy(false);
  };
  const opened = result?.ok ? result.data : undefined;
  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      <p><a href={`${tp}/subject-requests`}>{useT().subjectRequest.all}</a></p>
      <p>{t.intro}</p>
      {result && !result.ok ? <ProblemView problem={result.problem} wwwAuthenticate={result.wwwAuthenticate} /> : null}
      {opened ? (
        <div data-opened={opened.request.id}>
          <p class="notice" role="status">{t.opened(opened.request.id)}</p>
          {!opened.found ? <p class="warn">{t.notFound}</p> : null}
          <SubjectFound identifiers={opened.request.identifiers} preview={opened.preview} sources={opened.sources} />
          <p><a class="button" href={`${tp}/subject-requests/${encodeURIComponent(opened.request.id)}`}>{t.toRequest}</a></p>
        </div>
      ) : (
        <form class="filters" onSubmit={submit} aria-label={t.form}>
          <div class="field"><label for="type">{t.type}</label><Choice id="type" value={search.get('type') ?? 'access'} options={REQUEST_TYPES.map((s) => [s, tr.types[s] ?? s] as const)} /></div>
          <div class="field wide"><label for="subject">{t.subject}</label><input id="subject" name="subject" required maxLength={512} aria-describedby="subject-help" defaultValue={search.get('subject') ?? ''} /></div>
          <p id="subject-help" class="muted wide">{t.subjectHelp}</p>
          <div class="field"><label for="received">{t.received}</label><input id="received" name="received" type="date" /></div>
          <div class="field wide"><label for="note">{t.note}</label><input id="note" name="note" maxLength={2000} /></div>
          <div class="actions"><button type="submit" disabled={busy}>{busy ? t.opening : t.open}</button></div>
        </form>
      )}
    </>
  );
}
