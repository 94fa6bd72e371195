/**
 * Reads an export set from the store in batches of conversations (about
 * BATCH_MESSAGES messages each, keyed by conversation id, never OFFSET), each batch
 * one page in (conversation, time, message) order, as of a fixed time; a conversation
 * bigger than a batch is read alone in keyset pages. Memory holds a batch or two (the
 * next one is read while this one is written) and the context windows, whatever the
 * size of the export. Batching matters: a query costs milliseconds whatever it
 * reads, and an archive may hold many small conversations.
 *
 * A message is a hit when it is in the time range and matches every filter given
 * (custodian as author, or any message of a custodian's conversation with
 * `whole_conversations`; all words in one of its versions). Messages within the
 * context window of a hit (N messages and/or a duration before and after, in the
 * same conversation) come with it, marked `context`.
 */
import type { Store } from '../../common/store/store.js';
import { fromStoreTime, toStoreTime } from '../../common/events/time.js';
import { exactTokensCondition, exactTokensParams, tokenize } from '../../common/queries/tokens.js';
import { NOT_RESTRICTED_MESSAGE } from '../../common/queries/restricted.js';
import type { ExportMessage } from './export-record.js';
import { durationMs, type ExportParams } from './export-params.js';
import { messageKey } from '../../common/queries/message-rows.js';
import { assembleMessage, distinctEvents, groupBy, type DeletionRow, type PageRows, type ReactionRow, type VersionRow } from './export-rows.js';

const T = "DateTime64(3, 'UTC')";
const PAGE_SIZE = 5000;
/** Conversations are read together until their messages reach this. */
export const BATCH_MESSAGES = 25_000;
const VERSION_COLUMNS = 'event_id, time, kind, conversation_id, message_id, conversation_type, thread_id, author_id, text, mentions, attachments, source, origin';

export interface SetConversation {
  conversation_id: string;
  conversation_type: string;
  /** Created messages of the conversation as of the set's time (an upper bound of what the set reads). */
  messages: number;
}

export interface ExportSetReader {
  /** The conversations the set reads, in id order. */
  conversations(): Promise<SetConversation[]>;
  /** The messages of a batch of conversations (in id order), by conversation, then time. */
  messages(batch: readonly SetConversation[]): AsyncGenerator<ExportMessage>;
}

/** Consecutive conversations grouped until their messages reach `limit`; a bigger one is a batch of its own. */
export function batchConversations(cs: readonly SetConversation[], limit = BATCH_MESSAGES): SetConversation[][] {
  const batches: SetConversation[][] = [];
  let current: SetConversation[] = [];
  let n = 0;
  for (const c of cs) {
    if (current.length > 0 && n + c.messages > limit) {
      batches.push(current);
      current = [];
      n = 0;
    }
    current.push(c);
    n += c.messages;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export function createExportSetReader(store: Store, tenant: string, p: ExportParams, asOf: string, o: { pageSize?: number; batchMessages?: number } = {}): ExportSetReader {
  const PAGE = o.pageSize ?? PAGE_SIZE;
  const batchLimit = o.batchMessages ?? BATCH_MESSAGES;
  const base = { tenant, as_of: toStoreTime(Date.parse(asOf)) };
  const tokens = p.q ? [...new Set(tokenize(p.q))] : [];
  const fromMs = p.from ? Date.parse(p.from) : -Infinity;
  const toMs = p.to ? Date.parse(p.to) : Infinity;
  const ctxN = p.context.messages;
  const ctxMs = p.context.duration ? durationMs(p.context.duration) : 0;
  const custodians = new Set(p.custodians);

  function conversationFilter(): { sql: string[]; params: Record<string, unknown> } {
    const sql = ['tenant = {tenant:String}', "kind = 'created'", `ingested_at <= {as_of:${T}}`];
    const params: Record<string, unknown> = { ...base };
    if (p.from) (sql.push(`time >= {from:${T}}`), (params.from = toStoreTime(fromMs)));
    if (p.to) (sql.push(`time < {to:${T}}`), (params.to = toStoreTime(toMs)));
    if (custodians.size) (sql.push('author_id IN {custodians:Array(String)}'), (params.custodians = [...custodians]));
    if (p.conversations.length) (sql.push('conversation_id IN {conversations:Array(String)}'), (params.conversations = p.conversations));
    if (p.conversation_types.length) (sql.push('conversation_type IN {types:Array(String)}'), (params.types = p.conversation_types));
    if (tokens.length) {
      // Words may match an edit only: any version of the conversation's messages counts.
      const t = exactTokensParams('tokens', tokens);
      sql.push(`conversation_id IN (SELECT conversation_id FROM message_versions WHERE tenant = {tenant:String} AND ${exactTokensCondition('tokens', t.foldedCount)} AND ingested_at <= {as_of:${T}}${p.from ? ` AND time >= {from:${T}}` : ''})`);
      Object.assign(params, t.params);
    }
    return { sql, params };
  }

  function isHit(m: ExportMessage): boolean {
    const t = Date.parse(m.time);
    if (t < fromMs || t >= toMs) return false;
    if (custodians.size && !p.whole_conversations && !custodians.has(m.author_id)) return false;
    if (tokens.length) {
      const matches = m.versions.some((v) => {
        const words = new Set(tokenize(v.text));
        return tokens.every((w) => words.has(w));
      });
      if (!matches) return false;
    }
    return true;
  }

  /**
   * Edits, deletions, reactions and thread positions, each read through a view
   * ordered by message (migrations 0004, 0007). For a batch of conversations they are
   * read once for the whole batch by `conversation_id IN (...)` (ranges of the views'
   * keys, a short parameter); a conversation too big for one batch is read page by
   * page by message keys, so memory stays bounded. (Arrays of thousands of keys as a
   * parameter cost several microseconds a key to parse: 40-55 ms a page.)
   */
  async function relatedRows(scope: { conversations: readonly string[]; lo: string } | { page: VersionRow[] }): Promise<PageRows> {
    let where: string;
    let threadWhere: string;
    let params: Record<string, unknown>;
    if ('page' in scope) {
      const created = scope.page;
      params = {
        ...base,
        cs: [...new Set(created.map((c) => c.conversation_id))],
        ids: [...new Set(created.map((c) => c.message_id))],
        keys: created.map((c) => messageKey(c.conversation_id, c.message_id)),
        tids: [...new Set([...created.map((c) => c.message_id), ...created.map((c) => c.thread_id).filter(Boolean)])],
        tkeys: [...new Set([...created.map((c) => messageKey(c.conversation_id, c.message_id)), ...created.filter((c) => c.thread_id).map((c) => messageKey(c.conversation_id, c.thread_id))])],
        lo: created[0]!.time,
      };
      // The IN lists narrow by the views' keys; the concatenated key makes it exact (ids are unique only per conversation).
      where = "conversation_id IN {cs:Array(String)} AND message_id IN {ids:Array(String)} AND concat(conversation_id, '\\0', message_id) IN {keys:Array(String)}";
      threadWhere = "conversation_id IN {cs:Array(String)} AND thread_id IN {tids:Array(String)} AND concat(conversation_id, '\\0', thread_id) IN {tkeys:Array(String)}";
    } else {
      params = { ...base, cs: [...scope.conversations], lo: scope.lo };
      where = 'conversation_id IN {cs:Array(String)}';
      threadWhere = where;
    }
    const asOfCond = `ingested_at <= {as_of:${T}}`;
    const [deletions, reactions, threads] = await Promise.all([
      store.query<DeletionRow>('export: deletions', `SELECT event_id, time, conversation_id, message_id, deleted_by, origin FROM deletions_by_message WHERE tenant = {tenant:String} AND ${where} AND ${asOfCond}`, params),
      store.query<ReactionRow>('export: reactions', `SELECT event_id, time, conversation_id, message_id, action, user_id, emoji, origin FROM reactions_by_message WHERE tenant = {tenant:String} AND ${where} AND ${asOfCond}`, params),
      store.query<{ conversation_id: string; thread_id: string; message_id: string }>('export: threads', `
        SELECT conversation_id, thread_id, message_id FROM replies_by_thread
        WHERE tenant = {tenant:String} AND ${threadWhere} AND ${asOfCond}
        ORDER BY conversation_id, thread_id, time, message_id LIMIT 1 BY conversation_id, thread_id, message_id`, params),
    ]);
    // Edits are never older than their message: bounded below by the first created time.
    const edits = await store.query<VersionRow>('export: edits', `
      SELECT ${VERSION_COLUMNS} FROM message_versions
      WHERE tenant = {tenant:String} AND time >= {lo:${T}} AND kind = 'edited' AND ${where} AND ${asOfCond}`, params);
    const key = (r: { conversation_id: string; message_id: string }) => messageKey(r.conversation_id, r.message_id);
    const threadPositions = new Map<string, number>();
    for (const [, replies] of groupBy(threads, (r) => messageKey(r.conversation_id, r.thread_id))) replies.forEach((r, i) => threadPositions.set(key(r), i + 1));
    return {
      edits: groupBy(distinctEvents(edits), key),
      deletions: groupBy(distinctEvents(deletions), key),
      reactions: groupBy(distinctEvents(reactions), key),
      threadPositions,
      roots: new Set(threads.map((r) => messageKey(r.conversation_id, r.thread_id))),
    };
  }

  /**
   * Created versions of one conversation bigger than a batch, from `lo` on, in time
   * order in keyset pages: one conversation is in (conversation, time, message) order
   * already, so it streams page by page however big it is.
   */
  async function* createdInTimeOrder(ids: readonly string[], lo: string, hi: string | undefined): AsyncGenerator<VersionRow[]> {
    let at = lo;
    let aid = '';
    for (;;) {
      const rows = await store.query<VersionRow>('export: page', `
        SELECT ${VERSION_COLUMNS} FROM message_versions
        WHERE tenant = {tenant:String} AND conversation_id IN {cs:Array(String)} AND kind = 'created' AND ingested_at <= {as_of:${T}}
          AND time >= {lo:${T}}${hi ? ` AND time < {hi:${T}}` : ''} AND (time, message_id) > ({at:${T}}, {aid:String})
          AND ${NOT_RESTRICTED_MESSAGE}
        ORDER BY time, message_id, event_id LIMIT 1 BY conversation_id, message_id LIMIT {n:UInt32}`,
        { ...base, cs: [...ids], lo, ...(hi ? { hi } : {}), at, aid, n: PAGE, visible_holds: p.holds });
      if (rows.length > 0) yield rows;
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1]!;
      at = last.time;
      aid = last.message_id;
    }
  }

  /**
   * Created versions of a batch of conversations from `lo` on, as one page in
   * (conversation, time, message) order, sorted by the engine (UTF-8 byte order, as
   * the files want it). A batch is bounded (BATCH_MESSAGES), so one page is too. One
   * query a batch, not keyset pages of a few thousand rows: the table is ordered by
   * time, so every page cost a scan of the batch's range whatever its size (measured:
   * ~200 ms a page of 5,000, against ~500 ms for the whole 50,000-message batch), and
   * the engine sorts by conversation for nothing where JavaScript paid for it.
   */
  async function createdInConversationOrder(ids: readonly string[], lo: string, hi: string | undefined): Promise<VersionRow[]> {
    return store.query<VersionRow>('export: batch', `
      SELECT ${VERSION_COLUMNS} FROM message_versions
      WHERE tenant = {tenant:String} AND conversation_id IN {cs:Array(String)} AND kind = 'created' AND ingested_at <= {as_of:${T}}
        AND time >= {lo:${T}}${hi ? ` AND time < {hi:${T}}` : ''}
        AND ${NOT_RESTRICTED_MESSAGE}
      ORDER BY conversation_id, time, message_id, event_id LIMIT 1 BY conversation_id, message_id`,
      { ...base, cs: [...ids], lo, ...(hi ? { hi } : {}), visible_holds: p.holds });
  }

  const assemble = (rows: readonly VersionRow[], related: PageRows) => rows.map((r) => assembleMessage(tenant, r, related, { includeEdits: p.include_edits, context: false }));

  /** Pages of a batch; for a batch that is not one big conversation, the one page and its lookups are read by `load` (started early, so reading overlaps writing). */
  async function* pages(batch: readonly SetConversation[], lo: string, hi: string | undefined, loaded: Promise<BatchRows> | undefined): AsyncGenerator<ExportMessage[]> {
    if (!loaded) {
      // One conversation bigger than a batch: page by page, each with its own lookups.
      for await (const rows of createdInTimeOrder(batch.map((c) => c.conversation_id), lo, hi)) yield assemble(rows, await relatedRows({ page: rows }));
      return;
    }
    const { rows, related } = await loaded;
    // Taken off the front as they are assembled, so the batch's rows are released while it is written.
    while (rows.length > 0) yield assemble(rows.splice(0, PAGE), related);
  }

  interface BatchRows { rows: VersionRow[]; related: PageRows }

  async function loadBatch(ids: readonly string[], lo: string, hi: string | undefined): Promise<BatchRows> {
    const rows = await createdInConversationOrder(ids, lo, hi);
    if (rows.length === 0) return { rows, related: { edits: new Map(), deletions: new Map(), reactions: new Map(), threadPositions: new Map(), roots: new Set() } };
    let first = rows[0]!.time;
    for (const r of rows) if (r.time < first) first = r.time;
    return { rows, related: await relatedRows({ conversations: ids, lo: first }) };
  }

  /** Where reading a conversation starts: the range's start, moved back by the context window. */
  async function startsOf(ids: readonly string[]): Promise<Map<string, number>> {
    const starts = new Map(ids.map((c) => [c, fromMs - ctxMs]));
    if (!p.from || ctxN === 0) return starts;
    const before = await store.query<{ conversation_id: string; time: string }>('export: context before the range', `
      SELECT conversation_id, time FROM message_versions
      WHERE tenant = {tenant:String} AND conversation_id IN {cs:Array(String)} AND kind = 'created' AND ingested_at <= {as_of:${T}} AND time < {from:${T}}
      ORDER BY conversation_id, time DESC, message_id DESC LIMIT {n:UInt32} BY conversation_id`, { ...base, cs: [...ids], from: toStoreTime(fromMs), n: ctxN });
    for (const r of before) starts.set(r.conversation_id, Math.min(starts.get(r.conversation_id)!, Date.parse(fromStoreTime(r.time))));
    return starts;
  }

  /** Starts reading a batch: where each conversation starts, then (unless it is one big conversation) its page and lookups. */
  function startBatch(batch: readonly SetConversation[]): Promise<{ starts: Map<string, number>; lo: string; hi: string | undefined; loaded: Promise<BatchRows> | undefined }> {
    const read = (async () => {
      const ids = batch.map((c) => c.conversation_id);
      const starts = await startsOf(ids);
      const loMs = Math.min(...starts.values());
      const lo = Number.isFinite(loMs) ? toStoreTime(loMs) : '1970-01-01 00:00:00.000';
      // Without a message-count window nothing after `to` plus the duration can be in the set.
      const hi = p.to && ctxN === 0 ? toStoreTime(toMs + ctxMs + 1) : undefined;
      const big = batch.length === 1 && batch[0]!.messages > batchLimit;
      const loaded = big ? undefined : loadBatch(ids, lo, hi);
      // Awaited by window(); a failure before then must not be an unhandled rejection.
      loaded?.catch(() => undefined);
      return { starts, lo, hi, loaded };
    })();
    read.catch(() => undefined);
    return read;
  }

  async function* window(batch: readonly SetConversation[], read: ReturnType<typeof startBatch>): AsyncGenerator<ExportMessage> {
    if (batch.length === 0) return;
    const { starts, lo, hi, loaded } = await read;
    const windows = new Map<string, ContextWindow>();
    const done = new Set<string>();
    for await (const page of pages(batch, lo, hi, loaded)) {
      for (const m of page) {
        const c = m.conversation_id;
        const t = Date.parse(m.time);
        if (done.has(c) || t < starts.get(c)! || (m.deletion && !p.include_deleted)) continue;
        let window = windows.get(c);
        if (!window) windows.set(c, (window = new ContextWindow(ctxN, ctxMs)));
        yield* window.offer(m, isHit(m), t);
        if (t >= toMs && window.idle(t)) {
          done.add(c);
          windows.delete(c);
        }
      }
    }
  }

  return {
    async conversations() {
      const f = conversationFilter();
      // The aggregate is named apart from the column: ClickHouse would read an alias of the same name in WHERE.
      const rows = await store.query<{ conversation_id: string; type_seen: string; n: string }>('export: conversations', `
        SELECT conversation_id, any(conversation_type) AS type_seen, count() AS n FROM message_versions
        WHERE ${f.sql.join(' AND ')} GROUP BY conversation_id ORDER BY conversation_id`, f.params);
      return rows.map((r) => ({ conversation_id: r.conversation_id, conversation_type: r.type_seen, messages: Number(r.n) }));
    },
    messages(batch) {
      if (batch.length === 0) return window(batch, Promise.resolve({ starts: new Map(), lo: '', hi: undefined, loaded: undefined }));
      // Reading starts now, not at the first next(): the caller asks for the next batch while it writes this one.
      const read = startBatch(batch);
      return window(batch, read);
    },
  };
}

/**
 * The context window of one conversation, streamed: messages that are not hits
 * wait in a bounded buffer until a hit claims them as "before" context or they
 * fall out of the window; after a hit the next N messages (or those within the
 * duration) are "after" context.
 */
class ContextWindow {
  private buffer: Array<{ m: ExportMessage; t: number }> = [];
  private afterLeft = 0;
  private afterUntil = -Infinity;

  constructor(private readonly n: number, private readonly ms: number) {}

  *offer(m: ExportMessage, hit: boolean, t: number): Generator<ExportMessage> {
    if (hit) {
      const startMs = t - this.ms;
      this.buffer.forEach((b, i) => {
        if (i >= this.buffer.length - this.n || (this.ms > 0 && b.t >= startMs)) b.m.context = true;
      });
      for (const b of this.buffer) if (b.m.context) yield b.m;
      this.buffer = [];
      yield m;
      this.afterLeft = this.n;
      this.afterUntil = this.ms > 0 ? t + this.ms : -Infinity;
      return;
    }
    if (this.afterLeft > 0 || t <= this.afterUntil) {
      this.afterLeft = Math.max(0, this.afterLeft - 1);
      m.context = true;
      yield m;
      return;
    }
    if (this.n === 0 && this.ms === 0) return;
    this.buffer.push({ m, t });
    const keepFrom = t - this.ms;
    this.buffer = this.buffer.filter((b, i) => i >= this.buffer.length - this.n || (this.ms > 0 && b.t >= keepFrom));
  }

  /** No hit can come any more and no "after" context is pending. */
  idle(t: number): boolean {
    return this.afterLeft === 0 && t > this.afterUntil;
  }
}
