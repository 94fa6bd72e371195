/**
 * One subject request (DPO): who it is about (every identifier, records per family now),
 * the due date and the extension, the history, and the actions its state allows:
 * extend, approve (an erasure, by a second DPO, step-up), run (the access package or
 * the approved erasure), cancel. The request's jobs are followed live and their file
 * (the access package's ZIP, the erasure certificate and its signature) downloaded.
 * Approving needs a recent MFA sign-in: on 401 insufficient_user_authentication the
 * person goes through the IdP's step-up sign-in and comes back with the note in the URL,
 * and presses Approve again (as the hold release does); nothing is retried for them.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, type Api, type Result } from '../api/client.js';
import type { SubjectRequest, SubjectRequestDetail } from '../api/types.js';
import { isActive, JobProgress } from '../components/job-progress.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { SubjectFound } from '../components/subject-found.js';
import { DueDay, Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { usePoll } from '../components/use-poll.js';
import { formatBytes } from '../format/numbers.js';
import { isStepUp, signInUrl } from '../format/problems.js';
import { queryOf } from '../router.js';
import { useLang, useT } from '../i18n/index.js';
import { toldAt } from './subject-request-query.js';
import type { PageProps } from './page.js';

/** The states each action starts from, as the API checks them (docs/subject-requests.md); the API refuses the others anyway (409). */
const RUNNABLE: Record<SubjectRequest['type'], readonly SubjectRequest['state'][]> = { access: ['open', 'failed', 'done'], erasure: ['approved', 'waiting-on-holds', 'failed'] };
const CANCELLABLE: readonly SubjectRequest['state'][] = ['open', 'approved', 'failed'];
const OWED = (s: SubjectRequest['state']) => s !== 'done' && s !== 'cancelled';

type Failure = Extract<Result<unknown>, { ok: false }>;

export function SubjectRequestPage({ api, tenant, params, search, me }: PageProps) {
  const t = useT().subjectRequest;
  const tr = useT().subjectRequests;
  const requestId = params.requestId ?? '';
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/subject-requests/{requestId}', { params: { path: { tenant, requestId } } })), [tenant, requestId]);
  const [started, setStarted] = useState<string[]>([]);
  const tp = `/ui/${encodeURIComponent(tenant)}`;
  const d = loaded.state === 'done' && loaded.result.ok ? loaded.result.data : undefined;
  const q = d?.request;
  const manage = me.scopes.includes('subject_requests:manage');
  const jobIds = q ? [...new Set([...q.job_ids, ...started])] : [];
  return (
    <>
      <PageTitle>{t.title(requestId)}</PageTitle>
      <p><a href={`${tp}/subject-requests`}>{t.all}</a></p>
      {!d || !q ? (loaded.state === 'done' && !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : <Loading what={t.loading} />) : (
        <>
          <dl class="facts" id="request-facts" data-state={q.state} data-late={String(q.late)}>
            <dt>{t.type}</dt><dd>{tr.types[q.type] ?? q.type}</dd>
            <dt>{t.state}</dt><dd><span class={`state state-${q.state}`}>{tr.states[q.state] ?? q.state}</span></dd>
            <dt>{t.subject}</dt><dd><code>{q.subject}</code></dd>
            <dt>{t.received}</dt><dd><Time iso={q.received_at} /></dd>
            <dt>{t.due}</dt><dd data-due={q.due_at}><DueDay iso={q.due_at} />{q.late ? <> <span class="tag warn">{tr.late}</span> {t.late}</> : null}</dd>
            {q.person_told_at ? <><dt>{tr.extended}</dt><dd data-told={q.person_told_at}>{t.extendedTold} <Time iso={q.person_told_at} /></dd></> : null}
            <dt>{t.openedBy}</dt><dd><code>{q.opened_by}</code></dd>
            {q.approved_by ? <><dt>{t.approvedBy}</dt><dd><code data-approved-by={q.approved_by}>{q.approved_by}</code> <Time iso={q.approved_at} /></dd></> : null}
            {q.note ? <><dt>{t.note}</dt><dd>{q.note}</dd></> : null}
          </dl>
          <SubjectFound identifiers={q.identifiers} preview={d.preview} />
          {jobIds.length ? (
            <section aria-labelledby="jobs-heading">
              <h2 id="jobs-heading">{t.jobs}</h2>
              {jobIds.map((id) => <RequestJob key={id} api={api} tenant={tenant} jobId={id} canDownload={me.scopes.includes('exports:read')} onEnd={reload} />)}
            </section>
          ) : null}
          {q.type === 'erasure' && q.state === 'open' && me.scopes.includes('erasure:approve') ? <ApproveForm api={api} tenant={tenant} requestId={requestId} search={search} onDone={reload} /> : null}
          {manage && RUNNABLE[q.type].includes(q.state) ? <RunAction api={api} tenant={tenant} request={q} onStarted={(id) => { setStarted((s) => [...s, id]); reload(); }} /> : null}
          {manage && !q.extended && OWED(q.state) ? <ExtendForm api={api} tenant={tenant} requestId={requestId} onDone={reload} /> : null}
          {manage && CANCELLABLE.includes(q.state) ? <CancelForm api={api} tenant={tenant} requestId={requestId} onDone={reload} /> : null}
          <History history={d.history} />
        </>
      )}
    </>
  );
}

function History({ history }: { history: SubjectRequestDetail['history'] }) {
  const t = useT().subjectRequest;
  const tr = useT().subjectRequests;
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t.history}</h2>
      <table class="results">
        <caption class="visually-hidden">{t.historyCaption}</caption>
        <thead><tr>{(['when', 'change', 'state', 'due', 'by', 'note'] as const).map((k) => <th key={k} scope="col">{t.hcols[k]}</th>)}</tr></thead>
        <tbody>
          {history.map((h, i) => (
            <tr key={i} data-change={h.change}>
              <td><Time iso={h.changed_at} /></td><td>{h.change}</td><td>{tr.states[h.state] ?? h.state}</td>
              <td><DueDay iso={h.due_at} /></td><td><code>{h.changed_by}</code></td><td>{h.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** One job of the request, polled while it runs; its files (package ZIP, certificate) to download. */
function RequestJob({ api, tenant, jobId, canDownload, onEnd }: { api: Api; tenant: string; jobId: string; canDownload: boolean; onEnd: () => void }) {
  const t = useT().subjectRequest;
  const sha = useT().common.sha256;
  const locale = useLang();
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/jobs/{jobId}', { params: { path: { tenant, jobId } } })), [tenant, jobId]);
  const job = loaded.state === 'done' && loaded.result.ok ? loaded.result.data : undefined;
  const active = job !== undefined && isActive(job);
  const watched = useRef(false);
  usePoll(active, 1000, reload);
  // When a job this page watched running ends, the request's state changed too: read it again once.
  useEffect(() => {
    if (active) watched.current = true;
    else if (job && watched.current) {
      watched.current = false;
      onEnd();
    }
  }, [active, job?.state]);
  if (loaded.state === 'done' && !loaded.result.ok) return <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} />;
  if (!job) return <Loading what={t.job(jobId)} />;
  const label = job.kind === 'erasure' ? t.certificate : t.package;
  return (
    <div class="panel" data-job={job.id} data-job-state={job.state}>
      <h3><a href={`/ui/${encodeURIComponent(tenant)}/jobs/${encodeURIComponent(job.id)}`}>{t.job(job.id)}</a> ({job.kind})</h3>
      <div aria-live="polite"><JobProgress job={job} /></div>
      {job.error ? <p class="warn">{job.error}</p> : null}
      {job.files.length === 0 ? (isActive(job) ? <p class="muted">{t.noFileYet}</p> : null) : (
        <>
          <p>{label}:</p>
          <ul class="files">
            {job.files.map((f) => (
              <li key={f.name} data-file={f.name}>
                {canDownload ? <a href={f.href} download={f.name}>{t.download(f.name)}</a> : f.name} ({formatBytes(f.bytes, locale)}) <code title={sha}>{f.sha256}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function ApproveForm({ api, tenant, requestId, search, onDone }: { api: Api; tenant: string; requestId: string; search: URLSearchParams; onDone: () => void }) {
  const t = useT().subjectRequest;
  const [failed, setFailed] = useState<Failure | undefined>();
  const [busy, setBusy] = useState(false);
  const here = `/ui/${encodeURIComponent(tenant)}/subject-requests/${encodeURIComponent(requestId)}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const note = String(new FormData(e.currentTarget as HTMLFormElement).get('approve_note') ?? '').trim();
    setBusy(true);
    const result = await call(api.POST('/v1/tenants/{tenant}/subject-requests/{requestId}/approve', { params: { path: { tenant, requestId } }, body: note ? { note } : {} }));
    setBusy(false);
    if (result.ok) return onDone();
    // Once back from a step-up sign-in, a second refusal is shown, not another round trip.
    if (isStepUp(result.problem, result.wwwAuthenticate) && search.get('stepped_up') !== '1') {
      window.location.assign(signInUrl(here + queryOf({ approve_note: note, stepped_up: '1' }), true));
      return;
    }
    setFailed(result);
  };
  return (
    <section aria-labelledby="approve-heading">
      <h2 id="approve-heading">{t.approve}</h2>
      <p>{t.approveText}</p>
      {search.get('stepped_up') === '1' ? <p class="notice" role="status">{t.steppedUp}</p> : null}
      {failed ? <ProblemView problem={failed.problem} wwwAuthenticate={failed.wwwAuthenticate} /> : null}
      <form class="filters" onSubmit={submit} aria-label={t.approveForm}>
        <div class="field wide"><label for="approve_note">{t.approveNote}</label><input id="approve_note" name="approve_note" maxLength={2000} defaultValue={search.get('approve_note') ?? ''} /></div>
        <div class="actions"><button type="submit" disabled={busy}>{busy ? t.working : t.approveButton}</button></div>
      </form>
    </section>
  );
}

function RunAction({ api, tenant, request, onStarted }: { api: Api; tenant: string; request: SubjectRequest; onStarted: (jobId: string) => void }) {
  const t = useT().subjectRequest;
  const [failed, setFailed] = useState<Failure | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async (e: Event) => {
    e.preventDefault();
    // Access only: how many of others' messages the package shows around each of the person's (the API says why a value is refused).
    const context = new FormData(e.currentTarget as HTMLFormElement).get('context_messages');
    const body = request.type === 'access' && context !== null && String(context) !== '' ? { context_messages: Number(context) } : {};
    setBusy(true);
    const result = await call(api.POST('/v1/tenants/{tenant}/subject-requests/{requestId}/run', { params: { path: { tenant, requestId: request.id } }, body }));
    setBusy(false);
    if (result.ok) return onStarted(result.data.job_id);
    setFailed(result);
  };
  return (
    <section aria-labelledby="run-heading">
      <h2 id="run-heading">{t.run}</h2>
      <p>{t.runText}</p>
      {failed ? <ProblemView problem={failed.problem} wwwAuthenticate={failed.wwwAuthenticate} /> : null}
      <form class="filters" onSubmit={run} aria-label={t.run}>
        {request.type === 'access' ? (
          <div class="field"><label for="context_messages">{t.contextMessages}</label><input id="context_messages" name="context_messages" type="number" min={0} max={50} step={1} defaultValue="3" aria-describedby="context-help" /></div>
        ) : null}
        {request.type === 'access' ? <p id="context-help" class="muted wide">{t.contextHelp}</p> : null}
        <div class="actions"><button type="submit" disabled={busy}>{busy ? t.working : request.type === 'erasure' ? t.runErasure : t.runAccess}</button></div>
      </form>
    </section>
  );
}

function ExtendForm({ api, tenant, requestId, onDone }: { api: Api; tenant: string; requestId: string; onDone: () => void }) {
  const t = useT().subjectRequest;
  const [failed, setFailed] = useState<Failure | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const told = toldAt(String(form.get('person_told_at') ?? ''));
    const note = String(form.get('extend_note') ?? '').trim();
    setBusy(true);
    // An empty or impossible day is sent as typed, so the API's problem names the field.
    const result = await call(api.POST('/v1/tenants/{tenant}/subject-requests/{requestId}/extend', { params: { path: { tenant, requestId } }, body: { person_told_at: told ?? String(form.get('person_told_at') ?? ''), ...(note ? { note } : {}) } }));
    setBusy(false);
    if (result.ok) return onDone();
    setFailed(result);
  };
  return (
    <section aria-labelledby="extend-heading">
      <h2 id="extend-heading">{t.extend}</h2>
      <p>{t.extendText}</p>
      {failed ? <ProblemView problem={failed.problem} wwwAuthenticate={failed.wwwAuthenticate} /> : null}
      <form class="filters" onSubmit={submit} aria-label={t.extendForm}>
        <div class="field"><label for="person_told_at">{t.told}</label><input id="person_told_at" name="person_told_at" type="date" required /></div>
        <div class="field wide"><label for="extend_note">{t.note}</label><input id="extend_note" name="extend_note" maxLength={2000} /></div>
        <div class="actions"><button type="submit" disabled={busy}>{busy ? t.working : t.extendButton}</button></div>
      </form>
    </section>
  );
}

function CancelForm({ api, tenant, requestId, onDone }: { api: Api; tenant: string; requestId: string; onDone: () => void }) {
  const t = useT().subjectRequest;
  const [failed, setFailed] = useState<Failure | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const note = String(new FormData(e.currentTarget as HTMLFormElement).get('cancel_note') ?? '').trim();
    setBusy(true);
    const result = await call(api.POST('/v1/tenants/{tenant}/subject-requests/{requestId}/cancel', { params: { path: { tenant, requestId } }, body: note ? { note } : {} }));
    setBusy(false);
    if (result.ok) return onDone();
    setFailed(result);
  };
  return (
    <details class="panel">
      <summary>{t.cancel}</summary>
      {failed ? <ProblemView problem={failed.problem} wwwAuthenticate={failed.wwwAuthenticate} /> : null}
      <form class="filters" onSubmit={submit} aria-label={t.cancelForm}>
        <div class="field wide"><label for="cancel_note">{t.cancelNote}</label><input id="cancel_note" name="cancel_note" maxLength={2000} /></div>
        <div class="actions"><button type="submit" disabled={busy}>{busy ? t.working : t.cancelButton}</button></div>
      </form>
    </details>
  );
}
