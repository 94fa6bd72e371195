/**
 * Erasure bench (issue 10): an archive of N messages (BENCH_ERASURE_MESSAGES, default
 * 1,000,000) by 5,000 people over twelve months, with reactions (10%), deletion marks
 * (1%), a directory (user.created for everyone), and 0.1% of the messages mentioning
 * the erased person by id and by name in their text; then the erasure of that one
 * person through the real job runner: time, rows deleted and pseudonymized per table,
 * and the wait for the physical rewrite (DESIGN.md rule 3), with the load average
 * beside it (other processes share the machine: figures are upper bounds).
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../common/config.js';
import { createStore, type Store } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { AuditWriter } from '../common/audit/index.js';
import { SubjectRequestStore } from '../common/subjects/subject-request-store.js';
import { newSubjectRequestId } from '../common/subjects/subject-request.js';
import { createJobAuditor } from '../reports/jobs/job-audit.js';
import { JobRunner } from '../reports/jobs/job-runner.js';
import { jobKinds } from '../reports/job-kinds.js';
import { vocabulary } from './search.js';
import { fmt } from './lib/stats.js';

const TENANT = 'bench';
const START = Date.UTC(2025, 11, 1);
const PEOPLE = 5000;
/** The person erased: U42, "Ada Bench", ada.bench@example.org. */
const ADA = { userIds: ['U42'], emails: ['ada.bench@example.org'], displayNames: ['Ada Bench'] };

async function fill(store: Store, n: number): Promise<void> {
  const vocab = vocabulary();
  const span = Date.UTC(2026, 11, 1) - START;
  for (let off = 0; off < n; off += 500_000) {
    const count = Math.min(500_000, n - off);
    await store.command('bench: fill messages', `
      INSERT INTO message_versions (tenant, event_id, source, time, kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, extra, origin)
      SELECT {tenant:String}, concat('e', toString(number)), 'slack://TBENCH', fromUnixTimestamp64Milli(toInt64({start:UInt64} + intDiv(number * {span:UInt64}, {total:UInt64})), 'UTC'),
        'created', concat('m', toString(number)), concat('C', toString(cityHash64(number, 1) % 2000)), 'channel', '', concat('U', toString(cityHash64(number, 3) % {people:UInt32})),
        concat(arrayStringConcat(arrayMap(k -> {vocab:Array(String)}[1 + cityHash64(number, k) % length({vocab:Array(String)})], range(5 + cityHash64(number, 5) % 26)), ' '),
          if(cityHash64(number, 7) % 1000 = 0, ' thanks Ada Bench', '')),
        if(cityHash64(number, 7) % 1000 = 0, ['U42'], []), [], '', 'bench'
      FROM numbers({off:UInt64}, {count:UInt64})`, { tenant: TENANT, start: START, span, total: n, vocab, off, count, people: PEOPLE });
  }
  await store.command('bench: reactions', `
    INSERT INTO reactions (tenant, event_id, source, time, action, message_id, conversation_id, user_id, emoji, extra, origin)
    SELECT tenant, concat(event_id, '-r'), source, time + toIntervalSecond(30), 'added', message_id, conversation_id, concat('U', toString(cityHash64(message_id, 4) % {people:UInt32})), 'tada', '', 'bench'
    FROM message_versions WHERE tenant = {tenant:String} AND cityHash64(message_id, 9) % 10 = 0`, { tenant: TENANT, people: PEOPLE });
  await store.command('bench: deletions', `
    INSERT INTO message_deletions (tenant, event_id, source, time, message_id, conversation_id, deleted_by, extra, origin)
    SELECT tenant, concat(event_id, '-d'), source, time + toIntervalMinute(5), message_id, conversation_id, author_id, '', 'bench'
    FROM message_versions WHERE tenant = {tenant:String} AND cityHash64(message_id, 8) % 100 = 0`, { tenant: TENANT });
  await store.command('bench: directory', `
    INSERT INTO admin_events (tenant, event_id, source, time, type, user_id, conversation_id, app_id, actor_id, data, extra, origin)
    SELECT {tenant:String}, concat('u', toString(number)), 'slack://TBENCH', fromUnixTimestamp64Milli({start:UInt64}, 'UTC'), 'user.created', concat('U', toString(number)), '', '', '',
      if(number = 42, '{"user_id":"U42","email":"ada.bench@example.org","display_name":"Ada Bench","department":"R&D"}',
        concat('{"user_id":"U', toString(number), '","email":"u', toString(number), '@example.org","display_name":"Person ', toString(number), '","department":"R&D","manager_id":"U', toString(number % 50), '"}')),
      '', 'bench'
    FROM numbers({people:UInt32})`, { tenant: TENANT, start: START, people: PEOPLE });
  for (const t of ['message_versions', 'reactions', 'message_deletions', 'admin_events', 'message_author_keys', 'reactions_by_message', 'deletions_by_message', 'message_edit_keys', 'replies_by_thread']) {
    await store.command('bench: optimize', `OPTIMIZE TABLE ${t} FINAL`, {}, { alter_sync: '2' } as never);
  }
}

const load = () => execSync('uptime').toString().trim().replace(/^.*load average: /, 'load ');

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return (performance.now() - t) / 1000;
}

/**
 * What of the erasure is inherent (docs/erasure.md "What remains"), measured on the
 * same archive after the run, on another person of the same shape (U43): a
 * lightweight delete of their messages (a mask column, no part rewritten), the
 * physical rewrite of the partitions holding them (the cost DESIGN.md rule 3 demands
 * before done), and an UPDATE of the text column alone in those partitions (what
 * pseudonymizing a mention in others' text costs: the text, its folded columns and
 * their indexes, not the other columns), here on 0.1% of the rows as the mentions are.
 */
async function anatomy(store: Store): Promise<void> {
  const p = { tenant: TENANT, who: 'U43' };
  const [r] = await store.query<{ n: string; parts: string[]; rows: string; partitions: string }>('bench: anatomy', `
    SELECT toString(countIf(author_id = {who:String})) AS n, groupUniqArrayIf(_partition_id, author_id = {who:String}) AS parts,
      toString(count()) AS rows, toString(uniqExact(_partition_id)) AS partitions FROM message_versions WHERE tenant = {tenant:String}`, p);
  const parts = r!.parts.sort();
  const light = await timed(() => store.command('bench: lightweight delete', 'DELETE FROM message_versions WHERE tenant = {tenant:String} AND author_id = {who:String}', p));
  const physical = await timed(async () => {
    for (const id of parts) await store.command('bench: rewrite', `OPTIMIZE TABLE message_versions PARTITION ID '${id.replace(/\D/g, '')}' FINAL`, {}, { alter_sync: '2' } as never);
  });
  const textOnly = await timed(() => store.command('bench: text update', `ALTER TABLE message_versions UPDATE text = concat(text, '') WHERE tenant = {tenant:String} AND cityHash64(message_id, 11) % 1000 = 0`, p, { mutations_sync: '2' }));
  const [m] = await store.query<{ n: string }>('bench: 0.1% of rows', 'SELECT toString(count()) AS n FROM message_versions WHERE tenant = {tenant:String} AND cityHash64(message_id, 11) % 1000 = 0', p);
  console.log(`  anatomy (another person, U43: ${fmt(Number(r!.n))} messages in ${parts.length} of ${r!.partitions} partitions, ${fmt(Number(r!.rows))} rows in the table):`);
  console.log(`      lightweight delete (mask only)   ${fmt(light, 2)} s`);
  console.log(`      physical rewrite of ${String(parts.length).padStart(2)} partitions ${fmt(physical, 2)} s  (${fmt(physical / Math.max(1, parts.length), 2)} s per partition of ~${fmt(Number(r!.rows) / Math.max(1, Number(r!.partitions)))} rows)`);
  console.log(`      UPDATE of the text alone (${fmt(Number(m!.n))} rows, 0.1% as the mentions, every partition) ${fmt(textOnly, 2)} s  [${load()}]`);
}

export async function runErasureBench(n = Number(process.env.BENCH_ERASURE_MESSAGES ?? 1_000_000)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-erasure-'));
  const config = loadConfig({ ...process.env, CUSTOS_DATA_DIR: dir, CLICKHOUSE_URL: '' } as NodeJS.ProcessEnv);
  const store = await createStore(config, { command: 'bench erasure', queryTimeoutS: 3600 });
  try {
    await migrate(store);
    const t0 = performance.now();
    await fill(store, n);
    const [own] = await store.query<{ n: string }>('bench: own', "SELECT count() AS n FROM message_versions WHERE tenant = {tenant:String} AND author_id = 'U42'", { tenant: TENANT });
    console.log(`erasure bench: ${fmt(n)} messages by ${fmt(PEOPLE)} people over 12 months (+ reactions 10%, deletions 1%, directory; 0.1% mention the person), filled and merged in ${fmt((performance.now() - t0) / 1000, 1)} s; the person wrote ${fmt(Number(own!.n))}`);
    const runner = new JobRunner({ store, log: pino({ level: 'silent' }), audit: createJobAuditor(new AuditWriter(store)), jobsDir: join(dir, 'jobs'), kinds: jobKinds({ dataDir: dir }) });
    const now = new Date().toISOString();
    const req = await new SubjectRequestStore(store).append({
      tenant: TENANT, id: newSubjectRequestId(), type: 'erasure', state: 'approved', subjectRef: 'U42', subjectHash: '', identifiers: ADA, receivedAt: now, dueAt: now, personToldAt: null,
      openedBy: 'bench', approvedBy: 'bench2', approvedAt: now, jobIds: [], note: '', changedBy: 'bench2',
    }, 'approved');
    const before = load();
    const started = performance.now();
    const job = await runner.run(await runner.submit(TENANT, 'erasure', { request: req.id }, { subjectRef: 'bench', kind: 'bench' }));
    const seconds = (performance.now() - started) / 1000;
    if (job.state !== 'done') throw new Error(`erasure: ${job.state} ${job.error}`);
    const r = job.result as { rows_deleted: number; rows_pseudonymized: number; rewrite_wait_ms: number; tables: Record<string, { deleted: number; pseudonymized: number; ms: number; count_ms?: number; mutation_ms?: number }> };
    for (const [t, o] of Object.entries(r.tables)) {
      if (o.deleted + o.pseudonymized > 0 || o.ms > 100) console.log(`      ${t.padEnd(28)} ${fmt(o.deleted).padStart(7)} deleted ${fmt(o.pseudonymized).padStart(6)} pseudonymized ${fmt(o.ms).padStart(6)} ms (count ${fmt(o.count_ms ?? 0)}, mutation ${fmt(o.mutation_ms ?? 0)})`);
    }
    console.log(`  erasure of one person            ${fmt(seconds, 2)} s, ${fmt(r.rows_deleted)} rows deleted, ${fmt(r.rows_pseudonymized)} pseudonymized, rewrite wait ${fmt(r.rewrite_wait_ms)} ms (included)  [before: ${before}; after: ${load()}]`);
    if (process.env.BENCH_ERASURE_ANATOMY !== '0') await anatomy(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
