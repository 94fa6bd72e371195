/**
 * Everything the archive holds about one person, read for an access package: their
 * messages with every version, messages that mention them, others' messages as
 * context of their own, their reactions, calls, app invocations, membership history,
 * admin events about them, supervision flags about them and Custos' audit entries
 * that touched their data. Rows are as stored (other people not yet pseudonymized:
 * access-files.ts does that), as of a fixed time, deduplicated by event id, and each
 * query is bounded by the person's ids (bloom-filter indexes on the id columns).
 */
import type { Store } from '../../common/store/store.js';
import { fromStoreTime, toStoreTime } from '../../common/events/time.js';
import { identifyingStrings } from '../../common/subjects/resolve-subject.js';
import type { SubjectIdentifiers } from '../../common/subjects/subject-request.js';
import { HoldStore } from '../../common/holds/hold-store.js';
import type { DirectoryEntry } from './participants.js';

const T = "DateTime64(3, 'UTC')";

/** An attachment as the store answers it: a named tuple comes back as an object (its UInt64 size quoted). */
export interface Attachment { name: string; mime: string; size: string | number; sha256: string }

export interface VersionRow { event_id: string; time: string; kind: string; conversation_id: string; conversation_type: string; message_id: string; thread_id: string; author_id: string; text: string; mentions: string[]; attachments: Attachment[]; source: string }
/** A record an earlier erasure of the person left under a legal hold (restricted, GDPR Art. 18): which holds keep it. */
export interface Restriction { holds: string[] }
export interface MessageRecord { conversation_id: string; conversation_type: string; message_id: string; thread_id: string; author_id: string; source: string; versions: VersionRow[]; deleted: { time: string; by: string } | null; reactions: Array<{ time: string; action: string; user_id: string; emoji: string }>; restricted?: Restriction }
export interface ContextRow { conversation_id: string; message_id: string; time: string; author_id: string; text: string }
export interface ReactionRow { event_id: string; time: string; action: string; conversation_id: string; message_id: string; user_id: string; emoji: string; source: string }
export interface CallRecord { call_id: string; conversation_id: string; kind: string; initiator_id: string; participants: string[]; started_at: string | null; ended_at: string | null; duration_s: number | null; source: string; restricted?: Restriction }
export interface AppRow { event_id: string; time: string; app_id: string; user_id: string; conversation_id: string; command: string; source: string; restricted?: Restriction }
export interface AdminRow { event_id: string; time: string; type: string; user_id: string; conversation_id: string; app_id: string; actor_id: string; data: string; source: string }
export interface FlagRow { item_id: string; policy_name: string; severity: string; conversation_id: string; message_id: string; message_time: string; flagged_at: string; state: string; tag: string; comment: string }
export interface AuditRow { seq: string; time: string; action: string; route: string; status: number; outcome: string; result_count: string | null; roles: string[]; subject_kind: string; params: string }
export interface ConversationName { conversation_id: string; name: string; conversation_type: string }

export interface SubjectRecords {
  messages: MessageRecord[];
  mentions: MessageRecord[];
  context: ContextRow[];
  reactions: ReactionRow[];
  calls: CallRecord[];
  apps: AppRow[];
  admin: AdminRow[];
  flags: FlagRow[];
  audit: AuditRow[];
  conversations: ConversationName[];
  directory: DirectoryEntry[];
  /** Rows the queries returned. */
  rowsReturned: number;
  /** Milliseconds per part of the read, for the bench and the job summary. */
  ms: Record<string, number>;
}

const t = (s: string) => fromStoreTime(s);

/** A message's key and the time of its created version, where its versions are found. */
interface MessageKey { conversation_id: string; message_id: string; time: string }

// A (conversation, message) key set matched exactly: the message_id set alone lets the indexes skip, the concatenated key decides.
const KEY_MATCH = "message_id IN {ms:Array(String)} AND concat(conversation_id, '\\0', message_id) IN {keys:Array(String)}";
/**
 * Every version of the messages created at `created`: message_versions is ordered by time, so the
 * created versions' times and the edits' times (message_edit_keys, ordered by message id) let the
 * primary key skip what holds none of them, instead of the bloom filters, which at 10M messages skip
 * nothing for a person who wrote two thousand.
 */
const VERSIONS_AT = `(time IN {created:Array(DateTime64(3, 'UTC'))} OR time IN (SELECT time FROM message_edit_keys WHERE tenant = {tenant:String} AND ${KEY_MATCH}))`;
const keyParams = (p: Record<string, unknown>, found: readonly MessageKey[]) => ({
  ...p, ms: [...new Set(found.map((k) => k.message_id))], keys: [...new Set(found.map((k) => `${k.conversation_id}\u0000${k.message_id}`))], created: [...new Set(found.map((k) => k.time))],
});

const keyOf = (c: string, m: string) => `${c}\u0000${m}`;

/**
 * Every version (up to the as-of time) of the messages found, by key, in (time, event id) order: one read of
 * message_versions for the person's messages, the mentions and the context together. At 10M messages each such
 * read decompresses the text of nearly every granule (their messages are in all of them), so three reads cost
 * three times one.
 */
async function versionsOf(store: Store, p: Record<string, unknown>, found: readonly MessageKey[]): Promise<Map<string, VersionRow[]>> {
  const byKey = new Map<string, VersionRow[]>();
  if (found.length === 0) return byKey;
  const versions = await store.query<VersionRow>('access: message versions', `
    SELECT event_id, time, toString(kind) AS kind, conversation_id, conversation_type, message_id, thread_id, author_id, text, mentions, attachments, source
    FROM message_versions WHERE tenant = {tenant:String} AND ${VERSIONS_AT} AND ${KEY_MATCH} AND ingested_at <= {as_of:${T}}
    ORDER BY conversation_id, message_id, time, event_id LIMIT 1 BY event_id`, keyParams(p, found));
  for (const v of versions) {
    v.time = t(v.time);
    const k = keyOf(v.conversation_id, v.message_id);
    (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(v);
  }
  return byKey;
}

async function messagesWhere(store: Store, p: Record<string, unknown>, found: readonly MessageKey[], versionsByKey: ReadonlyMap<string, VersionRow[]>): Promise<MessageRecord[]> {
  // The versions of the found keys (versionsOf), their deletions and reactions from the views ordered by
  // conversation and message (migration 0007).
  if (found.length === 0) return [];
  const kp = keyParams(p, found);
  const versions = [...new Set(found.map((f) => keyOf(f.conversation_id, f.message_id)))].flatMap((k) => versionsByKey.get(k) ?? []);
  const deletions = await store.query<{ conversation_id: string; message_id: string; first_time: string; first_by: string }>('access: deletions', `
    SELECT conversation_id, message_id, toString(min(time)) AS first_time, argMin(deleted_by, time) AS first_by FROM deletions_by_message
    WHERE tenant = {tenant:String} AND ${KEY_MATCH} AND ingested_at <= {as_of:${T}} GROUP BY conversation_id, message_id`, kp);
  const reactions = await store.query<{ conversation_id: string; message_id: string; time: string; action: string; user_id: string; emoji: string }>('access: reactions on messages', `
    SELECT conversation_id, message_id, time, toString(action) AS action, user_id, emoji FROM reactions_by_message
    WHERE tenant = {tenant:String} AND ${KEY_MATCH} AND ingested_at <= {as_of:${T}} ORDER BY time, event_id LIMIT 1 BY event_id`, kp);
  const byKey = new Map<string, MessageRecord>();
  const k = (c: string, m: string) => `${c}\u0000${m}`;
  for (const v of versions) {
    let m = byKey.get(k(v.conversation_id, v.message_id));
    if (!m) byKey.set(k(v.conversation_id, v.message_id), (m = { conversation_id: v.conversation_id, conversation_type: v.conversation_type, message_id: v.message_id, thread_id: v.thread_id, author_id: '', source: v.source, versions: [], deleted: null, reactions: [] }));
    if (v.kind === 'created') ((m.author_id = v.author_id), (m.conversation_type = v.conversation_type), (m.thread_id = v.thread_id), (m.source = v.source));
    m.versions.push(v);
  }
  for (const d of deletions) {
    const m = byKey.get(k(d.conversation_id, d.message_id));
    if (m) m.deleted = { time: t(d.first_time), by: d.first_by };
  }
  for (const r of reactions) byKey.get(k(r.conversation_id, r.message_id))?.reactions.push({ time: t(r.time), action: r.action, user_id: r.user_id, emoji: r.emoji });
  return [...byKey.values()].filter((m) => m.author_id !== '').sort((a, b) => a.versions[0]!.time.localeCompare(b.versions[0]!.time) || a.conversation_id.localeCompare(b.conversation_id) || a.message_id.localeCompare(b.message_id));
}

/**
 * Up to `window` messages before and after each of the person's own, in the same
 * conversation, by others, with their latest text. Two steps: pick the neighbours
 * among the created messages of the person's conversations (keys, times and authors
 * only: no text) with one window function; then read the texts of the picked alone.
 * The keys come from conversation_message_keys (migration 0020), kept in
 * conversation and time order: message_versions is in time order, so there every
 * granule holds every conversation and the pick read the whole archive, then grouped
 * and sorted the person's conversations (4.8 s of a 7 s job at 10M messages). Here
 * the read is the person's conversations alone, already in the window's order (its
 * PARTITION BY and ORDER BY are the view's key, and optimize_read_in_window_order,
 * off by default in this engine, makes the window read in that order instead of
 * sorting), so nothing is grouped or sorted. No FINAL: at 10M it doubled the read.
 * An event stored twice (only when the writer's seen-id check was bypassed, until
 * the view's next merge) is then one row too many in the window: the context may
 * reach one message less far on that side; its repeated pick is dropped below.
 */
async function contextKeys(store: Store, p: Record<string, unknown>, window: number, conversations: readonly string[]): Promise<Array<MessageKey & { author_id: string }>> {
  if (window === 0 || conversations.length === 0) return [];
  // One pass: a message is context when one of the person's own is within `window` rows of it in its conversation.
  return (await store.query<MessageKey & { author_id: string }>('access: context keys', `
    SELECT conversation_id, message_id, time, author_id FROM (
      SELECT conversation_id, message_id, time, author_id,
        max(author_id IN {ids:Array(String)}) OVER (PARTITION BY tenant, conversation_id ORDER BY time, message_id ROWS BETWEEN {w:UInt64} PRECEDING AND {w:UInt64} FOLLOWING) AS near
      FROM conversation_message_keys
      WHERE tenant = {tenant:String} AND conversation_id IN {cs:Array(String)} AND ingested_at <= {as_of:${T}})
    WHERE near AND author_id NOT IN {ids:Array(String)}
    ORDER BY conversation_id, time, message_id
    SETTINGS optimize_read_in_window_order = 1`, { ...p, w: window, cs: conversations })).filter((r, i, all) => i === 0 || r.conversation_id !== all[i - 1]!.conversation_id || r.message_id !== all[i - 1]!.message_id);
}

/** The picked context with the latest text of each (the last of its versions in (time, event id) order). */
function contextRows(picked: ReadonlyArray<MessageKey & { author_id: string }>, versionsByKey: ReadonlyMap<string, VersionRow[]>): ContextRow[] {
  return picked.map((r) => ({ conversation_id: r.conversation_id, message_id: r.message_id, time: t(r.time), author_id: r.author_id, text: versionsByKey.get(keyOf(r.conversation_id, r.message_id))?.at(-1)?.text ?? '' }));
}

async function callsOf(store: Store, p: Record<string, unknown>): Promise<CallRecord[]> {
  const rows = await store.query<{ call_id: string; conversation_id: string; phase: string; time: string; initiator_id: string; call_kind: string; participants: string[]; duration_s: number; source: string }>('access: calls', `
    SELECT call_id, conversation_id, toString(phase) AS phase, time, initiator_id, call_kind, participants, duration_s, source FROM calls
    WHERE tenant = {tenant:String} AND ingested_at <= {as_of:${T}} AND call_id IN (
      SELECT call_id FROM calls WHERE tenant = {tenant:String} AND (initiator_id IN {ids:Array(String)} OR hasAny(participants, {ids:Array(String)})))
    ORDER BY time, event_id LIMIT 1 BY event_id`, p);
  const byId = new Map<string, CallRecord>();
  for (const r of rows) {
    let c = byId.get(r.call_id);
    if (!c) byId.set(r.call_id, (c = { call_id: r.call_id, conversation_id: r.conversation_id, kind: '', initiator_id: '', participants: [], started_at: null, ended_at: null, duration_s: null, source: r.source }));
    if (r.phase === 'started') ((c.started_at = t(r.time)), (c.initiator_id = r.initiator_id), (c.kind = r.call_kind));
    else ((c.ended_at = t(r.time)), (c.participants = r.participants), (c.duration_s = Number(r.duration_s)));
  }
  return [...byId.values()];
}

/**
 * The records an erasure restricted under holds that are still active, by family and
 * key -> the hold ids. The person's access right reaches them (they are still their
 * data, Art. 15), so the package includes them, each marked with the holds that keep
 * it (docs/subject-requests.md).
 */
async function restrictionsOf(store: Store, tenant: string): Promise<Map<string, Restriction>> {
  const active = new Set((await new HoldStore(store).list(tenant, { active: true })).map((h) => h.id));
  if (active.size === 0) return new Map();
  const rows = await store.query<{ family: string; conversation_id: string; record_id: string; holds: string[] }>('access: restrictions', `
    SELECT family, conversation_id, record_id, arraySort(groupUniqArray(hold_id)) AS holds FROM restricted_records
    WHERE tenant = {tenant:String} AND hold_id IN {active:Array(String)} GROUP BY family, conversation_id, record_id`, { tenant, active: [...active] });
  return new Map(rows.map((r) => [restrictionKey(r.family, r.conversation_id, r.record_id), { holds: r.holds }]));
}

const restrictionKey = (family: string, conversation: string, record: string) => `${family}\u0000${conversation}\u0000${record}`;

/**
 * `packageIds`: export packages that held the person's messages (art15-information.ts):
 * audit entries naming them (downloads, cancels) touched the person's data too.
 */
export async function readSubjectRecords(store: Store, tenant: string, s: SubjectIdentifiers, o: { asOf: string; contextWindow: number; packageIds?: string[] }): Promise<SubjectRecords> {
  const needles = [...identifyingStrings(s), ...(o.packageIds ?? []).map((id) => JSON.stringify(id))];
  const p = { tenant, ids: s.userIds, as_of: toStoreTime(Date.parse(o.asOf)), needles };
  const ms: Record<string, number> = {};
  const timed = async <R>(part: string, work: () => Promise<R>): Promise<R> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      ms[part] = Math.round(performance.now() - started);
    }
  };
  // Keys first (their messages from message_author_keys, ordered by author: a created version ingested after the
  // as-of time is not read below, and a key without one is dropped there; mentions by a scan of the mentions
  // column; the context from conversation_message_keys), then one read of every version of all of them.
  const ownKeys = await timed('message keys', () => store.query<MessageKey>('access: message keys', `
    SELECT DISTINCT conversation_id, message_id, time FROM message_author_keys WHERE tenant = {tenant:String} AND author_id IN {ids:Array(String)}`, p));
  const mentionKeys = await timed('mention keys', () => store.query<MessageKey>('access: mention keys', `
    SELECT DISTINCT conversation_id, message_id, time FROM message_versions
    WHERE tenant = {tenant:String} AND kind = 'created' AND hasAny(mentions, {ids:Array(String)}) AND author_id NOT IN {ids:Array(String)} AND ingested_at <= {as_of:${T}}`, p));
  const picked = await timed('context keys', () => contextKeys(store, p, o.contextWindow, [...new Set(ownKeys.map((m) => m.conversation_id))]));
  const versions = await timed('versions', () => versionsOf(store, p, [...ownKeys, ...mentionKeys, ...picked]));
  const messages = await timed('messages', () => messagesWhere(store, p, ownKeys, versions));
  const mentions = await timed('mentions', () => messagesWhere(store, p, mentionKeys, versions));
  const context = contextRows(picked, versions);
  const reactions = await timed('reactions', async () => (await store.query<ReactionRow>('access: reactions', `
    SELECT event_id, time, toString(action) AS action, conversation_id, message_id, user_id, emoji, source FROM reactions
    WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)} AND ingested_at <= {as_of:${T}} ORDER BY time, event_id LIMIT 1 BY event_id`, p)).map((r) => ({ ...r, time: t(r.time) })));
  const calls = await timed('calls', () => callsOf(store, p));
  const apps = await timed('apps', async () => (await store.query<AppRow>('access: app invocations', `
    SELECT event_id, time, app_id, user_id, conversation_id, command, source FROM app_invocations
    WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)} AND ingested_at <= {as_of:${T}} ORDER BY time, event_id LIMIT 1 BY event_id`, p)).map((r) => ({ ...r, time: t(r.time) })));
  const admin = await timed('admin', async () => (await store.query<AdminRow>('access: admin events', `
    SELECT event_id, time, type, user_id, conversation_id, app_id, actor_id, data, source FROM admin_events
    WHERE tenant = {tenant:String} AND (user_id IN {ids:Array(String)} OR actor_id IN {ids:Array(String)}) AND ingested_at <= {as_of:${T}} ORDER BY time, event_id LIMIT 1 BY event_id`, p)).map((r) => ({ ...r, time: t(r.time) })));
  const flags = await timed('flags', async () => (await store.query<Record<string, string>>('access: supervision flags', `
    SELECT item_id, argMax(policy_name, version) AS f_policy, toString(argMax(severity, version)) AS f_severity, any(conversation_id) AS f_conversation, any(message_id) AS f_message,
      toString(any(message_time)) AS f_message_time, toString(min(flagged_at)) AS f_flagged_at, toString(argMax(state, version)) AS f_state, toString(argMax(tag, version)) AS f_tag, argMax(comment, version) AS f_comment
    FROM supervision_items WHERE tenant = {tenant:String} AND author_id IN {ids:Array(String)} GROUP BY item_id ORDER BY f_message_time, item_id`, p))
    .map((r): FlagRow => ({ item_id: r.item_id!, policy_name: r.f_policy!, severity: r.f_severity!, conversation_id: r.f_conversation!, message_id: r.f_message!, message_time: t(r.f_message_time!), flagged_at: t(r.f_flagged_at!), state: r.f_state!, tag: r.f_tag!, comment: r.f_comment! })));
  const audit = await timed('audit', async () => (await store.query<AuditRow>('access: audit entries', `
    SELECT toString(seq) AS seq, time, action, route, status, outcome, toString(result_count) AS result_count, roles, subject_kind, params FROM audit_log
    WHERE tenant = {tenant:String} AND length({needles:Array(String)}) > 0 AND multiSearchAnyCaseInsensitive(params, {needles:Array(String)}) AND time <= {as_of:${T}}
    ORDER BY seq`, p)).map((r) => ({ ...r, time: t(r.time) })));
  const convIds = [...new Set([...messages, ...mentions].map((m) => m.conversation_id).concat(calls.map((c) => c.conversation_id), apps.map((a) => a.conversation_id), admin.map((a) => a.conversation_id), reactions.map((r) => r.conversation_id)))].filter(Boolean);
  const conversations = await timed('conversations', async () => await store.query<ConversationName>('access: conversation names', `
    SELECT conversation_id, name, conversation_type FROM conversations_current WHERE tenant = {tenant:String} AND conversation_id IN {cs:Array(String)} ORDER BY conversation_id`, { tenant, cs: convIds }));
  const directory = await timed('directory', async () => (await store.query<{ user_id: string; email: string; display_name: string }>('access: directory', `
    SELECT DISTINCT user_id, JSONExtractString(data, 'email') AS email, JSONExtractString(data, 'display_name') AS display_name FROM admin_events
    WHERE tenant = {tenant:String} AND type IN ('user.created', 'user.updated') ORDER BY user_id, email, display_name`, { tenant })).map((d) => ({ userId: d.user_id, email: d.email, displayName: d.display_name })));
  const restrictions = await timed('restrictions', () => restrictionsOf(store, tenant));
  const mark = <R extends { restricted?: Restriction }>(r: R, family: string, conversation: string, record: string): R => {
    const x = restrictions.get(restrictionKey(family, conversation, record));
    if (x) r.restricted = x;
    return r;
  };
  for (const m of [...messages, ...mentions]) mark(m, 'messages', m.conversation_id, m.message_id);
  for (const c of calls) mark(c, 'calls', c.conversation_id, c.call_id);
  for (const a of apps) mark(a, 'app_invocations', a.conversation_id, a.event_id);
  const rowsReturned = [messages.reduce((n, m) => n + m.versions.length + m.reactions.length, 0), mentions.reduce((n, m) => n + m.versions.length, 0), context.length, reactions.length, calls.length, apps.length, admin.length, flags.length, audit.length].reduce((a, b) => a + b, 0);
  return { messages, mentions, context, reactions, calls, apps, admin, flags, audit, conversations, directory, rowsReturned, ms };
}

/** Where the person's records came from: each source (connector) and whether by live ingest or an import, with counts. */
export async function sourcesOf(store: Store, tenant: string, ids: string[]): Promise<Array<{ source: string; how: string; records: number }>> {
  const rows = await store.query<{ source: string; how: string; n: string }>('access: sources', `
    SELECT source, if(startsWith(origin, 'import:'), 'import', 'live connector') AS how, count() AS n FROM (
      SELECT source, origin FROM message_versions WHERE tenant = {tenant:String} AND author_id IN {ids:Array(String)}
      UNION ALL SELECT source, origin FROM reactions WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)}
      UNION ALL SELECT source, origin FROM calls WHERE tenant = {tenant:String} AND (initiator_id IN {ids:Array(String)} OR hasAny(participants, {ids:Array(String)}))
      UNION ALL SELECT source, origin FROM app_invocations WHERE tenant = {tenant:String} AND user_id IN {ids:Array(String)}
      UNION ALL SELECT source, origin FROM admin_events WHERE tenant = {tenant:String} AND (user_id IN {ids:Array(String)} OR actor_id IN {ids:Array(String)}))
    GROUP BY source, how ORDER BY source, how`, { tenant, ids });
  return rows.map((r) => ({ source: r.source, how: r.how, records: Number(r.n) }));
}
