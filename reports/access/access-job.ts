/**
 * The `access` job: the package that answers a data subject access request (GDPR
 * Art. 15, docs/subject-requests.md). It reads everything the archive holds about
 * the request's person as of the job's creation, pseudonymizes everyone else, adds
 * the Art. 15(1) information computed from the live configuration, and writes a
 * signed BagIt package (DESIGN.md "Packages") with a ZIP for downloads. The request
 * moves to `running`, then `done` (or `failed`, and can be re-run).
 *
 * Resume: like `export`, the package is a function of the request and the as-of time,
 * so a restarted job rebuilds it from the start.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { JobKind } from '../jobs/job-kind.js';
import { resolveSubjects } from '../../common/audit/index.js';
import { CustosError } from '../../common/errors.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { SUBJECT_REQUEST_ID, type SubjectRequest } from '../../common/subjects/subject-request.js';
import { SubjectRequestStore } from '../../common/subjects/subject-request-store.js';
import { writeBag } from '../packages/bag-writer.js';
import { zipBag } from '../packages/zip.js';
import { readSubjectRecords, sourcesOf } from './access-records.js';
import { art15Information, exportRecipients } from './art15-information.js';
import { buildTables } from './access-tables.js';
import { writeAccessFiles } from './package-files.js';
import { Participants } from './participants.js';

export const accessParams = z.strictObject({
  request: z.string().regex(SUBJECT_REQUEST_ID, 'must be a subject request id (dsr_...)'),
  /** Others' messages shown before and after each of the person's own, in the same conversation. */
  context_messages: z.number().int().min(0).max(50).default(3),
});
export type AccessParams = z.output<typeof accessParams>;

/** The request cannot be answered by this job (wrong type or state). */
export class AccessRequestStateError extends CustosError {}

const RUNNABLE = new Set(['open', 'running', 'failed', 'done']);
const round = (ms: number) => Math.round(ms / 10) / 100;

export function accessJobKind(deps: { dataDir: string; version: string }): JobKind<AccessParams, { rebuilds: number }> {
  return {
    kind: 'access',
    params: accessParams,
    async run(ctx) {
      const t0 = performance.now();
      const tenant = ctx.job.tenant;
      const requests = new SubjectRequestStore(ctx.store);
      const request = await requests.get(tenant, ctx.params.request);
      if (request.type !== 'access') throw new AccessRequestStateError(`request ${request.id} is an ${request.type} request, not an access request`);
      if (!RUNNABLE.has(request.state)) throw new AccessRequestStateError(`request ${request.id} is ${request.state}: an access package is built for an open request (or re-built)`);
      await ctx.saveCheckpoint({ rebuilds: (ctx.checkpoint?.rebuilds ?? -1) + 1 });
      const running: SubjectRequest = await requests.append({ ...request, state: 'running', jobIds: [...new Set([...request.jobIds, ctx.job.id])], changedBy: ctx.requestedBy }, 'job-started');
      try {
        const outcome = await build(ctx, running, deps, t0);
        await requests.append({ ...running, state: 'done', note: `access package ${ctx.job.id}: ${outcome.summary.records} records, Merkle root ${outcome.summary.merkle_root}`, changedBy: ctx.requestedBy }, 'done');
        return outcome;
      } catch (err) {
        await requests.append({ ...running, state: 'failed', note: `access package ${ctx.job.id} failed: ${(err as Error).message}`.slice(0, 2000), changedBy: ctx.requestedBy }, 'failed');
        throw err;
      }
    },
    describe: (o) => `${o.summary.records} records about the person (${o.summary.messages} messages written), ${o.summary.other_people} other people pseudonymized, ${o.summary.files} files, Merkle root ${o.summary.merkle_root}`,
  };
}

type Ctx = Parameters<JobKind<AccessParams, { rebuilds: number }>['run']>[0];

async function build(ctx: Ctx, q: SubjectRequest, deps: { dataDir: string; version: string }, t0: number) {
  const tenant = ctx.job.tenant;
  const asOf = ctx.job.createdAt;
  const ids = q.identifiers;
  // Recipients first: the audit entries about those packages (downloads) touched the person's data too.
  const recipients = await exportRecipients(ctx.store, tenant, ids.userIds);
  const records = await readSubjectRecords(ctx.store, tenant, ids, { asOf, contextWindow: ctx.params.context_messages, packageIds: recipients.map((r) => r.package_id) });
  if (ctx.signal.aborted) throw ctx.signal.reason;
  const t1 = performance.now();
  const people = new Participants(records.directory, new Set(ids.userIds), [...ids.displayNames, ...ids.emails]);
  const tables = buildTables(records, people);
  const sources = await sourcesOf(ctx.store, tenant, ids.userIds);
  const info = await art15Information(ctx.store, tenant, ids, records, { now: asOf, sources, recipients });
  tables.find((t) => t.name === 'recipients')!.rows = info.recipients.map((r) => ({ ...r }));
  tables.find((t) => t.name === 'retention')!.rows = info.retention.map((r) => ({ ...r }));
  const bagDir = join(ctx.workDir, ctx.job.id);
  rmSync(bagDir, { recursive: true, force: true });
  const about = {
    request_id: q.id, tenant, received_at: q.receivedAt, due_at: q.dueAt, as_of: asOf,
    identifiers: { user_ids: ids.userIds, emails: ids.emails, display_names: ids.displayNames }, sources: [...new Set(sources.map((s) => s.source))],
    context_window: ctx.params.context_messages, other_people: people.count,
  };
  const files = writeAccessFiles(bagDir, tables, about, info);
  const perConversation: Record<string, number> = {};
  for (const m of records.messages) perConversation[m.conversation_id] = (perConversation[m.conversation_id] ?? 0) + 1;
  const names = await resolveSubjects(ctx.store, [ctx.requestedBy].filter((r) => r.startsWith('sr_')));
  const requester = { subject: names.get(ctx.requestedBy)?.subject ?? ctx.requestedBy, ...(names.get(ctx.requestedBy)?.name ? { name: names.get(ctx.requestedBy)!.name } : {}) };
  const bag = await writeBag({
    bagDir, files, signer: loadOrCreateSigningKey(deps.dataDir, tenant),
    custody: {
      kind: 'access_request', jobId: ctx.job.id, tenant, filters: { request_id: q.id, context_messages: ctx.params.context_messages }, asOf,
      requestedBy: requester, requestedAt: ctx.job.createdAt, approvedBy: [], approvedAt: null, createdAt: ctx.job.createdAt,
      messagesPerConversation: perConversation, software: { name: 'custos', version: deps.version },
    },
  });
  const zipPath = join(dirname(bagDir), `${basename(bagDir)}.zip`);
  const zip = await zipBag(bagDir, zipPath, { time: new Date(ctx.job.createdAt) });
  const t2 = performance.now();
  const recordsCount = tables.filter((t) => !['recipients', 'retention'].includes(t.name)).reduce((n, t) => n + t.rows.length, 0);
  ctx.progress(recordsCount, recordsCount);
  return {
    summary: {
      package_id: ctx.job.id, request_id: q.id, records: recordsCount, messages: records.messages.length, rows_returned: records.rowsReturned,
      other_people: people.count, files: files.length, bytes: files.reduce((n, f) => n + f.bytes, 0), merkle_root: bag.merkleRoot, signing_key_id: bag.keyId,
      as_of: asOf, bag: bagDir, seconds: { read: round(t1 - t0), write_and_package: round(t2 - t1) }, read_ms: records.ms,
    },
    files: [{ name: basename(zipPath), bytes: zip.bytes, sha256: createHash('sha256').update(readFileSync(zipPath)).digest('hex') }],
  };
}
