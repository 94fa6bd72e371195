/**
 * What `custos demo` adds to a fresh sample company so that every page of the web UI
 * shows something on first sign-in, made through the product's own paths:
 * - a supervision policy (the shipped off-channel template, enabled) and its review
 *   items, flagged by ingest's own evaluation (`flagMessages`) as the sample is stored;
 * - a legal hold on the Orion project's channel, audited as the operator's
 *   (`custos holds create` does the same);
 * - a finished job: the policy's backtest, run by the job runner;
 * - the topic analysis of the whole sample (docs/topics.md), so the topics page shows
 *   something before `custos serve`'s first scheduled run.
 */
import { AuditWriter } from '../../common/audit/index.js';
import { toStoreTime } from '../../common/events/time.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import { holdInput, scopeOf } from '../../common/holds/hold-model.js';
import type { Store } from '../../common/store/store.js';
import { DEFAULT_POLICIES } from '../../common/supervision/default-policies.js';
import { compilePolicySet, flagMessages, type SupervisedMessage } from '../../common/supervision/flagging.js';
import { storeContextSource } from '../../common/supervision/message-context.js';
import { createPolicyStore, parsePolicyDefinition } from '../../common/supervision/policy-store.js';
import { createReviewQueue } from '../../common/supervision/review-queue.js';
import type { PolicyVersion } from '../../common/supervision/policy-model.js';
import { CustosError } from '../../common/errors.js';
import { toRow, type RoutedRow } from '../../common/events/rows.js';
import { validateEvent } from '../../common/events/validate.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import type { JobRunner } from '../../reports/jobs/job-runner.js';
import { runTopics } from '../../analytics/topics/run.js';
import { auditCli } from '../cli-audit.js';
import { cliRequester } from '../job-runtime.js';
import { sampleCompany, type DemoEvent, type DemoOptions } from './sample-company.js';

const BY = 'cli:custos demo';

/** Enables the off-channel policy in `tenant` and returns the step that flags a stored batch of sample events with it. */
export async function demoSupervision(store: Store, tenant: string): Promise<{ policy: PolicyVersion; flag: (events: readonly DemoEvent[]) => Promise<number> }> {
  const policy = await createPolicyStore(store).create(tenant, parsePolicyDefinition({ ...DEFAULT_POLICIES.off_channel, enabled: true }), BY);
  const set = compilePolicySet(tenant, [policy]);
  const queue = createReviewQueue(store);
  const context = storeContextSource(store);
  return {
    policy,
    async flag(events) {
      const messages: SupervisedMessage[] = [];
      for (const e of events) {
        if (e.type !== 'message.created' && e.type !== 'message.edited') continue;
        const d = e.data;
        messages.push({
          eventId: e.id, messageId: String(d.message_id), conversationId: String(d.conversation_id), conversationType: String(d.conversation_type ?? ''),
          threadId: String(d.thread_id ?? ''), authorId: String(d.author_id ?? d.editor_id), time: toStoreTime(Date.parse(e.time)),
          kind: e.type === 'message.created' ? 'created' : 'edited', text: String(d.text), hasAttachments: Array.isArray(d.attachments) && d.attachments.length > 0,
        });
      }
      return queue.write(await flagMessages(set, messages, context));
    },
  };
}

/**
 * Stores the sample company through the normal validation and storage path, in
 * batches, each flagged by the demo's supervision policy once stored.
 */
export async function fillSampleCompany(store: Store, o: DemoOptions, progress: (line: string) => void = () => {}): Promise<{ total: number; inserted: number; flagged: number; policy: PolicyVersion }> {
  const writer = createEventWriter(store);
  const supervision = await demoSupervision(store, o.tenant);
  let pending: RoutedRow[] = [];
  let pendingEvents: DemoEvent[] = [];
  let total = 0;
  let inserted = 0;
  let flagged = 0;
  const flush = async () => {
    inserted += (await writer.write(pending)).inserted;
    // As ingest does after storing a batch: the enabled policy flags it.
    flagged += await supervision.flag(pendingEvents);
    pending = [];
    pendingEvents = [];
    progress(`demo: ${total.toLocaleString('en-US')} events generated, ${inserted.toLocaleString('en-US')} stored`);
  };
  for (const event of sampleCompany(o)) {
    const v = validateEvent(event);
    if (!v.ok) throw new CustosError(`demo generated an invalid event (${v.detail}): this is a bug`);
    pending.push(toRow(v, 'demo'));
    pendingEvents.push(event);
    total++;
    if (pending.length >= 20_000) await flush();
  }
  await flush();
  return { total, inserted, flagged, policy: supervision.policy };
}

/** A legal hold and a finished backtest job, each audited as the operator's, like the CLI commands. */
export async function demoHoldAndJob(store: Store, audit: AuditWriter, runner: JobRunner, tenant: string, policy: PolicyVersion): Promise<void> {
  const by = await cliRequester(store, audit);
  const raw = { case_name: 'Orion contract dispute', reason: 'Litigation expected over the Orion delivery dates', custodians: [], conversations: ['C029'], q: 'Orion' };
  const input = holdInput.parse(raw);
  await new HoldStore(store).create(tenant, { caseName: input.case_name, reason: input.reason, scope: scopeOf(input), createdBy: by.subjectRef });
  await auditCli(audit, by, { tenant, command: 'custos demo', action: 'holds.create', params: raw, status: 200, resultCount: 1 });
  await runner.run(await runner.submit(tenant, 'supervision-backtest', { policy: policy.policyId }, by));
}

/**
 * The topic analysis of everything stored so far (the `topics` job's own run). The
 * sample was stored by this process and is complete, so nothing is still in flight:
 * no settling delay (the scheduled job waits 5 s for inserts of other writers).
 */
export async function demoTopics(store: Store, tenant: string): Promise<{ messages: number }> {
  const r = await runTopics(store, tenant, { settleMs: 0 });
  return { messages: r.messages };
}
