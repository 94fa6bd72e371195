/**
 * `custos jobs run|list|show|cancel|resume|retry`: batch jobs for operators on the
 * host. `run` queues a job and runs it to the end in the foreground with a
 * progress bar and a one-line summary; the others act on stored jobs. In embedded
 * mode they need the data directory, so they refuse while `custos serve` holds it
 * (use the API then).
 */
import type { Command } from 'commander';
import { copyFileSync, cpSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { AuditWriter } from '../../common/audit/index.js';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { progressOf, type Job } from '../../common/jobs/job-model.js';
import { InvalidJobParamsError } from '../../common/jobs/job-errors.js';
import type { JobRunner, Requester } from '../../reports/jobs/job-runner.js';
import { commandContext, withStore } from '../context.js';
import { buildJobRunner, cliRequester } from '../job-runtime.js';
import { jobProgressView, type JobProgressView } from '../job-progress.js';

interface Common { tenant: string; json?: boolean }

function checkTenant(t: string): void {
  if (!TENANT_PATTERN.test(t)) throw new CustosError(`--tenant: "${t}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
}

const many = (v: string, prev: string[] = []) => [...prev, v];

/** Options of `jobs run export` as the job's parameters. */
function exportParamsFrom(o: Record<string, unknown>): Record<string, unknown> {
  const context = o.context === undefined ? undefined : /^\d+$/.test(String(o.context)) ? { messages: Number(o.context) } : { duration: String(o.context) };
  return Object.fromEntries(Object.entries({
    q: o.q, custodians: o.custodian, conversations: o.conversation, conversation_types: o.conversationType, from: o.from, to: o.to,
    whole_conversations: o.wholeConversations, context, include_deleted: o.includeDeleted === undefined ? undefined : o.includeDeleted !== false,
    include_edits: o.edits === false ? false : undefined, as_of: o.asOf, formats: typeof o.formats === 'string' ? o.formats.split(',').map((f) => f.trim()) : undefined,
    recipients: o.recipient, holds: o.hold,
  }).filter(([, v]) => v !== undefined));
}

/** Options of `jobs run metrics` as the job's parameters (dates YYYY-MM-DD, local to the tenant). */
function metricsParamsFrom(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ from: o.from, to: o.to, format: o.format, period: o.period, group_by: o.groupBy }).filter(([, v]) => v !== undefined));
}

/** Options of `jobs run supervision-backtest` as the job's parameters. */
function backtestParamsFrom(o: Record<string, unknown>): Record<string, unknown> {
  const int = (v: unknown) => (v === undefined ? undefined : /^\d+$/.test(String(v)) ? Number(v) : String(v));
  return Object.fromEntries(Object.entries({ policy: o.policy, version: int(o.policyVersion), from: o.from, to: o.to, sample: int(o.sample) }).filter(([, v]) => v !== undefined));
}

/** Each kind's CLI options as its job parameters; a kind without an entry takes none. */
const PARAMS_FROM: Record<string, (o: Record<string, unknown>) => Record<string, unknown>> = {
  export: exportParamsFrom,
  metrics: metricsParamsFrom,
  'supervision-backtest': backtestParamsFrom,
  retention: (o) => ({ dry_run: o.dryRun === true }),
  erasure: (o) => (o.request === undefined ? {} : { request: o.request }),
  access: (o) => Object.fromEntries(Object.entries({ request: o.request, context_messages: o.contextMessages === undefined ? undefined : /^\d+$/.test(String(o.contextMessages)) ? Number(o.contextMessages) : String(o.contextMessages) }).filter(([, v]) => v !== undefined)),
  topics: (o) => ({ full: o.full === true }),
};

function summaryLine(job: Job, runner: JobRunner): string {
  const outcome = { summary: job.result ?? {}, files: job.files };
  const p = progressOf(job);
  const took = job.startedAt && job.finishedAt ? ((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000).toFixed(1) : '?';
  if (job.state !== 'done') return `custos jobs: ${job.kind} job ${job.id} ${job.state}${job.error ? `: ${job.error}` : ''}`;
  return `custos jobs: ${job.kind} job ${job.id} done in ${took} s: ${runner.kind(job.kind).describe(outcome)} (${p.done} processed)`;
}

async function withRunner<T>(command: string, body: (runner: JobRunner, by: Requester, view?: JobProgressView) => Promise<T>, label?: string): Promise<T> {
  const ctx = commandContext();
  const view = label ? jobProgressView(label, process.stderr) : undefined;
  return withStore(ctx, command, async (store) => {
    const audit = new AuditWriter(store);
    const runner = buildJobRunner(ctx.config, store, audit, ctx.log, view ? (j) => view.update(j) : undefined);
    return body(runner, await cliRequester(store, audit), view);
  });
}

function print(job: Job, json: boolean | undefined): void {
  if (json) process.stdout.write(JSON.stringify({ id: job.id, tenant: job.tenant, kind: job.kind, state: job.state, progress: progressOf(job), params: job.params, result: job.result, error: job.error || null, files: job.files, created_at: job.createdAt, started_at: job.startedAt, finished_at: job.finishedAt, attempt: job.attempt }) + '\n');
  else process.stdout.write([job.id, job.kind, job.state, `${job.progress.done}/${job.progress.total}`, job.createdAt, job.error].filter(Boolean).join('\t') + '\n');
}

async function runToEnd(runner: JobRunner, job: Job, by: Requester, view: JobProgressView | undefined, out: string | undefined, json: boolean | undefined): Promise<void> {
  const stopOnSignal = () => runner.stopAll();
  process.once('SIGTERM', stopOnSignal);
  process.once('SIGINT', stopOnSignal);
  const ended = await runner.run(job, by).finally(() => view?.stop());
  if (ended.state === 'done' && out && typeof ended.result?.bag === 'string') {
    const target = resolve(out);
    rmSync(target, { recursive: true, force: true });
    cpSync(ended.result.bag, target, { recursive: true });
    process.stderr.write(`custos jobs: package written to ${target}\n`);
  } else if (ended.state === 'done' && out && typeof ended.result?.file === 'string') {
    copyFileSync(ended.result.file, resolve(out));
    process.stderr.write(`custos jobs: report written to ${resolve(out)}\n`);
  }
  if (json) print(ended, true);
  process.stderr.write(summaryLine(ended, runner) + '\n');
  if (ended.state !== 'done') process.exitCode = ended.state === 'running' ? 3 : 1;
}

export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('run and inspect batch jobs (exports, and the kinds to come)');
  const withExportOptions = (c: Command) => c
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--q <words>', 'export: words that must all be in one version of a message')
    .option('--custodian <user>', 'export: messages by this person (repeatable)', many)
    .option('--conversation <id>', 'export: only this conversation (repeatable)', many)
    .option('--conversation-type <type>', 'export: channel | private | dm | group_dm (repeatable)', many)
    .option('--whole-conversations', "export: every message of the custodians' conversations")
    .option('--from <time>', 'export: messages posted at or after this RFC 3339 time')
    .option('--to <time>', 'export: messages posted before this RFC 3339 time')
    .option('--context <n|duration>', 'export: N messages, or an ISO 8601 duration (PT12H), before and after each hit')
    .option('--include-deleted', 'export: include deleted messages (the default)')
    .option('--no-include-deleted', 'export: leave deleted messages out')
    .option('--no-edits', 'export: only the current version of each message')
    .option('--as-of <time>', 'export: leave out what was ingested after this time (default: when the job is queued)')
    .option('--formats <list>', 'export: jsonl,csv,eml,rsmf,parquet (default: all)')
    .option('--recipient <age1...>', 'export: also write the package encrypted with age for this recipient (repeatable)', many)
    .option('--hold <hold_id>', "export: the legal hold whose case the export serves: records an erasure restricted under it are included (repeatable)", many)
    .option('--policy <id>', 'supervision-backtest: the policy to run over the archive (with --from/--to for a range)')
    .option('--policy-version <n>', 'supervision-backtest: this version of the policy (default: the newest)')
    .option('--sample <n>', 'supervision-backtest: matches kept in backtest.json (default 50)')
    .option('--format <format>', 'metrics: csv | json (default json); --from and --to are local dates YYYY-MM-DD')
    .option('--period <period>', 'metrics: day | week | month (default week)')
    .option('--group-by <group>', 'metrics: none | department (default department)')
    .option('--dry-run', 'retention: report exactly what the run would remove, change nothing')
    .option('--request <id>', 'access, erasure: the subject request (dsr_...) the package answers or the approved erasure carries out')
    .option('--context-messages <n>', "access: others' messages shown before and after each of the person's own (default 3)")
    .option('--full', 'topics: analyse every message again instead of only what is new since the last run')
    .option('--json', 'print the job as one JSON object');
  const submit = async (runner: JobRunner, by: Requester, kind: string, o: Common & Record<string, unknown>): Promise<Job> => {
    try {
      const job = await runner.submit(o.tenant, kind, PARAMS_FROM[kind]?.(o) ?? {}, by);
      process.stderr.write(`custos jobs: ${kind} job ${job.id} queued\n`);
      return job;
    } catch (err) {
      if (err instanceof InvalidJobParamsError) throw new CustosError(`--${err.field.split('.')[0]!.replace(/_/g, '-')}: ${err.message.split(': ').slice(2).join(': ')}`);
      throw err;
    }
  };
  withExportOptions(jobs.command('run <kind>').description('queue a job and run it to the end in the foreground (export: an eDiscovery package)'))
    .option('--out <path>', 'export: also copy the finished package (a BagIt folder) to this folder; metrics: the report to this file')
    .action(async (kind: string, o: Common & Record<string, unknown>) => {
      checkTenant(o.tenant);
      await withRunner(`custos jobs run ${kind}`, async (runner, by, view) => {
        const job = await submit(runner, by, kind, o);
        await runToEnd(runner, job, by, view, o.out as string | undefined, o.json);
      }, kind);
    });
  withExportOptions(jobs.command('submit <kind>').description('queue a job and return: `custos serve` (or `jobs resume ID`) runs it'))
    .action(async (kind: string, o: Common & Record<string, unknown>) => {
      checkTenant(o.tenant);
      await withRunner(`custos jobs submit ${kind}`, async (runner, by) => print(await submit(runner, by, kind, o), o.json));
    });
  jobs
    .command('resume <id>')
    .description('run a queued job, or one whose process died, to the end in the foreground')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--out <dir>', 'export: also copy the finished package here')
    .option('--json', 'print the finished job as one JSON object')
    .action(async (id: string, o: Common & { out?: string }) => {
      checkTenant(o.tenant);
      await withRunner('custos jobs resume', async (runner, by, view) => runToEnd(runner, await runner.get(o.tenant, id), by, view, o.out, o.json), 'resume');
    });
  jobs
    .command('list')
    .description("list a tenant's jobs, newest first")
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--kind <kind>', 'only this kind')
    .option('--state <state>', 'queued | running | done | failed | cancelled')
    .option('--json', 'one JSON object per line')
    .action(async (o: Common & { kind?: string; state?: string }) => {
      checkTenant(o.tenant);
      await withRunner('custos jobs list', async (runner) => {
        const { jobs: list, total } = await runner.jobs.list(o.tenant, { limit: 200, ...(o.kind ? { kind: o.kind } : {}), ...(o.state ? { state: o.state as Job['state'] } : {}) });
        for (const j of list) print(j, o.json);
        process.stderr.write(`${list.length} of ${total} job(s) in ${o.tenant}\n`);
      });
    });
  jobs
    .command('show <id>')
    .description('one job: state, progress, parameters, result, files')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--json', 'as one JSON object')
    .action(async (id: string, o: Common) => {
      checkTenant(o.tenant);
      await withRunner('custos jobs show', async (runner) => print(await runner.get(o.tenant, id), o.json ?? true));
    });
  jobs
    .command('cancel <id>')
    .description('cancel a queued or running job')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .action(async (id: string, o: Common) => {
      checkTenant(o.tenant);
      await withRunner('custos jobs cancel', async (runner, by) => print(await runner.cancel(o.tenant, id, by), false));
    });
  jobs
    .command('retry <id>')
    .description('run a failed or cancelled job again, as a new job with the same parameters')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--json', 'print the finished job as one JSON object')
    .action(async (id: string, o: Common) => {
      checkTenant(o.tenant);
      await withRunner('custos jobs retry', async (runner, by, view) => runToEnd(runner, await runner.retry(o.tenant, id, by), by, view, undefined, o.json), 'retry');
    });
}

