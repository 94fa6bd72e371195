/**
 * The `access` job on the real store over a generated archive around one person
 * (test/helpers/subject-archive.ts): every table of the package checked field by
 * field against what this test computes from the generated events; no other
 * person's name, e-mail or user id in clear in any file of the bag; labels
 * consistent; the recipients are the export that held the person's messages; the
 * package verifies with the tenant's key; the request ends `done` with its job.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { OTHERS, SAM, SAM_IDS, samTruth, storeSubjectArchive, subjectArchive } from '../../test/helpers/subject-archive.js';
import { AuditWriter, loadPseudonymizer } from '../../common/audit/index.js';
import { toStoreTime } from '../../common/events/time.js';
import { SubjectRequestService } from '../../common/subjects/request-service.js';
import { JobRunner } from '../jobs/job-runner.js';
import { createJobAuditor } from '../jobs/job-audit.js';
import { jobKinds } from '../job-kinds.js';
import { createLogger } from '../../common/logger.js';
import { verifyPackage } from '../packages/verify.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import type { CloudEvent } from '../../test/helpers/events.js';

const TENANT = 'acme';
const events = subjectArchive(TENANT);
const truth = samTruth(events);
const CONTEXT = 1;
let ts: TestStore;
let bag: string;
let summary: Record<string, unknown>;
let requestId: string;
let exportJobId: string;

type Row = Record<string, unknown>;
const table = (name: string): Row[] => (JSON.parse(readFileSync(join(bag, 'data', `${name}.json`), 'utf8')) as { rows: Row[] }).rows;
const d = (e: CloudEvent) => e.data as Record<string, unknown>;
const otherStrings = OTHERS.flatMap((p) => [...p.ids.map((i) => i.id), p.email, ...p.names, ...p.names.flatMap((n) => n.split(' ').filter((t) => t.length >= 4))]);
const otherRe = new RegExp(otherStrings.sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
/** A text as the package must show it: every other person's string replaced by some label. */
const masked = (s: string) => s.replace(otherRe, '<P>');
const unlabel = (s: string) => s.replace(/Participant \d+/g, '<P>');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

beforeAll(async () => {
  ts = await openTestStore('access-job');
  const store = ts.store;
  await storeSubjectArchive(store, events);
  const g4 = events.find((e) => e.type === 'message.created' && d(e).message_id === 'g4')!;
  const flag = (item: string, author: string, msg: string, comment: string) => ({
    tenant: TENANT, item_id: item, policy_id: 'p1', policy_version: 1, policy_name: 'Confidential figures', severity: 'medium', event_id: g4.id, message_id: msg,
    conversation_id: 'C-GEN', conversation_type: 'channel', thread_id: '', author_id: author, message_time: toStoreTime(Date.parse(g4.time)), version_kind: 'created',
    matches: '[]', state: 'resolved', tag: 'compliant', comment, escalation_case: '', updated_by: 'sr_x', version: 1,
  });
  await store.insert('test: flags', 'supervision_items', [flag('it-sam', 'U-SAM', 'g4', 'checked with Benedikt Varga'), flag('it-ben', 'U-BEN', 'g2', 'fine')]);
  // Custos' own audit: a search naming Sam (and Ben), and one naming only Ben.
  const audit = new AuditWriter(store);
  const entry = (params: Record<string, unknown>) => audit.append({ tenant: TENANT, timeMs: Date.now() - 60_000, subjectRef: 'sr_officer', subjectKind: 'person', roles: ['compliance_officer'], authMethod: 'oidc_bearer', operationId: 'searchMessages', action: 'messages.search', httpMethod: 'GET', route: '/v1/tenants/acme/messages', params, resultCount: 4, status: 200, ip: '', userAgent: 'test', requestId: `r-${Math.random()}` });
  await entry({ query: { author: 'U-SAM', q: 'figures', also: 'U-BEN' } });
  await entry({ query: { author: 'U-BEN' } });
  // A finished export whose set held Sam's messages, and one that did not.
  const officer = (await loadPseudonymizer(store)).refOf('oidc:olga');
  await audit.rememberSubject({ ref: officer, subject: 'oidc:olga', name: 'Olga Officer', kind: 'person' });
  const job = (id: string, params: Record<string, unknown>) => ({
    tenant: TENANT, job_id: id, kind: 'export', params: JSON.stringify(params), state: 'done', progress_done: 1, progress_total: 1, requested_by: officer, approved_by: '',
    // Queued after the archive was ingested: its as-of time (its creation) includes the messages.
    created_at: toStoreTime(Date.now() + 1000), started_at: toStoreTime(Date.now() + 1000), finished_at: toStoreTime(Date.now() + 2000), updated_at: toStoreTime(Date.now() + 2000),
    attempt: 1, cancel_requested: 0, lease_owner: '', lease_until: null, checkpoint: '', result: '{}', error: '', files: [], version: 1,
  });
  exportJobId = 'job_exportsam1';
  // Its download names only the package: it touched Sam's data all the same.
  await entry({ path: { tenant: TENANT, jobId: exportJobId }, answer: { package_id: exportJobId } });
  await store.insert('test: export jobs', 'jobs', [job(exportJobId, { custodians: ['U-SAM'], conversations: [], conversation_types: [] }), job('job_exportfar1', { conversations: ['C-FAR'] })]);

  const service = new SubjectRequestService(store);
  const opened = await service.open(TENANT, { type: 'access', subject: 'sam.teams', by: 'sr_dpo' });
  requestId = opened.request.id;
  const runner = new JobRunner({ store, log: createLogger('silent'), audit: createJobAuditor(audit), jobsDir: join(ts.dataDir, 'jobs'), kinds: jobKinds({ dataDir: ts.dataDir }) });
  const by = { subjectRef: 'sr_dpo', kind: 'cli' as const };
  const queued = await runner.submit(TENANT, 'access', { request: requestId, context_messages: CONTEXT }, by);
  const done = await runner.run(queued, by);
  expect(done.error).toBe('');
  expect(done.state).toBe('done');
  summary = done.result as Record<string, unknown>;
  bag = summary.bag as string;
}, 120_000);
afterAll(async () => ts?.close());

describe('access package', () => {
  it('resolved the person from their second account and says so in subject.json', () => {
    const about = JSON.parse(readFileSync(join(bag, 'data', 'subject.json'), 'utf8')) as { identifiers: { user_ids: string[]; emails: string[]; display_names: string[] }; request_id: string };
    expect(about.request_id).toBe(requestId);
    expect(about.identifiers.user_ids).toEqual([...SAM_IDS].sort());
    expect(about.identifiers.emails).toEqual([SAM.email]);
    expect(about.identifiers.display_names).toEqual([...SAM.names].sort());
  });

  it('holds every version of every message the person wrote, field by field', () => {
    const rows = table('messages');
    const expected = truth.versions.map((e) => ({ key: `${d(e).conversation_id}/${d(e).message_id}`, time: e.time, kind: e.type === 'message.created' ? 'created' : 'edited', text: d(e).text as string, mentions: ((d(e).mentions as string[] | undefined) ?? []).length }));
    expect(rows).toHaveLength(expected.length);
    const got = rows.map((r) => ({ key: `${String(r.conversation_id)}/${String(r.message_id)}`, time: r.time, kind: r.kind, text: unlabel(r.text as string), mentions: (r.mentions as string[]).length }));
    expect(got.sort((a, b) => a.key.localeCompare(b.key) || String(a.time).localeCompare(String(b.time)))).toEqual(expected.map((x) => ({ ...x, text: masked(x.text) })).sort((a, b) => a.key.localeCompare(b.key) || a.time.localeCompare(b.time)));
    // Versions are numbered per message in time order.
    const g4 = rows.filter((r) => r.message_id === 'g4').map((r) => [r.version, r.kind]);
    expect(g4).toEqual([[1, 'created'], [2, 'edited'], [3, 'edited']]);
    // The reaction others gave to the person's message, by label.
    const received = rows.filter((r) => r.message_id === 'g4' && r.version === 1)[0]!.reactions_received as Array<{ by: string; emoji: string }>;
    expect(received.map((x) => x.emoji)).toEqual(['tada']);
    expect(received[0]!.by).toMatch(/^Participant \d+$/);
    // Attachments as the store keeps them (named tuples): name, type and size of each.
    expect(rows.find((r) => r.message_id === 't1')!.attachments).toEqual([{ name: 'zephyrine-plan.pdf', mime: 'application/pdf', size: 4096 }]);
  });

  it('holds the messages that mention the person, their reactions, calls, apps, memberships, admin events, flags', () => {
    expect(table('mentions').map((r) => r.message_id).sort()).toEqual(truth.mentioning.map((e) => d(e).message_id).sort());
    for (const r of table('mentions')) {
      const e = truth.mentioning.find((x) => d(x).message_id === r.message_id)!;
      expect(unlabel(r.text as string)).toBe(masked(d(e).text as string));
    }
    expect(table('reactions').map((r) => [r.message_id, r.action, r.emoji])).toEqual(truth.reactions.map((e) => [d(e).message_id, e.type === 'reaction.added' ? 'added' : 'removed', d(e).emoji]));
    const calls = table('calls');
    expect(calls.map((c) => c.call_id)).toEqual([...truth.calls]);
    const ended = events.find((e) => e.type === 'call.ended' && d(e).call_id === 'K1')!;
    expect(calls[0]).toMatchObject({ kind: 'video', duration_s: d(ended).duration_s, started_at: events.find((e) => e.type === 'call.started' && d(e).call_id === 'K1')!.time, ended_at: ended.time });
    expect((calls[0]!.participants as string[]).filter((p) => SAM_IDS.includes(p))).toEqual(['U-SAM']);
    expect(table('app_invocations').map((a) => a.command)).toEqual(truth.apps.map((e) => d(e).command));
    const memberships = events.filter((e) => e.type.startsWith('member.') && SAM_IDS.includes(d(e).user_id as string)).sort((a, b) => a.time.localeCompare(b.time));
    expect(table('memberships').map((m) => [m.conversation_id, m.action, m.time])).toEqual(memberships.map((e) => [d(e).conversation_id, e.type === 'member.joined' ? 'joined' : 'left', e.time]));
    expect(table('admin_events').map((a) => a.type).sort()).toEqual(truth.admin.map((e) => e.type).sort());
    const flags = table('supervision_flags');
    expect(flags.map((f) => f.message_id)).toEqual(['g4']);
    expect(flags[0]!.comment).toMatch(/^checked with Participant \d+$/);
  });

  it('shows others only as context of the person\'s own messages, within the window', () => {
    // Computed from the events: for each conversation, messages in time order; others' messages within CONTEXT of one of Sam's.
    const created = events.filter((e) => e.type === 'message.created');
    const expected = new Set<string>();
    for (const conv of new Set(created.map((e) => d(e).conversation_id as string))) {
      const list = created.filter((e) => d(e).conversation_id === conv).sort((a, b) => a.time.localeCompare(b.time));
      list.forEach((e, i) => {
        if (!SAM_IDS.includes(d(e).author_id as string)) return;
        for (let j = Math.max(0, i - CONTEXT); j <= Math.min(list.length - 1, i + CONTEXT); j++) if (!SAM_IDS.includes(d(list[j]!).author_id as string)) expected.add(`${conv}/${d(list[j]!).message_id}`);
      });
    }
    expect(table('context').map((r) => `${String(r.conversation_id)}/${String(r.message_id)}`).sort()).toEqual([...expected].sort());
    expect(table('context').every((r) => /^Participant \d+$/.test(r.author as string))).toBe(true);
  });

  it('gives every other person one label everywhere in the package', () => {
    const authorOf = new Map(events.filter((e) => e.type === 'message.created').map((e) => [d(e).message_id as string, d(e).author_id as string]));
    const pairs = [...table('context'), ...table('mentions')].map((r) => [authorOf.get(r.message_id as string)!, r.author as string] as const);
    const labelOf = new Map<string, string>();
    for (const [id, label] of pairs) {
      expect(labelOf.get(id) ?? label, `${id} has two labels`).toBe(label);
      labelOf.set(id, label);
    }
    expect(new Set(labelOf.values()).size).toBe(labelOf.size);
  });

  it('lists the custos audit entries that named the person, the export that held their data, retention and rights', () => {
    const audit = table('custos_audit');
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ action: 'messages.search', roles: ['compliance_officer'], result_count: 4 });
    expect(JSON.stringify(audit[1]!.parameters)).toContain(exportJobId);
    const recipients = table('recipients');
    expect(recipients.map((r) => r.package_id)).toEqual([exportJobId]);
    expect(recipients[0]).toMatchObject({ requested_by: 'Olga Officer', messages_of_yours: truth.written.filter((e) => d(e).author_id === 'U-SAM').length });
    const info = JSON.parse(readFileSync(join(bag, 'data', 'information.json'), 'utf8')) as { rights: Array<{ right: string }>; sources: Array<{ source: string }>; purposes: Array<{ purpose: string }>; retention: Array<{ category: string }> };
    expect(info.rights.map((r) => r.right)).toEqual(expect.arrayContaining(['Rectification', 'Erasure', 'Restriction of processing', 'Objection', 'Complaint']));
    expect(new Set(info.sources.map((s) => s.source))).toEqual(new Set(SAM.ids.map((i) => i.source)));
    expect(info.purposes.map((p) => p.purpose)).toContain('Communication compliance supervision');
    expect(info.retention.map((r) => r.category)).toContain('messages');
  });

  it('names no other person in clear in any file of the bag, and explains every file in English and French', () => {
    for (const file of walk(bag)) {
      if (file.endsWith('.sig')) continue;
      const text = readFileSync(file, 'utf8');
      for (const s of otherStrings) expect(text.toLowerCase().includes(s.toLowerCase()), `${s} in ${file}`).toBe(false);
    }
    const en = readFileSync(join(bag, 'data', 'README.en.txt'), 'utf8');
    const fr = readFileSync(join(bag, 'data', 'README.fr.txt'), 'utf8');
    for (const name of ['messages', 'mentions', 'context', 'reactions', 'calls', 'app_invocations', 'memberships', 'admin_events', 'supervision_flags', 'custos_audit', 'recipients', 'retention']) {
      expect(en).toContain(`${name}.json / ${name}.csv`);
      expect(fr).toContain(`${name}.json / ${name}.csv`);
      const header = readFileSync(join(bag, 'data', `${name}.csv`), 'utf8').split('\r\n')[0]!.split(',');
      for (const col of header) expect(en, `${name}.${col} explained`).toContain(`  - ${col}: `);
    }
    expect(readFileSync(join(bag, 'data', 'index.html'), 'utf8')).toContain('<html lang="en">');
  });

  it('verifies as a signed package, and the request is done with its job', async () => {
    const v = await verifyPackage(bag, { publicKey: loadOrCreateSigningKey(ts.dataDir, TENANT).publicKeyPem });
    expect(v).toMatchObject({ ok: true, kind: 'access_request', tenant: TENANT });
    const q = await new SubjectRequestService(ts.store).show(TENANT, requestId);
    expect(q.request.state).toBe('done');
    expect(q.request.jobIds).toEqual([summary.package_id]);
    expect(q.history.map((h) => h.change)).toEqual(['opened', 'job-started', 'done']);
  });
});
