/**
 * Define and queue an eDiscovery export. Exporting needs a recent MFA sign-in: when
 * the API answers 401 insufficient_user_authentication, the person is sent through
 * the IdP's step-up sign-in and back here with the form as it was (the fields live in
 * the URL), and presses Start again; nothing is queued behind their back.
 */
import { useState } from 'preact/hooks';
import { call, type Result } from '../api/client.js';
import type { Job } from '../api/types.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { isStepUp, signInUrl } from '../format/problems.js';
import { navigate, queryOf } from '../router.js';
import { CONVERSATION_TYPES, EXPORT_FORMATS, exportRequest, idList } from './export-request.js';
import { useLang, useT } from '../i18n/index.js';
import type { PageProps } from './page.js';

export function ExportNewPage({ api, tenant, search }: PageProps) {
  const t = useT().exportNew;
  const c = useT().common;
  const typeNames = useT().search.types;
  const [failed, setFailed] = useState<Extract<Result<Job>, { ok: false }> | undefined>();
  const [busy, setBusy] = useState(false);
  const base = `/ui/${encodeURIComponent(tenant)}/exports/new`;
  // Coming from search: its author and conversation filters become custodian and conversation.
  const custodians = search.get('custodians') ?? search.get('author') ?? '';
  const conversations = search.get('conversations') ?? search.get('conversation') ?? '';
  const types = new Set(idList(search.get('conversation_types')));
  const formats = new Set(search.has('formats') ? idList(search.get('formats')) : EXPORT_FORMATS);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const fields = {
      q: String(form.get('q') ?? ''), custodians: String(form.get('custodians') ?? ''), conversations: String(form.get('conversations') ?? ''),
      conversation_types: form.getAll('conversation_types').join(','), from: String(form.get('from') ?? ''), to: String(form.get('to') ?? ''),
      include_deleted: form.get('include_deleted') ? undefined : 'false', include_edits: form.get('include_edits') ? undefined : 'false',
      formats: form.getAll('formats').join(','),
    };
    setBusy(true);
    const result = await call(api.POST('/v1/tenants/{tenant}/exports', { params: { path: { tenant } }, body: exportRequest(new URLSearchParams(queryOf(fields))) }));
    setBusy(false);
    if (result.ok) return navigate(`/ui/${encodeURIComponent(tenant)}/jobs/${encodeURIComponent(result.data.id)}`);
    // Once back from a step-up sign-in, a second refusal (no second factor at the IdP) is shown, not another round trip.
    if (isStepUp(result.problem, result.wwwAuthenticate) && search.get('stepped_up') !== '1') {
      window.location.assign(signInUrl(base + queryOf({ ...fields, stepped_up: '1' }), true));
      return;
    }
    setFailed(result);
  };

  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      <p>{t.intro}</p>
      {search.get('stepped_up') === '1' ? <p class="notice" role="status">{t.steppedUp}</p> : null}
      {failed ? <ProblemView problem={failed.problem} wwwAuthenticate={failed.wwwAuthenticate} /> : null}
      <form class="filters" onSubmit={submit} aria-label={t.form}>
        <div class="field wide"><label for="q">{c.words}</label><input id="q" name="q" defaultValue={search.get('q') ?? ''} /></div>
        <div class="field"><label for="custodians">{c.custodians}</label><input id="custodians" name="custodians" defaultValue={custodians} aria-describedby="ids-help" /></div>
        <div class="field"><label for="conversations">{c.conversations}</label><input id="conversations" name="conversations" defaultValue={conversations} aria-describedby="ids-help" /></div>
        <p id="ids-help" class="muted wide">{c.idsHelp}</p>
        <div class="field"><label for="from">{c.fromUtc}</label><input id="from" name="from" type="date" defaultValue={search.get('from') ?? ''} /></div>
        <div class="field"><label for="to">{c.toUtc}</label><input id="to" name="to" type="date" defaultValue={search.get('to') ?? ''} /></div>
        <fieldset class="wide">
          <legend>{t.types}</legend>
          {CONVERSATION_TYPES.map((ct) => <label key={ct} class="check"><input type="checkbox" name="conversation_types" value={ct} defaultChecked={types.has(ct)} /> {typeNames[ct as keyof typeof typeNames] ?? ct}</label>)}
        </fieldset>
        <fieldset class="wide">
          <legend>{t.formats}</legend>
          {EXPORT_FORMATS.map((f) => <label key={f} class="check"><input type="checkbox" name="formats" value={f} defaultChecked={formats.has(f)} /> {f}</label>)}
        </fieldset>
        <div class="field check"><input id="include_deleted" name="include_deleted" type="checkbox" defaultChecked={search.get('include_deleted') !== 'false'} /><label for="include_deleted">{t.includeDeleted}</label></div>
        <div class="field check"><input id="include_edits" name="include_edits" type="checkbox" defaultChecked={search.get('include_edits') !== 'false'} /><label for="include_edits">{t.includeEdits}</label></div>
        <div class="actions"><button type="submit" disabled={busy}>{busy ? t.starting : t.start}</button></div>
      </form>
    </>
  );
}
