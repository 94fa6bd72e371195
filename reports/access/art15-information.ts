/**
 * The information GDPR Art. 15(1) owes the person, computed from the live
 * configuration and records when the package is built, not boilerplate: the
 * purposes the tenant's Custos actually serves (archive, supervision when policies
 * exist, analytics when configured, legal claims when a hold covers them), the
 * categories of their data that exist, the actual recipients (every export package
 * whose set contained their messages, with date and requester), the retention
 * period of each category under the policy in force, the sources their records came
 * from, and their rights.
 */
import type { Store } from '../../common/store/store.js';
import { fromStoreTime, toStoreTime } from '../../common/events/time.js';
import { resolveSubjects } from '../../common/audit/index.js';
import { currentPolicy } from '../../common/retention/policy-store.js';
import type { FamilyRules, Rule } from '../../common/retention/policy.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import { tokenize } from '../../common/queries/tokens.js';
import type { SubjectIdentifiers } from '../../common/subjects/subject-request.js';
import type { SubjectRecords } from './access-records.js';

const T = "DateTime64(3, 'UTC')";

export interface Recipient { package_id: string; kind: string; delivered_at: string | null; requested_at: string; requested_by: string; messages_of_yours: number }
export interface RetentionLine { category: string; rule: string; applies_to: string }
export interface Art15Information {
  controller_tenant: string;
  computed_at: string;
  purposes: Array<{ purpose: string; why: string }>;
  categories: Array<{ category: string; records: number }>;
  recipients: Recipient[];
  retention: RetentionLine[];
  retention_policy_version: number;
  sources: Array<{ source: string; how: string; records: number }>;
  legal_holds: Array<{ case_name: string; since: string }>;
  rights: Array<{ right: string; article: string; how: string }>;
}

const ruleText = (r: Rule | undefined): string =>
  !r ? 'kept (no rule deletes it)' : 'keep' in r ? 'kept for ever' : 'delete_after' in r ? `deleted ${r.delete_after} (ISO 8601 duration) after the record's time` : `kept at least ${r.keep_at_least} after the record's time`;

const CATEGORY_FAMILY: Record<string, keyof FamilyRules> = {
  messages: 'messages', mentions: 'messages', context: 'messages', reactions: 'messages', calls: 'calls', app_invocations: 'app_invocations',
  memberships: 'admin_events', admin_events: 'admin_events', supervision_flags: 'messages', custos_audit: 'audit',
};

interface ExportJobRow { job_id: string; params: string; requested_by: string; created_at: string; finished_at: string | null }

/** Export packages whose set held messages written by or mentioning the person (custodians, conversations, types, time range, words, as-of). */
export async function exportRecipients(store: Store, tenant: string, ids: string[]): Promise<Recipient[]> {
  const jobs = await store.query<ExportJobRow>('access: export jobs', `
    SELECT job_id, argMax(params, version) AS params, argMax(requested_by, version) AS requested_by, toString(argMax(created_at, version)) AS created_at,
      toString(argMax(finished_at, version)) AS finished_at, toString(argMax(state, version)) AS st
    FROM jobs WHERE tenant = {tenant:String} AND kind = 'export' GROUP BY job_id HAVING st = 'done' ORDER BY created_at, job_id`, { tenant });
  const out: Recipient[] = [];
  for (const j of jobs) {
    const p = JSON.parse(j.params) as { custodians?: string[]; conversations?: string[]; conversation_types?: string[]; from?: string; to?: string; whole_conversations?: boolean; q?: string; as_of?: string };
    const where = ['tenant = {tenant:String}', "kind = 'created'", '(author_id IN {ids:Array(String)} OR hasAny(mentions, {ids:Array(String)}))', `ingested_at <= {as_of:${T}}`];
    const params: Record<string, unknown> = { tenant, ids, as_of: toStoreTime(Date.parse(p.as_of ?? fromStoreTime(j.created_at))) };
    if (p.from) (where.push(`time >= {from:${T}}`), (params.from = toStoreTime(Date.parse(p.from))));
    if (p.to) (where.push(`time < {to:${T}}`), (params.to = toStoreTime(Date.parse(p.to))));
    if (p.conversations?.length) (where.push('conversation_id IN {cs:Array(String)}'), (params.cs = p.conversations));
    if (p.conversation_types?.length) (where.push('conversation_type IN {types:Array(String)}'), (params.types = p.conversation_types));
    if (p.custodians?.length) {
      params.custodians = p.custodians;
      where.push(p.whole_conversations
        ? 'conversation_id IN (SELECT conversation_id FROM message_versions WHERE tenant = {tenant:String} AND author_id IN {custodians:Array(String)})'
        : 'author_id IN {custodians:Array(String)}');
    }
    if (p.q) (where.push('hasAllTokens(text, {tokens:Array(String)})'), (params.tokens = [...new Set(tokenize(p.q))]));
    const [c] = await store.query<{ n: string }>('access: export contained subject', `SELECT count() AS n FROM message_versions WHERE ${where.join(' AND ')}`, params);
    const n = Number(c?.n ?? 0);
    if (n > 0) out.push({ package_id: j.job_id, kind: 'eDiscovery export', delivered_at: j.finished_at && !j.finished_at.startsWith('1970') ? fromStoreTime(j.finished_at) : null, requested_at: fromStoreTime(j.created_at), requested_by: j.requested_by, messages_of_yours: n });
  }
  const names = await resolveSubjects(store, [...new Set(out.map((r) => r.requested_by))]);
  return out.map((r) => ({ ...r, requested_by: names.get(r.requested_by)?.name || names.get(r.requested_by)?.subject || r.requested_by }));
}

export async function art15Information(store: Store, tenant: string, s: SubjectIdentifiers, records: SubjectRecords, o: { now: string; sources: Array<{ source: string; how: string; records: number }>; recipients: Recipient[] }): Promise<Art15Information> {
  const categories = [
    ['messages', records.messages.length], ['mentions', records.mentions.length], ['context', records.context.length], ['reactions', records.reactions.length],
    ['calls', records.calls.length], ['app_invocations', records.apps.length], ['memberships', records.admin.filter((a) => a.type.startsWith('member.')).length],
    ['admin_events', records.admin.length], ['supervision_flags', records.flags.length], ['custos_audit', records.audit.length],
  ].filter(([, n]) => (n as number) > 0).map(([category, records]) => ({ category: category as string, records: records as number }));

  const [counts] = await store.query<{ policies: string; analytics: string }>('access: configured purposes', `
    SELECT (SELECT uniqExact(policy_id) FROM supervision_policies WHERE tenant = {tenant:String}) AS policies,
           (SELECT count() FROM analytics_settings WHERE tenant = {tenant:String}) AS analytics`, { tenant });
  const holds = (await new HoldStore(store).list(tenant)).filter((h) => !h.releasedAt && (h.scope.custodians.length === 0 || h.scope.custodians.some((c) => s.userIds.includes(c))));
  const purposes = [{ purpose: 'Keeping a record of workplace communication', why: 'legal and regulatory record-keeping obligations of your employer (the archive of record)' }];
  if (Number(counts?.policies ?? 0) > 0 || records.flags.length > 0) purposes.push({ purpose: 'Communication compliance supervision', why: `${Number(counts?.policies ?? 0)} supervision polic(ies) review messages for compliance risks` });
  if (Number(counts?.analytics ?? 0) > 0) purposes.push({ purpose: 'Aggregated usage analytics', why: 'counts of activity shown only for groups of at least the configured minimum size, never per person' });
  if (holds.length > 0) purposes.push({ purpose: 'Establishment, exercise or defence of legal claims', why: `${holds.length} legal hold(s) in force may cover your records` });
  purposes.push({ purpose: 'Answering requests like this one and auditing access', why: 'every access to records is logged in a tamper-evident audit log' });

  const policy = await currentPolicy(store, tenant);
  const convTypes = new Set([...records.messages, ...records.mentions].map((m) => m.conversation_type).filter(Boolean));
  const convIds = new Set(records.conversations.map((c) => c.conversation_id));
  const retention: RetentionLine[] = [];
  for (const c of categories) {
    const family = CATEGORY_FAMILY[c.category]!;
    retention.push({ category: c.category, rule: ruleText(policy.policy.default[family]), applies_to: 'by default' });
    for (const r of policy.policy.rules) {
      const m = r.match as { conversation_type?: string; conversation_id?: string };
      if (!r[family]) continue;
      if (m.conversation_type && convTypes.has(m.conversation_type)) retention.push({ category: c.category, rule: ruleText(r[family]), applies_to: `in ${m.conversation_type} conversations` });
      if (m.conversation_id && convIds.has(m.conversation_id)) retention.push({ category: c.category, rule: ruleText(r[family]), applies_to: `in conversation ${m.conversation_id}` });
    }
  }
  return {
    controller_tenant: tenant, computed_at: o.now, purposes, categories,
    recipients: o.recipients,
    retention, retention_policy_version: policy.version, sources: o.sources,
    legal_holds: holds.map((h) => ({ case_name: h.caseName, since: h.createdAt })),
    rights: [
      { right: 'Rectification', article: 'GDPR Art. 16', how: 'ask the data protection officer to correct inaccurate data about you' },
      { right: 'Erasure', article: 'GDPR Art. 17', how: 'ask for your data to be erased; records under a legal hold are restricted until the hold ends' },
      { right: 'Restriction of processing', article: 'GDPR Art. 18', how: 'ask that your data be kept but not used while a question is settled' },
      { right: 'Objection', article: 'GDPR Art. 21', how: 'object to processing based on legitimate interests, such as supervision or analytics' },
      { right: 'Data portability', article: 'GDPR Art. 20', how: 'the JSON and CSV files of this package are in machine-readable formats' },
      { right: 'Complaint', article: 'GDPR Art. 77', how: 'lodge a complaint with the data protection supervisory authority of your country (in France, the CNIL)' },
    ],
  };
}
