/**
 * The archives the web-ui bench opens its pages on (bench/web-ui.ts): the demo's
 * sample company with every role's pages, or the engagement company with N messages
 * stored through Kafka ingest (kept in a directory for the next run when asked).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAnalyticsSettings } from '../../analytics/settings.js';
import type { AuditWriter } from '../../common/audit/index.js';
import { packageRoot } from '../../common/paths.js';
import type { Store } from '../../common/store/store.js';
import { demoUsers, type DemoSignIn } from '../../cli/demo/demo-users.js';
import { demoHoldAndJob, fillSampleCompany } from '../../cli/demo/demo-history.js';
import type { JobRunner } from '../../reports/jobs/job-runner.js';
import { DAY, DEPARTMENTS, PEOPLE, emailOf, person, type CompanySpan } from './engagement-company.js';
import { fillCompany } from './engagement-fill.js';
import { startBroker } from './kafka-broker.js';
import { fmt } from './stats.js';

export interface BenchPage { user: string; label: string; path: string; ready: string[] }

/** The load average as `uptime` prints it: the machine is shared. */
export const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*load average/, 'load average');

/** What on the engagement page says its data is there: the summary's figures and the series table. */
const ENGAGEMENT_READY = ['table.figures tbody tr', 'table.series[data-metric] tbody tr'];

/** The sample company's pages, by demo user, and what on each says its data is there. */
const SAMPLE_PAGES: BenchPage[] = [
  { user: 'manager', label: 'manager', path: '/engagement', ready: ENGAGEMENT_READY },
  { user: 'officer', label: 'officer', path: '/search?q=budget', ready: ['#results-heading[data-total]'] },
  { user: 'officer', label: 'officer', path: '/supervision', ready: ['#items-heading[data-total]'] },
  { user: 'officer', label: 'officer', path: '/holds', ready: ['tr[data-hold]'] },
  { user: 'officer', label: 'officer', path: '/jobs', ready: ['tr[data-job]'] },
  { user: 'auditor', label: 'auditor', path: '/audit', ready: ['#entries-heading[data-total]'] },
];

export interface Archive {
  tenant: string;
  users: DemoSignIn[];
  pages: BenchPage[];
  /** The URL query the pages get (a reused archive filled on an earlier day: its last 28 days, the default range of the day it was filled). */
  query: string;
  /** What is in the store, for the report. */
  describe: string;
  /** Adds what needs the API's audit writer and the job runner (the sample's hold and finished job). */
  finish(audit: AuditWriter, runner: JobRunner): Promise<void>;
}

/** The demo's sample company, every role's pages. */
export async function sampleArchive(store: Store): Promise<Archive> {
  const tenant = 'demo';
  const sample = { users: Number(process.env.BENCH_UI_USERS ?? 300), days: Number(process.env.BENCH_UI_DAYS ?? 120), messagesPerDay: Number(process.env.BENCH_UI_PER_DAY ?? 400) };
  const end = new Date();
  end.setUTCHours(0, 0, 0, 0);
  const t0 = Date.now();
  const filled = await fillSampleCompany(store, { tenant, ...sample, end });
  const [counted] = await store.query<{ n: string }>('bench web-ui: messages', "SELECT count() AS n FROM message_versions WHERE tenant = {t:String} AND kind = 'created'", { t: tenant });
  return {
    tenant, users: demoUsers(tenant), pages: SAMPLE_PAGES, query: '',
    describe: `the demo's sample company: ${fmt(filled.total)} events (${fmt(Number(counted?.n ?? NaN))} messages) stored in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    finish: (audit, runner) => demoHoldAndJob(store, audit, runner, tenant, filled.policy),
  };
}

/** What a kept archive directory holds (BENCH_UI_ARCHIVE), beside the store's data. */
interface ArchiveMark { generator: string; tenant: string; messages: number; events: number; start: number; end: number; fillSeconds: number }
export const MARK = 'bench-web-ui.json';
const GENERATOR = 'bench/lib/engagement-company.ts v1';

/** The engagement company with `messages` messages, filled through Kafka ingest unless `dir` already holds it. */
export async function companyArchive(store: Store, dir: string, messages: number, kept: boolean): Promise<Archive> {
  const tenant = 'bench';
  const markPath = join(dir, MARK);
  let mark: ArchiveMark | undefined = existsSync(markPath) ? (JSON.parse(readFileSync(markPath, 'utf8')) as ArchiveMark) : undefined;
  if (mark && (mark.messages !== messages || mark.generator !== GENERATOR)) {
    throw new Error(`bench web-ui: ${dir} holds ${fmt(mark.messages)} messages of ${mark.generator}, not ${fmt(messages)} of ${GENERATOR}: name another BENCH_UI_ARCHIVE or delete it`);
  }
  let how: string;
  if (mark) {
    how = `reused from ${dir} (filled in ${fmt(mark.fillSeconds)} s)`;
  } else {
    // The 90 days ending now, so the dashboard's default range (the 28 days ending today) has data.
    const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const c: CompanySpan = { tenant, start: end - 90 * DAY, span: 90 * DAY };
    await writeAnalyticsSettings(store, tenant, { time_zone: 'Europe/Paris' });
    const broker = process.env.KAFKA_BROKERS ? undefined : await startBroker(join(packageRoot(), '.bench', 'kafka'), 'web-ui');
    const t0 = Date.now();
    try {
      const events = await fillCompany(store, (process.env.KAFKA_BROKERS ?? broker!.brokers).split(','), c, messages, (line) => console.log(`web-ui fill: ${line} [${uptime()}]`));
      mark = { generator: GENERATOR, tenant, messages, events, start: c.start, end, fillSeconds: (Date.now() - t0) / 1000 };
    } finally {
      broker?.stop();
    }
    if (kept) writeFileSync(markPath, JSON.stringify(mark, null, 2));
    how = `stored through Kafka ingest in ${fmt(mark.fillSeconds)} s = ${fmt(mark.events / mark.fillSeconds)} events/s${kept ? `, kept in ${dir}` : ''}`;
  }
  const lastDay = new Date(mark.end - 1).toISOString().slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  const query = lastDay === today ? '' : `?from=${new Date(Date.parse(lastDay) - 27 * DAY).toISOString().slice(0, 10)}&to=${lastDay}`;
  const [counted] = await store.query<{ n: string }>('bench web-ui: messages', "SELECT count() AS n FROM message_versions WHERE tenant = {t:String} AND kind = 'created'", { t: tenant });
  // The demo's sign-ins, with the manager as the lead of department D3 and a second one as the CEO (every department lead reports to them).
  const demo = demoUsers(tenant);
  const asManager = (id: string, who: string): DemoSignIn => ({ ...demo.find((u) => u.id === 'manager')!, id, name: who, email: emailOf(who) });
  const users = [asManager('manager', person(3, 0)), asManager('ceo', 'CEO'), demo.find((u) => u.id === 'officer')!];
  const pages: BenchPage[] = [
    { user: 'manager', label: 'manager, 1 department', path: '/engagement', ready: ENGAGEMENT_READY },
    { user: 'ceo', label: `manager, ${DEPARTMENTS} departments`, path: '/engagement', ready: ENGAGEMENT_READY },
    { user: 'officer', label: 'officer, all', path: '/engagement', ready: ENGAGEMENT_READY },
  ];
  return {
    tenant, users, pages, query,
    describe: `the engagement company (${fmt(PEOPLE)} people, ${DEPARTMENTS} departments, 90 days to ${lastDay}): ${fmt(Number(counted?.n ?? NaN))} messages, ${fmt(mark.events)} events, ${how}${query ? `; pages opened with ${query} (the last 28 days of the archive)` : ''}`,
    finish: async () => undefined,
  };
}
