/**
 * Reads an export set from the store, one conversation at a time, in time order,
 * in keyset pages (never OFFSET), as of a fixed time: memory holds one page and the
 * context window, whatever the size of the export.
 *
 * A message is a hit when it is in the time range and matches every filter given
 * (custodian as author, or any message of a custodian's conversation with
 * `whole_conversations`; all words in one of its versions). Messages within the
 * context window of a hit (N messages and/or a duration before and after, in the
 * same conversation) come with it, marked `context`.
 */
import type { Store } from '../../common/store/store.js';
import { fromStoreTime, toStoreTime } from '../../common/events/time.js';
import { tokenize } from '../../common/queries/tokens.js';
import type { ExportMessage } from './export-record.js';
import { durationMs, type ExportParams } from './export-params.js';
import { assembleMessage, distinctEvents, groupBy, type DeletionRow, type PageRows, type ReactionRow, type VersionRow } from './export-rows.js';

const T = "DateTime64(3, 'UTC')";
const PAGE = 5000;
const VERSION_COLUMNS = 'event_id, time, kind, conversation_id, message_id, conversation_type, thread_id, author_id, text, mentions, attachments, source, origin';

export interface ExportSetReader {
  /** The conversations the set reads, in id order, with the type their messages carry. */
  conversations(): Promise<Array<{ conversation_id: string; conversation_type: string }>>;
  /** Upper bound of the messages the set reads (for progress). */
  estimate(conversations: readonly string[]): Promise<number>;
  messages(conversationId: string): AsyncGenerator<ExportMessage>;
}

export function createExportSetReader(store: Store, tenant: string, p: ExportParams, asOf: string): ExportSetReader {
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
      sql.push(`conversation_id IN (SELECT conversation_id FROM message_versions WHERE tenant = {tenant:String} AND hasAllTokens(text, {tokens:Array(String)}) AND ingested_at <= {as_of:${T}}${p.from ? ` AND time >= {from:${T}}` : ''})`);
      params.tokens = tokens;
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
   * Edits, deletions, reactions and thread positions of one page, each read through
   * a view ordered by message (migrations 0004, 0006): the cost follows the page,
   * not the size of the archive after it.
   */
  async function pageRows(conversationId: string, created: VersionRow[]): Promise<PageRows> {
    const ids = created.map((c) => c.message_id);
    const params: Record<string, unknown> = { ...base, c: conversationId, ids, threads: [...new Set([...ids, ...created.map((c) => c.thread_id).filter(Boolean)])] };
    const byMessage = `tenant = {tenant:String} AND conversation_id = {c:String} AND message_id IN {ids:Array(String)} AND ingested_at <= {as_of:${T}}`;
    const [editTimes, deletions, reactions, threads] = await Promise.all([
      store.query<{ time: string }>('export: edit times', 'SELECT DISTINCT time FROM message_edit_keys WHERE tenant = {tenant:String} AND message_id IN {ids:Array(String)} AND conversation_id = {c:String}', params),
      store.query<DeletionRow>('export: deletions', `SELECT event_id, time, message_id, deleted_by, origin FROM deletions_by_message WHERE ${byMessage}`, params),
      store.query<ReactionRow>('export: reactions', `SELECT event_id, time, message_id, action, user_id, emoji, origin FROM reactions_by_message WHERE ${byMessage}`, params),
      store.query<{ thread_id: string; message_id: string }>('export: threads', `
        SELECT thread_id, message_id FROM replies_by_thread
        WHERE tenant = {tenant:String} AND conversation_id = {c:String} AND thread_id IN {threads:Array(String)} AND ingested_at <= {as_of:${T}}
        ORDER BY thread_id, time, message_id LIMIT 1 BY thread_id, message_id`, params),
    ]);
    // Edit rows by their exact times: primary-key lookups in message_versions.
    const edits = editTimes.length === 0 ? [] : await store.query<VersionRow>('export: edits', `
      SELECT ${VERSION_COLUMNS} FROM message_versions
      WHERE tenant = {tenant:String} AND time IN {times:Array(${T})} AND kind = 'edited' AND conversation_id = {c:String} AND message_id IN {ids:Array(String)} AND ingested_at <= {as_of:${T}}`,
      { ...params, times: editTimes.map((e) => e.time) });
    const threadPositions = new Map<string, number>();
    for (const [, replies] of groupBy(threads, (r) => r.thread_id)) replies.forEach((r, i) => threadPositions.set(r.message_id, i + 1));
    return {
      edits: groupBy(distinctEvents(edits), (r) => r.message_id),
      deletions: groupBy(distinctEvents(deletions), (r) => r.message_id),
      reactions: groupBy(distinctEvents(reactions), (r) => r.message_id),
      threadPositions,
      roots: new Set(threads.map((r) => r.thread_id)),
    };
  }

  /** Created versions from `lo` on, in (time, message_id) order, a page at a time. */
  async function* pages(conversationId: string, lo: string): AsyncGenerator<ExportMessage[]> {
    let at = lo;
    let aid = '';
    for (;;) {
      const rows = await store.query<VersionRow>('export: page', `
        SELECT ${VERSION_COLUMNS} FROM message_versions
        WHERE tenant = {tenant:String} AND conversation_id = {c:String} AND kind = 'created' AND ingested_at <= {as_of:${T}}
          AND (time, message_id) > ({at:${T}}, {aid:String})
        ORDER BY time, message_id, event_id LIMIT 1 BY message_id LIMIT {n:UInt32}`, { ...base, c: conversationId, at, aid, n: PAGE });
      if (rows.length === 0) return;
      const related = await pageRows(conversationId, rows);
      yield rows.map((r) => assembleMessage(tenant, r, related, { includeEdits: p.include_edits, context: false }));
      const last = rows[rows.length - 1]!;
      if (rows.length < PAGE) return;
      at = last.time;
      aid = last.message_id;
    }
  }

  /** Where reading a conversation starts: the range's start, moved back by the context window. */
  async function startOf(conversationId: string): Promise<string> {
    if (!p.from) return '1970-01-01 00:00:00.000';
    let lo = fromMs - ctxMs;
    if (ctxN > 0) {
      const before = await store.query<{ time: string }>('export: context before the range', `
        SELECT time FROM message_versions
        WHERE tenant = {tenant:String} AND conversation_id = {c:String} AND kind = 'created' AND ingested_at <= {as_of:${T}} AND time < {from:${T}}
        ORDER BY time DESC, message_id DESC LIMIT {n:UInt32}`, { ...base, c: conversationId, from: toStoreTime(fromMs), n: ctxN });
      const oldest = before[before.length - 1];
      if (oldest) lo = Math.min(lo, Date.parse(fromStoreTime(oldest.time)));
    }
    // The keyset is exclusive of its position: start one millisecond earlier.
    return toStoreTime(lo - 1);
  }

  return {
    async conversations() {
      const f = conversationFilter();
      // The aggregate is named apart from the column: ClickHouse would read an alias of the same name in WHERE.
      const rows = await store.query<{ conversation_id: string; type_seen: string }>('export: conversations', `
        SELECT conversation_id, any(conversation_type) AS type_seen FROM message_versions
        WHERE ${f.sql.join(' AND ')} GROUP BY conversation_id ORDER BY conversation_id`, f.params);
      return rows.map((r) => ({ conversation_id: r.conversation_id, conversation_type: r.type_seen }));
    },
    async estimate(conversations) {
      if (conversations.length === 0) return 0;
      const [row] = await store.query<{ n: string }>('export: estimate', `
        SELECT count() AS n FROM message_versions
        WHERE tenant = {tenant:String} AND kind = 'created' AND ingested_at <= {as_of:${T}} AND conversation_id IN {cs:Array(String)}`, { ...base, cs: [...conversations] });
      return Number(row?.n ?? 0);
    },
    async *messages(conversationId) {
      const window = new ContextWindow(ctxN, ctxMs);
      for await (const page of pages(conversationId, await startOf(conversationId))) {
        for (const m of page) {
          if (m.deletion && !p.include_deleted) continue;
          const t = Date.parse(m.time);
          yield* window.offer(m, isHit(m), t);
          if (t >= toMs && window.idle(t)) return;
        }
      }
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
