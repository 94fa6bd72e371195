/**
 * The topic tables (migrations/0015_topics.sql): the last run, the exclusions, and
 * the writes of a run. Values reach SQL only as parameters.
 */
import type { Store } from '../../common/store/store.js';
import { fromStoreTime, toStoreTime } from '../../common/events/time.js';
import { ANALYZER, ANALYZER_VERSION, type Analyzer, type MessageAnalysis } from './analyze.js';

/** `cellsTimeZone`: the tenant's zone when the run built the cells (their local days). */
export interface LastRun { runSeq: number; watermark: string; startedAt: string; cellsTimeZone: string }

export async function readLastRun(store: Store, tenant: string): Promise<LastRun | undefined> {
  const rows = await store.query<{ run_seq: string; watermark: string; started_at: string; cells_time_zone: string }>('topics: last run', `
    SELECT toString(run_seq) AS run_seq, toString(watermark) AS watermark, toString(started_at) AS started_at, cells_time_zone
    FROM topic_runs WHERE tenant = {tenant:String} ORDER BY run_seq DESC LIMIT 1`, { tenant });
  const r = rows[0];
  return r ? { runSeq: Number(r.run_seq), watermark: r.watermark, startedAt: r.started_at, cellsTimeZone: r.cells_time_zone } : undefined;
}

export interface Exclusion { conversation_id: string; excluded: boolean; reason: string; note: string; changed_by: string; changed_at: string }

/** An exclusion as the API and the CLI show it: `changed_at` in RFC 3339 like every other time they answer (the store's text stays for comparisons in the run). */
export function shownExclusion(e: Exclusion): Exclusion {
  return { ...e, changed_at: fromStoreTime(e.changed_at) };
}

export async function readExclusions(store: Store, tenant: string): Promise<Exclusion[]> {
  const rows = await store.query<Omit<Exclusion, 'excluded'> & { excluded: number | string }>('topics: exclusions', `
    SELECT conversation_id, excluded, reason, note, changed_by, toString(changed_at) AS changed_at
    FROM topic_exclusions FINAL WHERE tenant = {tenant:String} ORDER BY conversation_id`, { tenant });
  return rows.map((r) => ({ ...r, excluded: Number(r.excluded) === 1 }));
}

export type ExclusionReason = 'objection' | 'policy';

export async function writeExclusion(store: Store, tenant: string, e: { conversationId: string; excluded: boolean; reason: ExclusionReason; note: string; changedBy: string }): Promise<Exclusion> {
  // One millisecond after the newest change at least, so two changes in the same millisecond keep their order.
  const prev = await store.query<{ t: string }>('topics: exclusion time', `
    SELECT toString(greatest(now64(3), ifNull(max(changed_at) + toIntervalMillisecond(1), now64(3)))) AS t
    FROM topic_exclusions WHERE tenant = {tenant:String} AND conversation_id = {id:String}`, { tenant, id: e.conversationId });
  const row = { tenant, conversation_id: e.conversationId, excluded: e.excluded ? 1 : 0, reason: e.reason, note: e.note, changed_by: e.changedBy, changed_at: prev[0]!.t };
  await store.insert('topics: write exclusion', 'topic_exclusions', [row]);
  return { conversation_id: row.conversation_id, excluded: e.excluded, reason: e.reason, note: e.note, changed_by: e.changedBy, changed_at: row.changed_at };
}

export const TOPIC_COLUMNS = ['tenant', 'conversation_id', 'message_id', 'conversation_type', 'thread_id', 'author_id', 'time', 'language', 'terms', 'forms', 'phrases', 'phrase_forms', 'is_question', 'sentiment', 'analyzer', 'analyzer_version', 'run_seq', 'deleted'] as const;

export interface SourceMessage { conversation_id: string; message_id: string; conversation_type: string; thread_id: string; author_id: string; time: string; text: string }

export function topicRow(tenant: string, m: SourceMessage, a: MessageAnalysis, runSeq: number): unknown[] {
  return [tenant, m.conversation_id, m.message_id, m.conversation_type, m.thread_id, m.author_id, m.time, a.language, a.terms, a.forms, a.phrases, a.phraseForms, a.isQuestion ? 1 : 0, a.sentiment, ANALYZER, ANALYZER_VERSION, runSeq, 0];
}

/** The messages' topic_messages rows as JSONCompactEachRow lines (no trailing newline), in their order: what a run writes, in this thread or a worker's. */
export function topicLines(tenant: string, runSeq: number, messages: readonly SourceMessage[], analyze: Analyzer): string {
  return messages.map((m) => JSON.stringify(topicRow(tenant, m, analyze(m.text), runSeq))).join('\n');
}

export async function recordRun(store: Store, tenant: string, r: { runSeq: number; startedAt: number; watermark: string; full: boolean; messages: number; deletions: number; cellsTimeZone: string }): Promise<void> {
  await store.insert('topics: record run', 'topic_runs', [{
    tenant, run_seq: r.runSeq, started_at: toStoreTime(r.startedAt), finished_at: toStoreTime(Date.now()), watermark: r.watermark,
    full: r.full ? 1 : 0, messages: r.messages, deletions: r.deletions, analyzer: ANALYZER, analyzer_version: ANALYZER_VERSION, cells_time_zone: r.cellsTimeZone,
  }]);
}
