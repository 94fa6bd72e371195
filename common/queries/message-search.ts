/**
 * Message search: which messages match the filters, newest first (or oldest first),
 * with an exact total and a keyset position for the next page.
 *
 * - A message is (conversation_id, message_id); it is listed once, at the time it
 *   was posted (its `created` version), which is what time ranges and the order use.
 * - Words match ANY stored version: a message whose edit removed a word is still
 *   found by it, and a message is found by a word an edit added. All words (or the
 *   phrase) must be in one version.
 * - The text condition comes compiled from the query language (search-query/):
 *   it holds in one version and uses the text index on the folded `text_norm`.
 *   Filters compiled from its modifiers hold on the created version.
 *   The query runs as two branches so each can use an index: messages whose first
 *   version matches (text index), and messages with a matching edit (keys looked up
 *   first, then the message_id bloom filter; no text is read). A message in both is
 *   counted once: the page keeps one row per key (LIMIT 1 BY) and the total is
 *   uniqExact over keys.
 * - Author, conversation type, thread, mentions and attachments are those of the
 *   created version (edits change only the text).
 */
import type { Store } from '../store/store.js';
import { toStoreTime } from '../events/time.js';
import { totalKey, type TotalsCache } from './totals-cache.js';
import { orderSql, type ListOrder } from './list-order.js';
import { MAX_RESTRICTED_KEYS, NOT_RESTRICTED_MESSAGE, RESTRICTED_KEYS_SQL, notRestrictedCondition, restrictedKeysFrom } from './restricted.js';

export interface MessageSearch {
  tenant: string;
  /** SQL condition on one message_versions row (search-query/compile.ts); its values are in `queryParams`. */
  text?: string;
  /** SQL conditions on the created version (the query's modifiers). */
  filters?: string[];
  queryParams?: Record<string, unknown>;
  author?: string;
  /** Any of these authors (the query's `from:`); with `author` too, both must hold. */
  authors?: string[];
  conversation?: string;
  /** Any of these conversations (the query's top-level `in:`, also in `filters`): only scopes the deletion check. */
  conversations?: string[];
  conversationType?: string;
  /** Thread root id: the root itself and its replies. */
  thread?: string;
  fromTime?: string;
  toTime?: string;
  includeDeleted: boolean;
  hasMentions?: boolean;
  mentions?: string;
  hasAttachments?: boolean;
  limit: number;
  /** Holds whose case the caller works on: their restricted records stay visible (restricted.ts); none by default. */
  visibleHolds?: string[];
  /** newest (default) or oldest first, by (time, conversation_id, message_id). */
  order?: ListOrder;
  /** Keyset position: strictly past (time, conversation_id, message_id) in the order. */
  after?: { time: string; conversationId: string; messageId: string };
}

export interface SearchHit {
  time: string;
  conversation_id: string;
  message_id: string;
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  /** True when there is at least one more hit after the last one returned. */
  more: boolean;
}

const T = "DateTime64(3, 'UTC')";

/** Past the cursor in the search's order; the plain time bound lets partitions and the primary key prune. */
function cursorConditions(s: MessageSearch): string[] {
  const { comparison } = orderSql(s.order);
  return [`time ${comparison}= {after_time:${T}}`, `(time, conversation_id, message_id) ${comparison} ({after_time:${T}}, {after_conversation:String}, {after_message:String})`];
}

/** The page's ORDER BY in the search's order. */
function pageOrder(s: MessageSearch): string {
  const { direction: d } = orderSql(s.order);
  return `ORDER BY time ${d}, conversation_id ${d}, message_id ${d}`;
}


/**
 * Leaves out messages deleted on the platform. The deletions are read from
 * deletions_by_message (ordered by conversation and message): when the search names
 * its conversations, only theirs are read (a primary-key range), not every deletion of
 * the tenant, which grows with the archive (10,000 at 1M messages, 100,000 at 10M).
 */
function notDeletedCondition(s: MessageSearch): string {
  const scope = s.conversation !== undefined ? ' AND conversation_id = {conversation:String}' : s.conversations !== undefined ? ' AND conversation_id IN {del_conversations:Array(String)}' : '';
  return `(conversation_id, message_id) NOT IN (SELECT conversation_id, message_id FROM deletions_by_message WHERE tenant = {tenant:String}${scope})`;
}

/** Conditions on the created version; only fixed clauses, values are parameters. */
function createdConditions(s: MessageSearch, withCursor: boolean, windowed = false, restricted?: Restricted, sliceTo = false): string[] {
  const c = ['tenant = {tenant:String}', "kind = 'created'"];
  if (s.author !== undefined) c.push('author_id = {author:String}');
  if (s.authors !== undefined) c.push('author_id IN {authors:Array(String)}');
  for (const f of s.filters ?? []) c.push(f);
  if (s.conversation !== undefined) c.push('conversation_id = {conversation:String}');
  if (s.conversationType !== undefined) c.push('conversation_type = {conversation_type:String}');
  if (s.thread !== undefined) c.push('(thread_id = {thread:String} OR message_id = {thread:String})');
  if (s.fromTime !== undefined) c.push(`time >= {from:${T}}`);
  if (s.toTime !== undefined) c.push(`time < {to:${T}}`);
  if (s.hasMentions === true) c.push('notEmpty(mentions)');
  if (s.hasMentions === false) c.push('empty(mentions)');
  if (s.mentions !== undefined) c.push('has(mentions, {mentions:String})');
  if (s.hasAttachments === true) c.push('notEmpty(attachments)');
  if (s.hasAttachments === false) c.push('empty(attachments)');
  if (!s.includeDeleted) c.push(notDeletedCondition(s));
  const notRestricted = restricted ? notRestrictedCondition(restricted.keys) : NOT_RESTRICTED_MESSAGE;
  if (notRestricted !== undefined) c.push(notRestricted);
  if (windowed) c.push(`time >= {win_from:${T}}`);
  if (sliceTo) c.push(`time < {win_to:${T}}`);
  if (withCursor && s.after) c.push(...cursorConditions(s));
  return c;
}

/** Restricted messages looked up before a word search (restricted.ts); `keys` undefined: too many, keep the subquery. */
interface Restricted { keys: string[] | undefined }

/** Edits that match the words, looked up first: usually none or few, so the second branch is skipped or bounded. */
export const MAX_EDIT_KEYS = 10_000;

/**
 * The matching created rows (keys only), as one SELECT or a UNION ALL of two
 * branches that may overlap (callers dedupe by key). `editKeys` are the (conversation, message) keys of matching
 * edits when there are at most MAX_EDIT_KEYS of them (passed as parameters and
 * found through the message_id bloom filter); undefined means "too many, use a
 * subquery"; an empty list drops the second branch.
 */
interface Branches {
  /** Created versions that match the words (or all that pass the filters, without words). */
  first: string;
  /** Created versions of messages with a matching edit whose created version does not match: disjoint from `first`. */
  edited?: string;
}

function matchingBranches(s: MessageSearch, withCursor: boolean, editKeys: readonly string[] | undefined, windowed: boolean, cols: string, restricted?: Restricted, sliceTo = false): Branches {
  const base = createdConditions(s, withCursor, windowed, restricted, sliceTo).join(' AND ');
  if (s.text === undefined) return { first: `SELECT ${cols} FROM message_versions WHERE ${base}` };
  const w = s.text;
  const first = `SELECT ${cols} FROM message_versions WHERE ${base} AND ${w}`;
  if (editKeys && editKeys.length === 0) return { first };
  const edited = editKeys
    ? "message_id IN {edit_mids:Array(String)} AND concat(conversation_id, '\\0', message_id) IN {edit_keys:Array(String)}"
    : `concat(conversation_id, '\\0', message_id) IN (
        SELECT concat(conversation_id, '\\0', message_id) FROM message_edit_texts WHERE tenant = {tenant:String} AND ${w})`;
  return { first, edited: `SELECT ${cols} FROM message_versions WHERE ${base} AND ${edited} AND NOT ${w}` };
}

export function matchingSql(s: MessageSearch, withCursor: boolean, editKeys?: readonly string[], windowed = false, restricted?: Restricted, sliceTo = false): string {
  const b = matchingBranches(s, withCursor, editKeys, windowed, 'time, conversation_id, message_id', restricted, sliceTo);
  return b.edited ? `${b.first}\n    UNION ALL\n    ${b.edited}` : b.first;
}

/**
 * Exact total of a word search without reading the keys of every match: the two
 * branches are disjoint and a created version is one row per message (the writer
 * stores each event once), so the total is a sum of counts, which the text index
 * answers almost alone.
 */
async function countWordMatches(store: Store, s: MessageSearch, editKeys: readonly string[] | undefined, params: Record<string, unknown>, restricted: Restricted, cache?: TotalsCache): Promise<number> {
  const b = matchingBranches(s, false, editKeys, false, '1', restricted);
  const sql = b.edited ? `SELECT (SELECT count() FROM (${b.first})) + (SELECT count() FROM (${b.edited})) AS total` : `SELECT count() AS total FROM (${b.first})`;
  const count = async () => {
    const [row] = await store.query<{ total: string }>('messages: word search total', sql, params);
    return Number(row?.total ?? 0);
  };
  return cache ? cache.total(totalKey(sql, params), count) : count();
}

interface EditKeyRow { conversation_id: string; message_id: string }

/**
 * What a word search looks up before it counts, in one query: the keys of messages
 * with an edit that matches the words (undefined when there are too many to list),
 * and the restricted messages to leave out (restricted.ts).
 */
async function wordSearchLookups(store: Store, s: MessageSearch & { text: string }, params: Record<string, unknown>, cache?: TotalsCache): Promise<{ edits: EditKeyRow[] | undefined; restricted: Restricted }> {
  const sql = `
    SELECT 'e' AS src, conversation_id, message_id, '' AS k FROM (
      SELECT DISTINCT conversation_id, message_id FROM message_edit_texts
      WHERE tenant = {tenant:String} AND ${s.text} LIMIT {max_edits:UInt32})
    UNION ALL
    SELECT 'r' AS src, '' AS conversation_id, '' AS message_id, k FROM (${RESTRICTED_KEYS_SQL})`;
  const p = { ...params, max_edits: MAX_EDIT_KEYS + 1, max_restricted: MAX_RESTRICTED_KEYS + 1 };
  const look = async () => {
    const rows = await store.query<{ src: 'e' | 'r'; conversation_id: string; message_id: string; k: string }>('messages: matching edits and restricted keys', sql, p);
    const edits = rows.filter((r) => r.src === 'e');
    const restricted = restrictedKeysFrom(rows.filter((r) => r.src === 'r').map((r) => r.k));
    return { edits: edits.length > MAX_EDIT_KEYS ? undefined : edits, restricted: { keys: restricted } };
  };
  // Keyed like a total (tenant, visible holds, SQL, the values it names): the same words and holds, the same lookups while nothing is written.
  return cache ? cache.remember(`lookups:${totalKey(sql, p)}`, look) : look();
}

export function searchParams(s: MessageSearch): Record<string, unknown> {
  const p: Record<string, unknown> = { ...s.queryParams, tenant: s.tenant, limit: s.limit + 1, visible_holds: s.visibleHolds ?? [] };
  if (s.author !== undefined) p.author = s.author;
  if (s.authors !== undefined) p.authors = s.authors;
  if (s.conversation !== undefined) p.conversation = s.conversation;
  if (s.conversations !== undefined) p.del_conversations = s.conversations;
  if (s.conversationType !== undefined) p.conversation_type = s.conversationType;
  if (s.thread !== undefined) p.thread = s.thread;
  if (s.fromTime !== undefined) p.from = s.fromTime;
  if (s.toTime !== undefined) p.to = s.toTime;
  if (s.mentions !== undefined) p.mentions = s.mentions;
  if (s.after) {
    p.after_time = s.after.time;
    p.after_conversation = s.after.conversationId;
    p.after_message = s.after.messageId;
  }
  return p;
}

/**
 * Author (with at most a time range, and deleted messages in or out) is the only
 * filter: answered from message_author_keys (migrations/0004_search.sql), ordered by
 * (author, time), so a page and its total read only that author's rows.
 */
export function isAuthorOnly(s: MessageSearch): boolean {
  return (s.author !== undefined || s.authors !== undefined) && s.text === undefined && (s.filters ?? []).length === 0 && s.conversation === undefined && s.conversationType === undefined && s.thread === undefined
    && s.hasMentions === undefined && s.mentions === undefined && s.hasAttachments === undefined;
}

function authorKeysSql(s: MessageSearch, withCursor: boolean): string {
  const c = ['tenant = {tenant:String}'];
  if (s.author !== undefined) c.push('author_id = {author:String}');
  if (s.authors !== undefined) c.push('author_id IN {authors:Array(String)}');
  if (s.fromTime !== undefined) c.push(`time >= {from:${T}}`);
  if (s.toTime !== undefined) c.push(`time < {to:${T}}`);
  const range = c.join(' AND ');
  c.push(NOT_RESTRICTED_MESSAGE);
  // Deleted messages: only the deletions of this author's messages in range are read
  // (deletions_by_message by its key), not every deletion of the tenant.
  if (!s.includeDeleted) {
    c.push(`(conversation_id, message_id) NOT IN (SELECT conversation_id, message_id FROM deletions_by_message WHERE tenant = {tenant:String}
      AND (conversation_id, message_id) IN (SELECT conversation_id, message_id FROM message_author_keys WHERE ${range}))`);
  }
  if (withCursor && s.after) c.push(...cursorConditions(s));
  return `SELECT time, conversation_id, message_id FROM message_author_keys WHERE ${c.join(' AND ')}`;
}

async function countMatches(store: Store, matching: string, params: Record<string, unknown>, cache?: TotalsCache): Promise<number> {
  const sql = `SELECT uniqExact(conversation_id, message_id) AS total FROM (${matching})`;
  const count = async () => {
    const [row] = await store.query<{ total: string }>('messages: search total', sql, params);
    return Number(row?.total ?? 0);
  };
  return cache ? cache.total(totalKey(sql, params), count) : count();
}

/** The first newest-first slice of a word search: a month back from the upper bound. */
const FIRST_SLICE_MS = 31 * 86_400_000;
/** Slices read before the rest of the archive is read in one last slice. */
const MAX_SLICES = 6;
/** Up to this many pages of matches, the page is one read of all of them. */
const DIRECT_PAGES = 4;
/** A next slice is sized for this many times the matches still missing, at the rate seen so far. */
const SLICE_MARGIN = 1.5;

/** Epoch ms of a store time (`YYYY-MM-DD hh:mm:ss.sss`, UTC) or an RFC 3339 string. */
function epochMs(t: string): number {
  const iso = t.replace(' ', 'T');
  return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`);
}

/**
 * How far back the next slice reaches: far enough for the matches still missing at
 * the rate of matches per ms seen so far (with a margin), or four times the span read
 * so far when none was seen yet.
 */
export function nextSliceMs(readMs: number, found: number, missing: number): number {
  if (found === 0) return readMs * 4;
  return Math.max(86_400_000, Math.ceil((missing / found) * readMs * SLICE_MARGIN));
}

/**
 * Word searches: the text index gives row sets, not time order, so reading every
 * match to sort it costs as much as the matches are many (and ordering by the
 * primary key with a LIMIT does not stop early here: measured slower). The page is
 * therefore read in disjoint time slices from the newest end (partition and
 * primary-key pruning keep each to the granules of its time span): every match in a
 * slice is newer than every match in the next, so the newest `limit + 1` matches of
 * the slices read in turn are the newest page overall. A slice is sized from the
 * matches seen so far (nextSliceMs), so a rare word reads a few weeks twice rather
 * than the whole archive once (measured at 1M: a 400-match word's page 85-300 ms
 * read at once, 17-50 ms per slice). The exact total is its own query, which reads
 * only the keys of the matches.
 */
async function wordSearchPage(store: Store, s: MessageSearch, params: Record<string, unknown>, editKeys: readonly string[] | undefined, restricted: Restricted, cache?: TotalsCache): Promise<SearchPage> {
  const total = await countWordMatches(store, s, editKeys, params, restricted, cache);
  if (total === 0) return { hits: [], total: 0, more: false };
  const pageOf = (sql: string, p: Record<string, unknown>) => store.query<SearchHit>('messages: word search page', `
      SELECT time, conversation_id, message_id FROM (${sql})
      ${pageOrder(s)}
      LIMIT 1 BY conversation_id, message_id
      LIMIT {limit:UInt32}`, p);
  // Few matches (a few pages), or oldest first (slices grow from the newest end: the archive's start is not known without a query): one read of all.
  // With few matches the first slice holds too few to size the next one well, and a second slice cost more than the one read (a 113-match phrase at 1M: two reads of 54 ms against one of 63).
  if (total <= DIRECT_PAGES * (s.limit + 1) || s.order === 'oldest') {
    const rows = await pageOf(matchingSql(s, true, editKeys, false, restricted), params);
    const more = rows.length > s.limit;
    return { hits: more ? rows.slice(0, s.limit) : rows, total, more };
  }
  const upperText = s.after?.time ?? s.toTime;
  const upper = upperText !== undefined ? epochMs(upperText) + 1 : Date.now() + 86_400_000;
  const lower = s.fromTime !== undefined ? epochMs(s.fromTime) : undefined;
  const rows: SearchHit[] = [];
  let to: number | undefined;
  let span = FIRST_SLICE_MS;
  for (let step = 0; step < MAX_SLICES + 1 && rows.length <= s.limit; step++) {
    const from = (to ?? upper) - span;
    const last = step === MAX_SLICES || (lower !== undefined && from <= lower);
    const p: Record<string, unknown> = { ...params, limit: s.limit + 1 - rows.length };
    if (!last) p.win_from = toStoreTime(from);
    if (to !== undefined) p.win_to = toStoreTime(to);
    // The last slice reads everything older than the slices before it (all, when it is the first).
    const got = await pageOf(matchingSql(s, true, editKeys, !last, restricted, to !== undefined), p);
    rows.push(...got);
    if (last) break;
    const readMs = upper - from;
    to = from;
    span = nextSliceMs(readMs, rows.length, s.limit + 1 - rows.length);
  }
  const more = rows.length > s.limit;
  return { hits: more ? rows.slice(0, s.limit) : rows, total, more };
}

/** `cache`: exact totals kept while the archive is unchanged (totals-cache.ts); without it every total is counted. */
export async function searchMessages(store: Store, s: MessageSearch, cache?: TotalsCache): Promise<SearchPage> {
  const params = searchParams(s);
  let pageSql: (withCursor: boolean) => string;
  if (isAuthorOnly(s)) {
    pageSql = (withCursor) => authorKeysSql(s, withCursor);
  } else if (s.text === undefined) {
    pageSql = (withCursor) => matchingSql(s, withCursor, []);
  } else {
    const { edits, restricted } = await wordSearchLookups(store, { ...s, text: s.text }, params, cache);
    const keys = edits?.map((e) => `${e.conversation_id}\u0000${e.message_id}`);
    if (edits && edits.length > 0) {
      params.edit_keys = keys;
      params.edit_mids = [...new Set(edits.map((e) => e.message_id))];
    }
    if (restricted.keys && restricted.keys.length > 0) params.restricted_keys = restricted.keys;
    return wordSearchPage(store, s, params, keys, restricted, cache);
  }
  const hits = await store.query<SearchHit>('messages: search page', `
    SELECT time, conversation_id, message_id FROM (${pageSql(true)})
    ${pageOrder(s)}
    LIMIT 1 BY conversation_id, message_id
    LIMIT {limit:UInt32}`, params);
  const more = hits.length > s.limit;
  // A first page that is not full holds every match: its length is the exact total.
  const total = !s.after && !more ? hits.length : await countMatches(store, pageSql(false), params, cache);
  return { hits: more ? hits.slice(0, s.limit) : hits, total, more };
}
