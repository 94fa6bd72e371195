/** One job followed live: progress, parameters, result, files to download, and cancel. */
import { useState } from 'preact/hooks';
import { call, type Result } from '../api/client.js';
import type { Job } from '../api/types.js';
import { isActive, JobProgress } from '../components/job-progress.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { Time } from '../components/time.js';
import { useLoad } from '../components/use-load.js';
import { usePoll } from '../components/use-poll.js';
import { formatBytes } from '../format/numbers.js';
import { useLang, useT } from '../i18n/index.js';
import type { PageProps } from './page.js';
import type { Api } from '../api/client.js';

export function JobPage({ api, tenant, params, me }: PageProps) {
  const t = useT().job;
  const locale = useLang();
  const sha = useT().common.sha256;
  const jobId = params.jobId!;
  const [loaded, reload] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/jobs/{jobId}', { params: { path: { tenant, jobId } } })), [tenant, jobId]);
  const [cancelled, setCancelled] = useState<Result<Job> | undefined>();
  const job = loaded.state === 'done' && loaded.result.ok ? loaded.result.data : undefined;
  usePoll(job !== undefined && isActive(job), 1000, reload);
  const cancel = async () => {
    setCancelled(await call(api.POST('/v1/tenants/{tenant}/jobs/{jobId}/cancel', { params: { path: { tenant, jobId } } })));
    reload();
  };
  return (
    <>
      <PageTitle>{t.title(jobId)}</PageTitle>
      <p><a href={`/ui/${encodeURIComponent(tenant)}/jobs`}>{t.all}</a></p>
      {cancelled && !cancelled.ok ? <ProblemView problem={cancelled.problem} wwwAuthenticate={cancelled.wwwAuthenticate} /> : null}
      {!job ? (loaded.state === 'done' && !loaded.result.ok ? <ProblemView problem={loaded.result.problem} wwwAuthenticate={loaded.result.wwwAuthenticate} /> : <Loading what={t.loading} />) : (
        <>
          <div aria-live="polite"><JobProgress job={job} /></div>
          {isActive(job) && me.scopes.includes('jobs:cancel') && !job.cancel_requested ? <p><button type="button" onClick={cancel}>{t.cancel}</button></p> : null}
          <dl class="facts">
            <dt>{t.kind}</dt><dd>{job.kind}</dd>
            <dt>{t.queued}</dt><dd><Time iso={job.created_at} /></dd>
            <dt>{t.started}</dt><dd><Time iso={job.started_at} /></dd>
            <dt>{t.finished}</dt><dd><Time iso={job.finished_at} /></dd>
            <dt>{t.askedBy}</dt><dd><code>{job.requested_by}</code>{job.approved_by ? <>{t.approvedBy} <code>{job.approved_by}</code></> : null}</dd>
            {job.error ? <><dt>{t.error}</dt><dd class="warn">{job.error}</dd></> : null}
          </dl>
          <h2>{t.files}</h2>
          {job.files.length === 0 ? <p>{job.state === 'done' ? t.noFile : t.filesLater}</p> : (
            <ul class="files">
              {job.files.map((f) => (
                <li key={f.name}>
                  {me.scopes.includes('exports:read') ? <a href={f.href} download={f.name}>{t.download(f.name)}</a> : f.name} ({formatBytes(f.bytes, locale)}) <code title={sha}>{f.sha256}</code>
                </li>
              ))}
            </ul>
          )}
          {job.kind === 'export' && job.state === 'done' && me.scopes.includes('archive:read') ? <VerifyPackage api={api} tenant={tenant} keyId={String(job.result?.signing_key_id ?? '')} /> : null}
          <h2>{t.parameters}</h2>
          <pre class="json">{JSON.stringify(job.params, null, 2)}</pre>
          {job.result ? <><h2>{t.result}</h2><pre class="json">{JSON.stringify(job.result, null, 2)}</pre></> : null}
        </>
      )}
    </>
  );
}

/** How anyone can check the package offline: the tenant's public key, and the commands (docs/packages.md). */
function VerifyPackage({ api, tenant, keyId }: { api: Api; tenant: string; keyId: string }) {
  const t = useT().job;
  const [keys] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/signing-keys', { params: { path: { tenant } } })), [tenant]);
  const key = keys.state === 'done' && keys.result.ok ? keys.result.data.items.find((k) => k.key_id === keyId) : undefined;
  return (
    <section aria-labelledby="verify-heading">
      <h2 id="verify-heading">{t.verify}</h2>
      <p>{t.verifyText} <code>{keyId || '—'}</code>:</p>
      {keys.state === 'done' && !keys.result.ok ? <ProblemView problem={keys.result.problem} wwwAuthenticate={keys.result.wwwAuthenticate} /> : null}
      {key ? <pre class="json" data-key-id={key.key_id}>{key.public_key_pem}</pre> : keys.state === 'done' && keys.result.ok ? <p class="warn">{t.otherKey}</p> : null}
    </section>
  );
}
