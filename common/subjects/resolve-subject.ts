/**
 * Who a data subject request is about: from a user id or an e-mail, every identifier
 * the person had in the tenant, and how many records of each family name them (the
 * preview a DPO sees before anything runs; docs/subject-requests.md).
 *
 * Identifiers are closed over the directory: a user id brings the e-mails its profile
 * events ever carried, an e-mail brings every user id (of any source) whose profile
 * carried it, until nothing new appears. That is how one person with an account in two
 * sources (two user ids, one e-mail) is found whole. A user id typed by the DPO is kept
 * even when the directory never saw it: events may name people no admin event did.
 */
import type { Store } from '../store/store.js';
import type { SubjectIdentifiers } from './subject-request.js';

/** At most this many rounds of id -> e-mail -> id; a directory needing more is malformed. */
const MAX_ROUNDS = 6;

export interface ResolvedSubject extends SubjectIdentifiers {
  /** Sources (connectors, importers) whose events name the person. */
  sources: string[];
  /** True when the directory or the events know any of the identifiers. */
  found: boolean;
}

/** Records per family that name the person, as a request's preview shows them. */
export interface SubjectPreview {
  messages_written: number;
  message_versions_written: number;
  messages_mentioning: number;
  reactions: number;
  calls: number;
  app_invocations: number;
  admin_events: number;
  memberships: number;
  supervision_flags: number;
  audit_entries: number;
}

export const PREVIEW_FAMILIES: ReadonlyArray<keyof SubjectPreview> = [
  'messages_written', 'message_versions_written', 'messages_mentioning', 'reactions', 'calls', 'app_invocations', 'admin_events', 'memberships', 'supervision_flags', 'audit_entries',
];

export const isEmail = (ref: string): boolean => ref.includes('@');

const PROFILE_TYPES = "type IN ('user.created', 'user.updated')";
const sorted = (s: Iterable<string>) => [...new Set(s)].filter((x) => x !== '').sort();

interface ProfileRow { user_id: string; email: string; display_name: string; source: string }

/** Every identifier of the person named by `ref` (user id or e-mail, e-mails compared case-insensitively). */
export async function resolveSubject(store: Store, tenant: string, ref: string): Promise<ResolvedSubject> {
  const ids = new Set<string>(isEmail(ref) ? [] : [ref]);
  const emails = new Set<string>(isEmail(ref) ? [ref.toLowerCase()] : []);
  const names = new Set<string>();
  const sources = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = ids.size + emails.size;
    const rows = await store.query<ProfileRow>('subjects: resolve directory', `
      SELECT DISTINCT user_id, lower(JSONExtractString(data, 'email')) AS email, JSONExtractString(data, 'display_name') AS display_name, source
      FROM admin_events
      WHERE tenant = {tenant:String} AND ${PROFILE_TYPES}
        AND (user_id IN {ids:Array(String)} OR lower(JSONExtractString(data, 'email')) IN {emails:Array(String)})`,
    { tenant, ids: [...ids], emails: [...emails] });
    for (const r of rows) {
      ids.add(r.user_id);
      if (r.email) emails.add(r.email);
      names.add(r.display_name);
      sources.add(r.source);
    }
    if (ids.size + emails.size === before) break;
  }
  const [seen] = await store.query<{ sources: string[] }>('subjects: resolve event sources', `
    SELECT groupUniqArray(source) AS sources FROM (
      SELECT source FROM message_versions WHERE tenant = {tenant:String} AND author_id IN {ids:Array(String)}
      UNION ALL SELECT source FROM reactions WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)}
      UNION ALL SELECT source FROM calls WHERE tenant = {tenant:String} AND (initiator_id IN {ids:Array(String)} OR hasAny(participants, {ids:Array(String)}))
      UNION ALL SELECT source FROM app_invocations WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)}
      UNION ALL SELECT source FROM admin_events WHERE tenant = {tenant:String} AND (user_id IN {ids:Array(String)} OR actor_id IN {ids:Array(String)}))`,
  { tenant, ids: [...ids] });
  for (const s of seen?.sources ?? []) sources.add(s);
  return { userIds: sorted(ids), emails: sorted(emails), displayNames: sorted(names), sources: sorted(sources), found: sources.size > 0 };
}

/**
 * Strings that identify the person in audit parameters (JSON text): ids and e-mails as
 * JSON strings, quotes included, so user id "u1" does not match "u12".
 */
export function identifyingStrings(s: SubjectIdentifiers): string[] {
  return sorted([...s.userIds, ...s.emails]).map((x) => JSON.stringify(x));
}

/** Counts per record family naming the person (one query; `rows_read` is what it touched). */
export async function previewSubject(store: Store, tenant: string, s: SubjectIdentifiers): Promise<SubjectPreview> {
  const p = { tenant, ids: s.userIds, needles: identifyingStrings(s) };
  const [r] = await store.query<Record<keyof SubjectPreview, string>>('subjects: preview', `
    SELECT
      (SELECT uniqExact(conversation_id, message_id) FROM message_versions WHERE tenant = {tenant:String} AND kind = 'created' AND author_id IN {ids:Array(String)}) AS messages_written,
      (SELECT count() FROM (SELECT DISTINCT event_id FROM message_versions WHERE tenant = {tenant:String} AND author_id IN {ids:Array(String)})) AS message_versions_written,
      (SELECT uniqExact(conversation_id, message_id) FROM message_versions WHERE tenant = {tenant:String} AND kind = 'created' AND hasAny(mentions, {ids:Array(String)}) AND author_id NOT IN {ids:Array(String)}) AS messages_mentioning,
      (SELECT count() FROM (SELECT DISTINCT event_id FROM reactions WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)})) AS reactions,
      (SELECT uniqExact(call_id) FROM calls WHERE tenant = {tenant:String} AND (initiator_id IN {ids:Array(String)} OR hasAny(participants, {ids:Array(String)}))) AS calls,
      (SELECT count() FROM (SELECT DISTINCT event_id FROM app_invocations WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)})) AS app_invocations,
      (SELECT count() FROM (SELECT DISTINCT event_id FROM admin_events WHERE tenant = {tenant:String} AND (user_id IN {ids:Array(String)} OR actor_id IN {ids:Array(String)}))) AS admin_events,
      (SELECT uniqExact(conversation_id) FROM admin_events WHERE tenant = {tenant:String} AND type IN ('member.joined', 'member.left') AND user_id IN {ids:Array(String)}) AS memberships,
      (SELECT uniqExact(item_id) FROM supervision_items WHERE tenant = {tenant:String} AND author_id IN {ids:Array(String)}) AS supervision_flags,
      (SELECT count() FROM audit_log WHERE tenant = {tenant:String} AND length({needles:Array(String)}) > 0 AND multiSearchAnyCaseInsensitive(params, {needles:Array(String)})) AS audit_entries`, p);
  return Object.fromEntries(PREVIEW_FAMILIES.map((k) => [k, Number(r?.[k] ?? 0)])) as unknown as SubjectPreview;
}
