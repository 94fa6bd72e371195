/**
 * `custos topics exclusions|exclude|include`: leave a conversation out of topic
 * analysis, or lift that, from the host (docs/topics.md). An objection under GDPR
 * Art. 21 often arrives by letter to the DPO, who may have no browser session; the
 * operator records it here with `--by`, the same way `custos dsr` does. Every command
 * is written to the tenant's audit chain, refusals included.
 */
import type { Command } from 'commander';
import { CustosError } from '../../common/errors.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { shownExclusion, readExclusions, writeExclusion, type Exclusion, type ExclusionReason } from '../../analytics/topics/topic-store.js';
import { checkBy, withPersonAudit } from '../person-audit.js';

const REASONS: readonly ExclusionReason[] = ['objection', 'policy'];
const CONTROL = /[\x00-\x1f\x7f]/u;

function checkTenant(t: string): void {
  if (!TENANT_PATTERN.test(t)) throw new CustosError(`--tenant: "${t}" is not a tenant id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})`);
}

/** The same rules as the API's path parameter and body, so both doors accept the same values. */
export function checkExclusionInput(o: { conversation: string; reason: string; note?: string; by: string }): void {
  if (!o.conversation || [...o.conversation].length > 512 || CONTROL.test(o.conversation)) throw new CustosError('--conversation: must be 1 to 512 characters without control characters');
  if (!REASONS.includes(o.reason as ExclusionReason)) throw new CustosError(`--reason: "${o.reason}" must be objection or policy`);
  if (o.note !== undefined && ([...o.note].length > 2000 || CONTROL.test(o.note))) throw new CustosError('--note: must be at most 2000 characters without control characters');
  checkBy(o.by);
}

const line = (e: Exclusion) => [e.conversation_id, e.excluded ? 'excluded' : 'included', e.reason, e.changed_at, e.note ? JSON.stringify(e.note) : ''].join('\t');
const print = (json: boolean | undefined, obj: unknown, text: string) => process.stdout.write((json ? JSON.stringify(obj) : text) + '\n');

function registerChange(topics: Command, name: 'exclude' | 'include', excluded: boolean): void {
  topics
    .command(name)
    .description(excluded
      ? 'leave a conversation out of topic analysis: answers leave it out at once, its analysis is deleted at the next run'
      : 'lift an exclusion: the conversation is analysed again from its start at the next run')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--conversation <id>', 'conversation id')
    .requiredOption('--reason <reason>', 'objection (GDPR Art. 21) or policy')
    .requiredOption('--by <name>', 'who is acting (recorded by pseudonym)')
    .option('--note <text>', 'a reference (request number, policy), not a name')
    .option('--json', 'print the exclusion as one JSON object')
    .action(async (o: { tenant: string; conversation: string; reason: string; by: string; note?: string; json?: boolean }) => {
      checkTenant(o.tenant);
      checkExclusionInput(o);
      const params = { conversation_id: o.conversation, excluded, reason: o.reason };
      const e = await withPersonAudit({ tenant: o.tenant, command: `custos topics ${name}`, action: 'analytics.topics.exclusions.put', params, byName: o.by }, (store, by) =>
        writeExclusion(store, o.tenant, { conversationId: o.conversation, excluded, reason: o.reason as ExclusionReason, note: o.note ?? '', changedBy: by }).then(shownExclusion));
      print(o.json, e, line(e));
    });
}

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('topic analysis: conversations left out of it');
  topics
    .command('exclusions')
    .description('list conversations left out of topic analysis, and lifted exclusions, with why and when')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .option('--json', 'one JSON object with the list')
    .action(async (o: { tenant: string; json?: boolean }) => {
      checkTenant(o.tenant);
      const items = await withPersonAudit({ tenant: o.tenant, command: 'custos topics exclusions', action: 'analytics.topics.exclusions.list', params: {} }, async (store) => (await readExclusions(store, o.tenant)).map(shownExclusion));
      if (o.json) print(true, { items }, '');
      else for (const e of items) process.stdout.write(line(e) + '\n');
    });
  registerChange(topics, 'exclude', true);
  registerChange(topics, 'include', false);
}
