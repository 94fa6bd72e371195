/**
 * The lexical screening of decoded rows, shared by the decode worker and the
 * supervise step. Measured on 2 cores, the supervise step on the main thread spent a
 * third of its time parsing each row's insert line again and four-tenths matching;
 * the worker already has every row as an object, so it matches there and the main
 * thread receives only the rare messages a lexicon matched (`ScreenedRows`).
 *
 * The worker compiles its own matchers from the policy versions the main thread's
 * cache sends it (policy-cache.ts `snapshot`); each result names the set (`key`) it
 * was matched with, and the supervise step uses it only when that is still the
 * tenant's current set, otherwise it matches the row itself. So a policy change
 * between decode and supervise never applies an old lexicon.
 */
import { TABLE_COLUMNS, type EventRow, type RoutedRow } from '../../common/events/rows.js';
import { compilePolicySet, lexicalHits, type LexicalHit, type PolicySet, type SupervisedMessage } from '../../common/supervision/flagging.js';
import type { PolicyVersion } from '../../common/supervision/policy-model.js';

/** What the decode step found for a batch (absent when it did not screen: in-thread decode, no policies). */
export interface ScreenedRows {
  /** Tenant -> key of the policy set its rows were matched with. */
  keys: Map<string, string>;
  /** Every message_versions row that was matched -> its lexical hits (empty: none). A row replaced later (erasure) is not here. */
  rows: Map<RoutedRow, LexicalHit[]>;
}

const COLUMN = Object.fromEntries(TABLE_COLUMNS.message_versions.map((c, i) => [c, i])) as Record<string, number>;

function messageFrom(get: (c: string) => unknown): SupervisedMessage {
  return {
    eventId: get('event_id') as string, messageId: get('message_id') as string, conversationId: get('conversation_id') as string,
    conversationType: get('conversation_type') as string, threadId: get('thread_id') as string, authorId: get('author_id') as string,
    time: get('time') as string, kind: get('kind') as 'created' | 'edited', text: get('text') as string,
    hasAttachments: (get('attachments') as unknown[]).length > 0,
  };
}

/** The line's text without copying its bytes (they are a slice of the decode worker's buffer). */
const lineText = (b: Uint8Array): string => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('utf8');

/** A message_versions row as supervision reads it: the row object (in-thread decode, worker) or its insert line. */
export function messageOfRow(r: RoutedRow): SupervisedMessage {
  if (r.lineBytes || r.line) {
    const cells = JSON.parse(r.line ?? lineText(r.lineBytes!)) as unknown[];
    return messageFrom((c) => cells[COLUMN[c]!]);
  }
  const row: EventRow = r.row;
  return messageFrom((c) => row[c]);
}

/** The compiled sets of the decode worker, recompiled only for tenants whose versions changed. */
export class WorkerPolicies {
  private sets = new Map<string, { key: string; set: PolicySet }>();

  update(tenants: ReadonlyArray<{ tenant: string; key: string; versions: PolicyVersion[] }>): void {
    const next = new Map<string, { key: string; set: PolicySet }>();
    for (const t of tenants) {
      const current = this.sets.get(t.tenant);
      next.set(t.tenant, current?.key === t.key ? current : { key: t.key, set: compilePolicySet(t.tenant, t.versions) });
    }
    this.sets = next;
  }

  get size(): number {
    return this.sets.size;
  }

  get(tenant: string): { key: string; set: PolicySet } | undefined {
    return this.sets.get(tenant);
  }
}

/** One row's result as the worker sends it: row index k of the batch. */
export interface WireHit {
  row: number;
  m: SupervisedMessage;
  policy: number;
  hits: LexicalHit['hits'];
}

export interface WireScreen {
  keys: Array<[string, string]>;
  hits: WireHit[];
  /** Rows whose matching threw: the supervise step evaluates them itself (and logs and counts the failure). */
  unscreened: number[];
}

/** Screens the message_versions rows of tenants with policies; row objects as decodeBatch builds them. */
export function screenRows(policies: WorkerPolicies, rows: readonly RoutedRow[]): WireScreen | undefined {
  if (policies.size === 0) return undefined;
  const keys = new Map<string, string>();
  const hits: WireHit[] = [];
  const unscreened: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (r.table !== 'message_versions') continue;
    const p = policies.get(r.row.tenant);
    if (!p) continue;
    keys.set(r.row.tenant, p.key);
    try {
      const m = messageOfRow(r);
      for (const h of lexicalHits(p.set, [m])) hits.push({ row: k, m: h.m, policy: h.policy, hits: h.hits });
    } catch {
      // Not swallowed: the main thread evaluates this row again, where the failure is logged and counted.
      unscreened.push(k);
    }
  }
  return { keys: [...keys], hits, unscreened };
}

/** The main thread's view of a worker's screen, keyed by the batch's row objects. */
export function screenedRowsOf(screen: WireScreen, rows: readonly RoutedRow[]): ScreenedRows {
  const keys = new Map(screen.keys);
  const out = new Map<RoutedRow, LexicalHit[]>();
  const skip = new Set(screen.unscreened);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (r.table === 'message_versions' && keys.has(r.row.tenant) && !skip.has(k)) out.set(r, []);
  }
  for (const h of screen.hits) out.get(rows[h.row]!)!.push({ m: h.m, policy: h.policy, hits: h.hits });
  return { keys, rows: out };
}
