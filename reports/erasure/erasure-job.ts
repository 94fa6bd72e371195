/**
 * The `erasure` job (GDPR Art. 17; docs/erasure.md): for one approved erasure request,
 * removes the person's own content and removes or pseudonymizes them everywhere else,
 * walking the registry of personal data (erasure-plan.ts), and proves it with a
 * signed certificate.
 *
 * 1. re-read the request (never the queued copy) and the active holds; the request
 *    goes to `running`;
 * 2. the person's identifiers join the erased-subjects list first (keyed hashes), so
 *    ingest and the importers stop storing them while the run works (rule 4);
 * 3. rank by rank of the plan's dependencies (erase-tables.ts), the mutations of one
 *    rank sent together and waited for once, checkpointing each rank; held rows are
 *    restricted (restriction.ts) instead of erased (rule 1);
 * 4. wait until the old parts are gone from disk (rule 3, reports/retention/rewrite.ts);
 * 5. when nothing is held, the request's identifying columns become keyed hashes in
 *    every version (registry: `hashed`);
 * 6. verify: nothing identifying is left outside holds, or the job fails (the request
 *    goes to `failed`, and a re-run resumes);
 * 7. sign and keep the certificate; the request goes to `done`, or `waiting-on-holds`
 *    when a hold kept something (the schedule in `custos serve` runs it again once the
 *    last such hold is released: erasure-schedule.ts).
 */
import { z } from 'zod';
import type { JobKind } from '../jobs/job-kind.js';
import type { RegisteredTable } from '../../common/registry/personal-data.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { CustosError, errorMessage } from '../../common/errors.js';
import { quoted } from '../../common/retention/plan.js';
import { SubjectRequestStore } from '../../common/subjects/subject-request-store.js';
import { SUBJECT_REQUEST_ID, type SubjectRequest } from '../../common/subjects/subject-request.js';
import { identifierEntries, loadSubjectHasher, type SubjectHasher } from '../../common/subjects/subject-hash.js';
import { addErasedMessages, addErasedSubject, erasedPseudonym } from '../../common/subjects/erased-subjects.js';
import type { Store } from '../../common/store/store.js';
import { waitForRewrite } from '../retention/rewrite.js';
import { dependencyRank, planErasure } from './erasure-plan.js';
import { SubjectSql, dropWork, subjectValues, writeWork } from './subject-sql.js';
import { finish, identifyingLeft, prepareTable, type PreparedTable, type TableOutcome } from './erase-tables.js';
import { waitForMutations } from './mutation-wait.js';
import { listRestricted } from './restriction.js';
import { issueCertificate, type CertificateBody } from './certificate.js';

export const erasureParams = z.strictObject({
  request: z.string().regex(SUBJECT_REQUEST_ID, 'must be a subject request id (dsr_...)'),
});
export type ErasureParams = z.output<typeof erasureParams>;

interface ErasureCheckpoint {
  started_at: string;
  /** The active holds the run started under: a change of holds starts the walk over. */
  holds: string[];
  tables: Record<string, TableOutcome>;
}

export class ErasureRequestError extends CustosError {
  constructor(readonly tenant: string, readonly requestId: string, problem: string) {
    super(`erasure request ${requestId} of tenant ${tenant}: ${problem}`);
  }
}

export class ErasureVerificationError extends CustosError {
  constructor(readonly tenant: string, readonly requestId: string, readonly left: Record<string, number>) {
    super(`erasure ${requestId} of tenant ${tenant}: after the run, rows outside holds still identify the person (${Object.entries(left).map(([t, n]) => `${t}: ${n}`).join(', ')}); the job fails so that a re-run finishes it`);
  }
}

export interface ErasureJobDeps {
  dataDir: string;
  rewriteTimeoutMs?: number;
  /** The registry to walk (tests add tables to it); the product's by default. */
  registry?: readonly RegisteredTable[];
}

/** The registry's work table of running erasures (subject-sql.ts): dropped at the end, not walked. */
const ERASURE_WORK = 'erasure_work';

/** States a run may start from: approved, waiting on holds, or an earlier run that failed or died. */
const RUNNABLE = new Set(['approved', 'waiting-on-holds', 'running', 'failed']);

/** Every version of the request names the person only by keyed hashes from now on. */
async function hashRequest(store: Store, q: SubjectRequest, hasher: SubjectHasher, subjectHash: string): Promise<void> {
  const h = (kind: 'user' | 'email' | 'name', xs: string[]) => xs.map((x) => hasher.hashOf(kind, x));
  await store.command('erasure: hash the request', `ALTER TABLE subject_requests UPDATE subject_ref = {hash:String}, subject_hash = {hash:String},
     user_ids = {users:Array(String)}, emails = {emails:Array(String)}, display_names = {names:Array(String)}
     WHERE tenant = {tenant:String} AND request_id = {id:String}`,
  { hash: subjectHash, users: h('user', q.identifiers.userIds), emails: h('email', q.identifiers.emails), names: h('name', q.identifiers.displayNames), tenant: q.tenant, id: q.id },
  { mutations_sync: '2' });
}

export function erasureJobKind(deps: ErasureJobDeps): JobKind<ErasureParams, ErasureCheckpoint> {
  return {
    kind: 'erasure',
    params: erasureParams,
    async run(ctx) {
      const tenant = ctx.job.tenant;
      const requests = new SubjectRequestStore(ctx.store);
      let q = await requests.get(tenant, ctx.params.request);
      if (q.type !== 'erasure') throw new ErasureRequestError(tenant, q.id, `is an ${q.type} request, not an erasure`);
      if (q.state === 'done') {
        return { summary: { request: q.id, state: 'done', already_done: true, subject_hash: q.subjectHash }, files: [] };
      }
      if (!RUNNABLE.has(q.state)) throw new ErasureRequestError(tenant, q.id, `is ${q.state}; only an approved request (or one waiting on holds) can be erased`);
      const hasher = await loadSubjectHasher(ctx.store, tenant);
      const subjectHash = hasher.subjectHashOf(q.identifiers);
      const pseudonym = erasedPseudonym(subjectHash);
      const by = ctx.requestedBy;
      q = await requests.append({ ...q, state: 'running', subjectHash, jobIds: q.jobIds.includes(ctx.job.id) ? q.jobIds : [...q.jobIds, ctx.job.id], changedBy: by }, 'job-started');
      try {
        return await erase(q);
      } catch (err) {
        if (!ctx.signal.aborted) await requests.append({ ...q, state: 'failed', note: errorMessage(err).slice(0, 500), changedBy: by }, 'failed');
        throw err;
      }

      async function erase(req: SubjectRequest) {
        const added = await addErasedSubject(ctx.store, tenant, req.id, hasher, req.identifiers);
        const holds = await new HoldStore(ctx.store).list(tenant, { active: true });
        const holdIds = holds.map((h) => h.id).sort();
        const plan = await planErasure(ctx.store, deps.registry);
        const values = subjectValues(req.identifiers);
        const params = { tenant, request: req.id, pseudo: pseudonym };
        await writeWork(ctx.store, params, values);
        const sql = new SubjectSql(plan, params, values.pattern !== '', values.names.length > 0);
        const resume = ctx.checkpoint && ctx.checkpoint.holds.join(',') === holdIds.join(',') ? ctx.checkpoint : undefined;
        const cp: ErasureCheckpoint = resume ?? { started_at: new Date().toISOString(), holds: holdIds, tables: {} };
        // Held records are listed before anything goes: the walk leaves exactly them alone.
        const restricted = await listRestricted(ctx.store, plan, sql, holds);
        // The person's messages (not held) join the list before they go, so no reply, reaction or mark to them is stored again.
        const messages = await ctx.store.query<{ conversation_id: string; message_id: string }>('erasure: erased messages',
          `SELECT DISTINCT conversation_id, message_id FROM message_versions WHERE tenant = {tenant:String} AND (conversation_id, message_id) IN (${sql.erasedMessages()})
           AND (conversation_id, message_id) NOT IN (SELECT conversation_id, record_id FROM restricted_records WHERE tenant = {tenant:String} AND request_id = {request:String} AND family = 'messages')`, params);
        await addErasedMessages(ctx.store, tenant, req.id, hasher, subjectHash, messages);
        await ctx.saveCheckpoint(cp);
        const walk = plan.tables.filter((t) => t.hashed.length === 0 && t.table !== ERASURE_WORK);
        const operation = `erasure ${ctx.job.id}`;
        // Rank by rank (erasure-plan.ts): the tables of one rank are counted, their mutations sent at
        // once, and waited for together; the next rank is found through tables this one leaves alone.
        for (const rank of [0, 1, 2, 3]) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          const tables = walk.filter((t) => dependencyRank(t, plan.tables) === rank && !cp.tables[t.table]);
          // Counted side by side too: each count reads its own table, none is changed before all are sent.
          const prepared: PreparedTable[] = await Promise.all(tables.map((t) => prepareTable(ctx.store, t, sql, operation)));
          for (const p of prepared) if (p.alter) await ctx.store.command(`${operation}: erase`, p.alter.sql, p.alter.params, { mutations_sync: '0' });
          await waitForMutations(ctx.store, tables.filter((_, i) => prepared[i]!.alter).flatMap((t) => [t.table, t.storage]), { signal: ctx.signal });
          for (const p of prepared) cp.tables[p.outcome.table] = finish(p);
          await ctx.saveCheckpoint(cp);
          ctx.progress(Object.keys(cp.tables).length, walk.length + 2);
        }
        const heldRows = Object.values(cp.tables).reduce((a, o) => a + o.held, 0);
        const waiting = heldRows > 0 || restricted.length > 0;
        if (!waiting) await hashRequest(ctx.store, req, hasher, subjectHash);
        // Verification: by the identifying columns themselves, in every table the walk reaches.
        const verification: CertificateBody['verification'] = { passed: true, tables: {} };
        for (const t of plan.tables.filter((x) => x.table !== ERASURE_WORK)) {
          if (t.hashed.length > 0 && waiting) continue; // the request itself still names the person until it completes
          const source = t.deleteBy.source ? plan.tables.find((x) => x.table === t.deleteBy.source!.table) : undefined;
          const r = await identifyingLeft(ctx.store, t, sql, source ? [...source.deleteBy.subjectColumns, ...source.pseudonymizeColumns] : []);
          verification.tables[t.table] = r;
          if (r.left > 0) verification.passed = false;
        }
        if (!verification.passed) {
          throw new ErasureVerificationError(tenant, req.id, Object.fromEntries(Object.entries(verification.tables).filter(([, r]) => r.left > 0).map(([k, r]) => [k, r.left])));
        }
        // The identifiers leave the work table; then every touched table's old parts leave the disk.
        await dropWork(ctx.store, req.id);
        const touched = walk.filter((t) => { const o = cp.tables[t.table]!; return o.deleted + o.pseudonymized > 0; });
        // A key-value table keeps deleted keys in its files until compaction: compact it now.
        for (const t of touched.filter((x) => x.engine === 'EmbeddedRocksDB')) await ctx.store.command(`${operation}: compact`, `OPTIMIZE TABLE ${quoted(t.table)}`);
        const storages = [...touched.filter((t) => t.engine !== 'EmbeddedRocksDB').map((t) => t.storage), ERASURE_WORK, 'restricted_records', ...(waiting ? [] : ['subject_requests'])];
        const rewrite = await waitForRewrite(ctx.store, storages, { timeoutMs: deps.rewriteTimeoutMs ?? 600_000, signal: ctx.signal });
        const kept: CertificateBody['kept'] = restricted.map((r) => {
          const h = holds.find((x) => x.id === r.hold_id);
          return { family: r.family, records: r.records, hold_id: r.hold_id, case: h?.caseName ?? '', why: 'under an active legal hold: restricted (hidden from every view but the hold\'s case, excluded from analytics) until the hold is released (DESIGN.md rule 1)' };
        });
        const state = waiting ? 'waiting-on-holds' as const : 'done' as const;
        const certificateId = `cert_${ctx.job.id.slice(4)}`;
        const finishedAt = new Date().toISOString();
        const counts = { user_ids: req.identifiers.userIds.length, emails: req.identifiers.emails.length, display_names: req.identifiers.displayNames.length };
        const { files } = await issueCertificate(ctx.store, ctx.workDir, loadOrCreateSigningKey(deps.dataDir, tenant), {
          kind: 'custos-erasure-certificate', version: 1, certificate_id: certificateId, tenant, request_id: req.id, job_id: ctx.job.id, subject_hash: subjectHash, pseudonym,
          identifiers: counts, state,
          removed: Object.fromEntries(Object.entries(cp.tables).map(([k, o]) => [k, { deleted: o.deleted, pseudonymized: o.pseudonymized, held: o.held }])),
          kept, not_reached: plan.skipped, rewrite, verification, started_at: cp.started_at, finished_at: finishedAt,
        });
        const latest = await requests.get(tenant, req.id);
        const holdNote = waiting ? `: records kept by ${[...new Set(kept.map((k) => k.hold_id))].join(', ')}` : '';
        await requests.append({ ...latest, state, subjectHash, note: `certificate ${certificateId}${holdNote}`, changedBy: by }, waiting ? 'waiting-on-holds' : 'done');
        ctx.progress(walk.length + 2, walk.length + 2);
        const sum = (f: (o: TableOutcome) => number) => Object.values(cp.tables).reduce((a, o) => a + f(o), 0);
        return {
          summary: {
            request: req.id, state, subject_hash: subjectHash, certificate_id: certificateId, identifiers_listed: added, erased_identifiers: identifierEntries(req.identifiers).length,
            rows_deleted: sum((o) => o.deleted), rows_pseudonymized: sum((o) => o.pseudonymized), rows_held: heldRows, records_restricted: restricted.reduce((a, r) => a + r.records, 0),
            holds: [...new Set(restricted.map((r) => r.hold_id))], rewrite_wait_ms: rewrite.waited_ms, verified: verification.passed, tables: cp.tables,
          },
          files,
        };
      }
    },
    describe(outcome) {
      const s = outcome.summary as { request: string; state: string; rows_deleted?: number; rows_pseudonymized?: number; rows_held?: number; certificate_id?: string; already_done?: boolean };
      if (s.already_done) return `erasure of ${s.request}: already done`;
      return `erasure of ${s.request}: ${s.rows_deleted} rows deleted, ${s.rows_pseudonymized} pseudonymized, ${s.rows_held} held (${s.state}), certificate ${s.certificate_id}`;
    },
  };
}
