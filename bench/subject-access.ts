/**
 * Subject access bench (issue 10): one person among N messages (BENCH_ACCESS_MESSAGES,
 * default 1,000,000; 5,000 people in 2,000 conversations, 10% of messages mention
 * someone, 5% edited, 10% reacted to; a directory with every person's e-mail; calls),
 * then: opening the request (resolution over the directory and events, and the
 * preview counts), and the `access` job through the real runner (read everything
 * about the person, pseudonymize, write JSON/CSV/HTML, sign the bag, ZIP). Prints the
 * time, the rows returned and, where the store's query log has them, the rows read,
 * with the load average beside each figure (other processes share the machine:
 * figures are upper bounds).
 *
 * BENCH_ACCESS_DIR names a directory to keep the filled archive in and reuse: the 10M
 * fill takes a quarter of an hour, the job seconds. A directory filled with another
 * size is refused rather than silently measured at the wrong size.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../common/config.js';
import { createStore, type Store } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { AuditWriter } from '../common/audit/index.js';
import { SubjectRequestService } from '../common/subjects/request-service.js';
import { createJobAuditor } from '../reports/jobs/job-audit.js';
import { JobRunner } from '../reports/jobs/job-runner.js';
import { jobKinds } from '../reports/job-kinds.js';
import { vocabulary } from './search.js';
import { fmt } from './lib/stats.js';

const TENANT = 'bench';
const PEOPLE = 5000;
const START = Date.UTC(2026, 0, 1);
const SPAN = 180 * 86_400_000;

async function fill(store: Store, n: number): Promise<void> {
  const vocab = vocabulary();
  for (let off = 0; off < n; off += 500_000) {
    const count = Math.min(500_000, n - off);
    await store.command('bench: fill messages', `
      INSERT INTO message_versions (tenant, event_id, source, time, kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, extra, origin)
      SELECT {tenant:String}, concat('e', toString(number)), 'slack://TBENCH', fromUnixTimestamp64Milli(toInt64({start:UInt64} + intDiv(number * {span:UInt64}, {total:UInt64})), 'UTC'),
        'created', concat('m', toString(number)), concat('C', toString(cityHash64(number, 1) % 2000)), 'channel', '', concat('U', toString(cityHash64(number, 3) % {people:UInt64})),
        arrayStringConcat(arrayMap(k -> {vocab:Array(String)}[1 + cityHash64(number, k) % length({vocab:Array(String)})], range(5 + cityHash64(number, 5) % 26)), ' '),
        if(cityHash64(number, 7) % 10 = 0, [concat('U', toString(cityHash64(number, 11) % {people:UInt64}))], []), [], '', 'bench'
      FROM numbers({off:UInt64}, {count:UInt64})`, { tenant: TENANT, start: START, span: SPAN, total: n, vocab, off, count, people: PEOPLE });
  }
  await store.command('bench: edits', `
    INSERT INTO message_versions (tenant, event_id, source, time, kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, extra, origin)
    SELECT tenant, concat(event_id, '-x'), source, time + toIntervalMinute(3), 'edited', message_id, conversation_id, conversation_type, '', author_id, concat(text, ' (edited)'), [], [], '', 'bench'
    FROM message_versions WHERE tenant = {tenant:String} AND cityHash64(message_id, 12) % 20 = 0`, { tenant: TENANT });
  await store.command('bench: reactions', `
    INSERT INTO reactions (tenant, event_id, source, time, action, message_id, conversation_id, user_id, emoji, extra, origin)
    SELECT tenant, concat(event_id, '-r'), source, time + toIntervalSecond(30), 'added', message_id, conversation_id, concat('U', toString(cityHash64(message_id, 13) % {people:UInt64})), 'tada', '', 'bench'
    FROM message_versions WHERE tenant = {tenant:String} AND kind = 'created' AND cityHash64(message_id, 9) % 10 = 0`, { tenant: TENANT, people: PEOPLE });
  await store.command('bench: calls', `
    INSERT INTO calls (tenant, event_id, source, time, phase, call_id, conversation_id, initiator_id, call_kind, participants, duration_s, extra, origin)
    SELECT {tenant:String}, concat('k', toString(number)), 'slack://TBENCH', fromUnixTimestamp64Milli(toInt64({start:UInt64} + number * 60000), 'UTC'), 'ended', concat('K', toString(number)),
      concat('C', toString(number % 2000)), '', 'video', arrayMap(k -> concat('U', toString(cityHash64(number, k) % {people:UInt64})), range(4)), 600, '', 'bench'
    FROM numbers(20000)`, { tenant: TENANT, start: START, people: PEOPLE });
  await store.command('bench: directory', `
    INSERT INTO admin_events (tenant, event_id, source, time, type, user_id, conversation_id, app_id, actor_id, data, extra, origin)
    SELECT {tenant:String}, concat('a', toString(number)), 'slack://TBENCH', fromUnixTimestamp64Milli(toInt64({start:UInt64}), 'UTC'), 'user.created', concat('U', toString(number)), '', '', '',
      concat('{"user_id":"U', toString(number), '","email":"person', toString(number), '@example.org","display_name":"Person Number', toString(number), '"}'), '', 'bench'
    FROM numbers({people:UInt64})`, { tenant: TENANT, start: START, people: PEOPLE });
  // The access read's key view too (0020): a long-lived archive has it merged, one part in conversation order.
  for (const t of ['message_versions', 'reactions', 'calls', 'admin_events', 'conversation_message_keys']) await store.command('bench: optimize', `OPTIMIZE TABLE ${t} FINAL`);
}

const load = () => execSync('uptime').toString().trim().replace(/^.*load average: /, 'load ');

/** Rows read by the queries whose operation starts with `prefix`, from the store's query log when it keeps one. */
async function rowsRead(store: Store, prefix: string, since: number): Promise<string> {
  try {
    await store.command('bench: flush logs', 'SYSTEM FLUSH LOGS');
    const [r] = await store.query<{ rows: string; n: string }>('bench: query log', `
      SELECT sum(read_rows) AS rows, count() AS n FROM system.query_log
      WHERE type = 'QueryFinish' AND startsWith(log_comment, {p:String}) AND event_time_microseconds >= fromUnixTimestamp64Milli(toInt64({since:UInt64}))`, { p: prefix, since });
    return Number(r?.n ?? 0) > 0 ? `${fmt(Number(r!.rows))} rows read by ${r!.n} queries` : 'rows read: not logged';
  } catch (err) {
    // Embedded chDB keeps no system.query_log: say so in one short phrase.
    return /query_log/.test((err as Error).message) ? 'rows read: n/a (no query log in embedded chDB)' : `rows read: n/a (${(err as Error).message.split('\n')[0]!.slice(0, 80)})`;
  }
}

export async function runSubjectAccessBench(n = Number(process.env.BENCH_ACCESS_MESSAGES ?? 1_000_000)): Promise<void> {
  const keep = process.env.BENCH_ACCESS_DIR;
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'custos-bench-access-'));
  // Written only after a complete fill, so an interrupted fill is never reused.
  const filledMark = join(dir, 'bench-filled.json');
  const filled = existsSync(filledMark) ? (JSON.parse(readFileSync(filledMark, 'utf8')) as { messages: number }).messages : undefined;
  if (filled !== undefined && filled !== n) throw new Error(`BENCH_ACCESS_DIR ${dir} holds ${filled} messages, not ${n}: name another directory`);
  if (keep && filled === undefined && readdirSync(dir).length > 0) throw new Error(`BENCH_ACCESS_DIR ${dir} holds an unfinished fill: remove it or name another directory`);
  const config = loadConfig({ ...process.env, CUSTOS_DATA_DIR: dir, CLICKHOUSE_URL: '' } as NodeJS.ProcessEnv);
  const store = await createStore(config, { command: 'bench subject-access', queryTimeoutS: 3600 });
  try {
    await migrate(store);
    const t0 = performance.now();
    if (filled === undefined) {
      await fill(store, n);
      if (keep) writeFileSync(filledMark, JSON.stringify({ messages: n }));
    }
    console.log(`subject-access bench: ${fmt(n)} messages (+5% edits, 10% reactions, 20,000 calls, ${fmt(PEOPLE)} people) ${filled === undefined ? `filled in ${fmt((performance.now() - t0) / 1000, 1)} s` : `reused from ${dir}`}`);
    const service = new SubjectRequestService(store);
    const since1 = Date.now();
    const t1 = performance.now();
    const opened = await service.open(TENANT, { type: 'access', subject: 'person42@example.org', by: 'bench' });
    console.log(`  open (resolve + preview)       ${fmt((performance.now() - t1) / 1000, 2)} s: ${opened.request.identifiers.userIds.length} id(s), ${opened.preview.messages_written} messages written, ${opened.preview.messages_mentioning} mentioning, ${opened.preview.calls} calls; ${await rowsRead(store, 'subjects:', since1)}  [${load()}]`);
    const runner = new JobRunner({ store, log: pino({ level: 'silent' }), audit: createJobAuditor(new AuditWriter(store)), jobsDir: join(dir, 'jobs'), kinds: jobKinds({ dataDir: dir }) });
    const by = { subjectRef: 'bench', kind: 'bench' };
    // Twice: the first run reads cold parts, the second what the page cache kept (a re-run after a failure).
    for (const round of ['first run', 'second run']) {
      const since2 = Date.now();
      const t2 = performance.now();
      const job = await runner.run(await runner.submit(TENANT, 'access', { request: opened.request.id }, by), by);
      const seconds = (performance.now() - t2) / 1000;
      if (job.state !== 'done') throw new Error(`access job ${job.state}: ${job.error}`);
      const r = job.result as { records: number; rows_returned: number; files: number; bytes: number; other_people: number; seconds: { read: number; write_and_package: number }; read_ms: Record<string, number> };
      console.log(`  access package, ${round} (job, end to end) ${fmt(seconds, 2)} s (read ${r.seconds.read} s, write+sign ${r.seconds.write_and_package} s): ${fmt(r.records)} records, ${fmt(r.rows_returned)} rows returned, ${r.other_people} others pseudonymized, ${r.files} files, ${fmt(r.bytes / 1024, 1)} KiB; ${await rowsRead(store, 'access:', since2)}  [${load()}]  aim < 5 s`);
      console.log(`    read ms per part: ${Object.entries(r.read_ms).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
  } finally {
    await store.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
