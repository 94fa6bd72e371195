/**
 * A small archive at known ages for retention tests: every record says, beside its
 * event, whether the test policy (TEST_POLICY) and hold (custodian U-held) remove it
 * and why, so expectations are counted from the generator, not from output.
 * Distinctive random tokens (base62, 24 characters) mark the text that must go and
 * the text that must stay, for the check on the store's files.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../../../common/store/store.js';
import { validateEvent } from '../../../common/events/validate.js';
import { toRow } from '../../../common/events/rows.js';

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const token = (prefix: string) => prefix + [...randomBytes(24)].map((b) => B62[b % 62]).join('');

/** The test policy: messages 90 days, DMs 30, C-explicit a year, C-keep kept 10 years; calls and apps 30 days; audit a year; admin events no rule. */
export const TEST_POLICY = {
  default: { messages: { delete_after: 'P90D' }, calls: { delete_after: 'P30D' }, app_invocations: { delete_after: 'P30D' }, audit: { delete_after: 'P1Y' } },
  rules: [
    { match: { conversation_type: 'dm' }, messages: { delete_after: 'P30D' } },
    { match: { conversation_id: 'C-explicit' }, messages: { delete_after: 'P1Y' } },
    { match: { conversation_id: 'C-keep' }, messages: { keep_at_least: 'P10Y' } },
  ],
};

export type Fate = 'gone' | 'kept' | 'held';

export interface AgedRecord {
  tenant: string;
  table: string;
  /** message_id or call_id or app event id. */
  key: string;
  conversation: string;
  ageDays: number;
  fate: Fate;
  why: string;
  event: Record<string, unknown>;
}

export interface AgedArchive {
  records: AgedRecord[];
  /** Only in removed messages (partition path / row path), only in the held message, only in a kept one. */
  strings: { gonePartition: string; goneRows: string; held: string; kept: string };
  now: number;
}

export function agedArchive(now = Date.now()): AgedArchive {
  const strings = { gonePartition: token('GP'), goneRows: token('GR'), held: token('HD'), kept: token('KP') };
  const records: AgedRecord[] = [];
  let n = 0;
  const at = (days: number, plusMs = 0) => new Date(now - days * 86_400_000 + plusMs).toISOString();
  const add = (tenant: string, type: string, table: string, key: string, conversation: string, ageDays: number, fate: Fate, why: string, data: Record<string, unknown>, plusMs = 0) => {
    n += 1;
    records.push({ tenant, table, key, conversation, ageDays, fate, why, event: { specversion: '1.0', id: `evt-${tenant}-${n}`, source: 'test://aged', type, time: at(ageDays, plusMs), tenant, data } });
  };
  const message = (tenant: string, id: string, conv: string, type: string, age: number, fate: Fate, why: string, text: string, author = 'U1', extras: { edit?: boolean; reaction?: boolean; deletion?: boolean; reply?: string } = {}) => {
    add(tenant, 'message.created', 'message_versions', id, conv, age, fate, why, { message_id: id, conversation_id: conv, conversation_type: type, author_id: author, text, ...(extras.reply ? { thread_id: extras.reply } : {}) });
    if (extras.edit) add(tenant, 'message.edited', 'message_versions', id, conv, age, fate, why, { message_id: id, conversation_id: conv, editor_id: author, text: `${text} (edited)` }, 60_000);
    if (extras.reaction) add(tenant, 'reaction.added', 'reactions', id, conv, age, fate, why, { message_id: id, conversation_id: conv, user_id: 'U2', emoji: 'tada' }, 120_000);
    if (extras.deletion) add(tenant, 'message.deleted', 'message_deletions', id, conv, age, fate, why, { message_id: id, conversation_id: conv, deleted_by: 'U9' }, 180_000);
  };
  // A month two years back that holds only acme's expired, unheld records: the partition path.
  message('acme', 'm-old-1', 'C-chan', 'channel', 730, 'gone', 'default P90D, alone in its month: partition dropped', `quarterly ${strings.gonePartition} figures`, 'U1', { edit: true, reaction: true, deletion: true });
  message('acme', 'm-old-2', 'C-chan', 'channel', 731, 'gone', 'default P90D, alone in its month: partition dropped', 'an old reply', 'U2', { reply: 'm-old-1' });
  add('acme', 'conversation.created', 'admin_events', 'C-chan', 'C-chan', 729, 'kept', 'admin events have no rule: kept', { conversation_id: 'C-chan', name: 'chan', conversation_type: 'channel', created_by: 'U7' });
  // 200 days back: globex shares the month, so acme's rows go by row deletes.
  message('acme', 'm-200', 'C-chan', 'channel', 200, 'gone', 'default P90D; globex shares the month: row path', 'two hundred days', 'U1', { edit: true, reaction: true });
  message('acme', 'm-held', 'C-chan', 'channel', 201, 'held', `default P90D but the hold on custodian U-held keeps it`, `held ${strings.held} text`, 'U-held', { reaction: true, deletion: true });
  message('acme', 'm-explicit', 'C-explicit', 'channel', 200, 'kept', 'explicit rule P1Y beats the default P90D', 'explicit keeps me');
  message('acme', 'm-explicit-old', 'C-explicit', 'channel', 400, 'gone', 'explicit rule P1Y, 400 days old', 'explicit old');
  message('acme', 'm-keep', 'C-keep', 'channel', 200, 'kept', 'keep_at_least P10Y beats the default P90D', 'keep me long');
  message('globex', 'g-200', 'C-chan', 'channel', 200, 'kept', 'globex has no policy', 'globex two hundred');
  // 60 days back: the DM rule (P30D, shortest) removes; a channel message is still within P90D.
  message('acme', 'm-dm', 'D1', 'dm', 60, 'gone', 'dm rule P30D is the shortest deletion', `direct ${strings.goneRows} words`, 'U1', { edit: true, reaction: true });
  message('acme', 'm-chan-60', 'C-chan', 'channel', 60, 'kept', 'default P90D, 60 days old', 'channel sixty');
  // Recent.
  message('acme', 'm-new', 'C-chan', 'channel', 10, 'kept', '10 days old', `recent ${strings.kept} text`, 'U1', { reaction: true });
  message('globex', 'g-new', 'C-chan', 'channel', 10, 'kept', 'globex has no policy', 'globex recent');
  // Calls and app invocations (P30D).
  add('acme', 'call.started', 'calls', 'K-60', 'C-chan', 60, 'gone', 'calls P30D', { call_id: 'K-60', conversation_id: 'C-chan', initiator_id: 'U1', kind: 'audio' });
  add('acme', 'call.ended', 'calls', 'K-60', 'C-chan', 60, 'gone', 'calls P30D', { call_id: 'K-60', conversation_id: 'C-chan', participants: ['U1', 'U2'], duration_s: 60 }, 60_000);
  add('acme', 'call.started', 'calls', 'K-held', 'C-chan', 61, 'held', 'calls P30D, but U-held took part: the hold keeps the whole call', { call_id: 'K-held', conversation_id: 'C-chan', initiator_id: 'U1', kind: 'video' });
  add('acme', 'call.ended', 'calls', 'K-held', 'C-chan', 61, 'held', 'calls P30D, but U-held took part', { call_id: 'K-held', conversation_id: 'C-chan', participants: ['U1', 'U-held'], duration_s: 30 }, 60_000);
  add('acme', 'call.started', 'calls', 'K-new', 'C-chan', 10, 'kept', '10 days old', { call_id: 'K-new', conversation_id: 'C-chan', initiator_id: 'U1', kind: 'audio' });
  add('acme', 'app.invoked', 'app_invocations', 'A-60', 'C-chan', 60, 'gone', 'app invocations P30D', { app_id: 'A1', user_id: 'U1', conversation_id: 'C-chan', command: '/deploy' });
  add('acme', 'app.invoked', 'app_invocations', 'A-new', 'C-chan', 10, 'kept', '10 days old', { app_id: 'A1', user_id: 'U1', conversation_id: 'C-chan', command: '/deploy' });
  add('globex', 'call.started', 'calls', 'GK-60', 'C-chan', 60, 'kept', 'globex has no policy', { call_id: 'GK-60', conversation_id: 'C-chan', initiator_id: 'U1', kind: 'audio' });
  return { records, strings, now };
}

/** Stores the archive's events as ingest would (validated, routed rows); the lookup views fill themselves. */
export async function storeArchive(store: Store, archive: AgedArchive): Promise<void> {
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const r of archive.records) {
    const v = validateEvent(r.event);
    if (!v.ok) throw new Error(`test event ${String(r.event.id)} is invalid: ${JSON.stringify(v)}`);
    const routed = toRow(v, 'test');
    byTable.set(routed.table, [...(byTable.get(routed.table) ?? []), routed.row]);
  }
  for (const [table, rows] of byTable) await store.insert('test: aged archive', table, rows);
}

/** Rows the generator says a run removes from a table of records. */
export function expectedGone(archive: AgedArchive, tenant: string, table: string, fates: Fate[] = ['gone']): number {
  return archive.records.filter((r) => r.tenant === tenant && r.table === table && fates.includes(r.fate)).length;
}
