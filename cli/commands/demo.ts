import type { Command } from 'commander';
import { AuditWriter } from '../../common/audit/index.js';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { ApiTokenStore } from '../../api/auth/api-tokens.js';
import { commandContext, withStore } from '../context.js';
import { demoHoldAndJob, demoTopics, fillSampleCompany } from '../demo/demo-history.js';
import { buildJobRunner } from '../job-runtime.js';
import { serveWithDemoIdp } from '../demo/serve-with-idp.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('fill the store with a sample company (bilingual, a few months of chat) through the normal validation and storage path')
    .option('--tenant <tenant>', 'tenant id to fill', 'demo')
    .option('--users <n>', 'people in the company', '300')
    .option('--days <n>', 'days of history, ending today', '120')
    .option('--messages-per-day <n>', 'messages on a working day', '400')
    .option('--serve', 'then start a demo identity provider on loopback and `custos serve` signed in through it (prints one sign-in per role)')
    .option('--idp-port <n>', 'loopback port of the demo identity provider (with --serve)', '8081')
    .action(async (opts: { tenant: string; users: string; days: string; messagesPerDay: string; serve?: boolean; idpPort: string }) => {
      if (!TENANT_PATTERN.test(opts.tenant)) throw new CustosError(`--tenant: "${opts.tenant}" is not a tenant id`);
      const ctx = commandContext();
      const end = new Date();
      end.setUTCHours(0, 0, 0, 0);
      const started = Date.now();
      const result = await withStore(ctx, 'custos demo', async (store) => {
        // Every run hands out a fresh token so the API can be tried at once (the secret is shown only now).
        const token = await new ApiTokenStore(store).create({ tenant: opts.tenant, role: 'compliance_officer', name: `custos demo ${new Date().toISOString()}`, createdBy: 'cli:custos demo' });
        // The sample ends today, so a second run on another day would be a second
        // history under the same event ids: fill a tenant once.
        const [held] = await store.query<{ n: string }>('demo: tenant empty?', 'SELECT count() AS n FROM admin_events WHERE tenant = {t:String}', { t: opts.tenant });
        if (Number(held!.n) > 0) return { token: token.secret };
        const filled = await fillSampleCompany(store, { tenant: opts.tenant, users: Number(opts.users), days: Number(opts.days), messagesPerDay: Number(opts.messagesPerDay), end }, (line) => {
          process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
        });
        const audit = new AuditWriter(store);
        await demoHoldAndJob(store, audit, buildJobRunner(ctx.config, store, audit, ctx.log), opts.tenant, filled.policy);
        process.stderr.write(`\ndemo: ${filled.flagged} messages flagged for review by "${filled.policy.definition.name}", a legal hold and a backtest job added`);
        const topics = await demoTopics(store, opts.tenant);
        process.stderr.write(`\ndemo: topics of ${topics.messages.toLocaleString('en-US')} messages analysed`);
        const { total, inserted } = filled;
        return { total, inserted, token: token.secret };
      });
      const tryIt = `demo: API token (compliance_officer in ${opts.tenant}, shown once): ${result.token}\n` +
        `demo: try  curl -H "Authorization: Bearer ${result.token}" http://127.0.0.1:${ctx.config.http.port}/v1/tenants/${opts.tenant}/messages?q=budget\n` +
        (opts.serve ? '' : `demo: web UI at http://127.0.0.1:${ctx.config.http.port}/ once custos serve runs (browser sign-in needs OIDC_ISSUER and OIDC_CLIENT_ID: docs/web-ui.md; custos demo --serve starts a demo identity provider)\n`);
      if (result.total === undefined) {
        process.stdout.write(`demo: tenant "${opts.tenant}" already holds data; nothing added (custos stats --tenant ${opts.tenant} shows it)\n` + tryIt);
      } else {
        process.stderr.write('\n');
        process.stdout.write(
          `demo: tenant "${opts.tenant}": ${result.total.toLocaleString('en-US')} events, ${result.inserted.toLocaleString('en-US')} newly stored ` +
            `(${result.total - result.inserted!} already there) in ${((Date.now() - started) / 1000).toFixed(1)} s; see them with: custos stats --tenant ${opts.tenant}\n` + tryIt,
        );
      }
      if (opts.serve) {
        const port = Number(opts.idpPort);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CustosError(`--idp-port: "${opts.idpPort}" is not a port number`);
        process.exitCode = await serveWithDemoIdp(ctx, opts.tenant, port);
      }
    });
}
