/**
 * No resurrection (DESIGN.md rule 4): events by or about an erased person, from Kafka
 * (a replay from the earliest offset, a late event) or from an import, store nothing
 * identifying. An event BY the person (their message or edit, reaction, app use, an
 * admin event about them: profile, login, membership) is dropped; an event that only
 * names them (a mention, a call they took part in, a deletion or admin action they
 * made, their name or e-mail in someone else's text) is stored with the same
 * pseudonym the erasure put in the archive. Neither goes to the DLQ: that would copy
 * the personal data again. The same rules as the erasure job's registry walk.
 *
 * The list is kept as keyed hashes only (common/subjects/erased-subjects.ts), so
 * values are hashed to be looked up: an id column is one HMAC; text is hashed word by
 * word (ids, e-mails) and by windows of as many words as an erased name has. Rows of
 * tenants where nobody was erased cost one map lookup.
 */
import { TABLE_COLUMNS, type RoutedRow, type TableName } from '../common/events/rows.js';
import { messageKey, type ErasedSubjectsView, type TenantErased } from '../common/subjects/erased-subjects.js';
import type { EventWriter, WriteResult } from './event-writer.js';

export interface ErasedVerdict {
  /** null: dropped (by an erased person). */
  row: RoutedRow | null;
  pseudonymized: boolean;
}

/** Columns whose value is the actor of the event: the event is theirs and goes. */
const BY: Partial<Record<TableName, string>> = { message_versions: 'author_id', reactions: 'user_id', app_invocations: 'user_id', admin_events: 'user_id' };
/** Columns that only name someone: pseudonymized. */
const NAMING: Partial<Record<TableName, string[]>> = { message_versions: ['mentions'], message_deletions: ['deleted_by'], calls: ['initiator_id', 'participants'], admin_events: ['actor_id'] };
/** Free text searched for names, e-mails and ids. */
const TEXT: Partial<Record<TableName, string>> = { message_versions: 'text' };

const lineText = (b: Uint8Array): string => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('utf8');
const EDGE = /^[^\p{L}\p{N}@]+|[^\p{L}\p{N}]+$/gu;

/** `text` with every erased id, e-mail and name replaced by the person's pseudonym; the same string when none is there. */
export function scrubText(text: string, e: TenantErased): string {
  const words = [...text.matchAll(/\S+/g)].map((m) => {
    const raw = m[0];
    const lead = raw.length - raw.replace(/^[^\p{L}\p{N}@]+/u, '').length;
    const core = raw.replace(EDGE, '');
    return { start: m.index + lead, end: m.index + lead + core.length, core };
  }).filter((w) => w.core.length > 0);
  const spans: Array<{ start: number; end: number; pseudo: string }> = [];
  const lengths = [...e.nameWords].sort((a, b) => b - a);
  for (let i = 0; i < words.length; i += 1) {
    let matched = 0;
    for (const n of lengths) {
      if (i + n > words.length) continue;
      const h = e.hasher.hashOf('name', words.slice(i, i + n).map((w) => w.core).join(' '));
      if (e.texts.has(h)) {
        spans.push({ start: words[i]!.start, end: words[i + n - 1]!.end, pseudo: e.pseudonymOf(h) });
        matched = n;
        break;
      }
    }
    if (matched === 0) {
      const w = words[i]!;
      const email = w.core.includes('@') ? e.hasher.hashOf('email', w.core) : '';
      const user = e.hasher.hashOf('user', w.core);
      if (email && e.texts.has(email)) spans.push({ start: w.start, end: w.end, pseudo: e.pseudonymOf(email) });
      else if (e.users.has(user)) spans.push({ start: w.start, end: w.end, pseudo: e.pseudonymOf(user) });
      // Slack-style <@U123> mentions: the id inside the brackets.
      else {
        const inner = /^<?@?([A-Za-z0-9._-]+)>?$/.exec(w.core)?.[1];
        const h = inner && inner !== w.core ? e.hasher.hashOf('user', inner) : '';
        if (h && e.users.has(h)) {
          const from = w.start + w.core.indexOf(inner!);
          spans.push({ start: from, end: from + inner!.length, pseudo: e.pseudonymOf(h) });
        }
      }
    } else i += matched - 1;
  }
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.pseudo;
    at = s.end;
  }
  return out + text.slice(at);
}

/** An admin event's `data` (JSON text) with every value naming an erased person replaced. */
function scrubData(data: string, e: TenantErased): string {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const u = e.hasher.hashOf('user', v);
      const x = e.users.has(u) ? e.pseudonymOf(u) : scrubText(v, e);
      if (x !== v) changed = true;
      return x;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  try {
    const out = walk(JSON.parse(data));
    return changed ? JSON.stringify(out) : data;
  } catch {
    // Not JSON (the column is written by toRow as JSON; a foreign row): scrubbed as text.
    return scrubText(data, e);
  }
}

/** What to store of one row whose tenant has erased people. */
export function judgeRow(r: RoutedRow, e: TenantErased): ErasedVerdict {
  const columns = TABLE_COLUMNS[r.table];
  const fromLine = r.lineBytes !== undefined || r.line !== undefined;
  const cells: unknown[] = fromLine ? JSON.parse(r.line ?? lineText(r.lineBytes!)) as unknown[] : columns.map((c) => r.row[c]);
  const at = (c: string) => columns.indexOf(c);
  const by = BY[r.table];
  if (by) {
    const v = cells[at(by)];
    if (typeof v === 'string' && v !== '' && e.users.has(e.hasher.hashOf('user', v))) return { row: null, pseudonymized: false };
  }
  // Rows that point at an erased person's message (another's reaction or edit, a deletion mark) went with it.
  if (e.messages.size > 0 && columns.includes('message_id')) {
    const key = messageKey(cells[at('conversation_id')] as string, cells[at('message_id')] as string);
    if (e.messages.has(e.hasher.hashOf('message', key))) return { row: null, pseudonymized: false };
  }
  let changed = false;
  const swap = (v: string): string => {
    const h = e.hasher.hashOf('user', v);
    if (!e.users.has(h)) return v;
    changed = true;
    return e.pseudonymOf(h);
  };
  for (const c of NAMING[r.table] ?? []) {
    const i = at(c);
    const v = cells[i];
    if (Array.isArray(v)) cells[i] = v.map((x) => (typeof x === 'string' ? swap(x) : x));
    else if (typeof v === 'string' && v !== '') cells[i] = swap(v);
  }
  const text = TEXT[r.table];
  if (text) {
    const i = at(text);
    const v = cells[i] as string;
    const s = scrubText(v, e);
    if (s !== v) {
      cells[i] = s;
      changed = true;
    }
  }
  if (r.table === 'admin_events') {
    const i = at('data');
    const v = cells[i] as string;
    const s = scrubData(v, e);
    if (s !== v) {
      cells[i] = s;
      changed = true;
    }
  }
  if (!changed) return { row: r, pseudonymized: false };
  const row = { ...r.row };
  if (!fromLine) columns.forEach((c, i) => { row[c] = cells[i]; });
  return { row: { table: r.table, row, line: JSON.stringify(cells) }, pseudonymized: true };
}

export interface ErasedCounts { dropped: number; pseudonymized: number }

export interface ErasedFilter {
  /** verdicts[i] for rows[i]. */
  judge(rows: readonly RoutedRow[]): Promise<{ verdicts: ErasedVerdict[]; counts: ErasedCounts }>;
}

export function createErasedFilter(view: ErasedSubjectsView): ErasedFilter {
  return {
    async judge(rows) {
      const tenants = new Map<string, TenantErased | undefined>();
      for (const r of rows) if (!tenants.has(r.row.tenant)) tenants.set(r.row.tenant, await view.forTenant(r.row.tenant));
      const counts = { dropped: 0, pseudonymized: 0 };
      const verdicts = rows.map((r) => {
        const e = tenants.get(r.row.tenant);
        if (!e) return { row: r, pseudonymized: false };
        const v = judgeRow(r, e);
        if (!v.row) counts.dropped += 1;
        else if (v.pseudonymized) counts.pseudonymized += 1;
        return v;
      });
      return { verdicts, counts };
    },
  };
}

/**
 * An event writer that consults the erased-subjects list first (for the importers'
 * store sink): dropped rows count as neither stored nor duplicates.
 */
export function erasedSubjectsWriter(writer: EventWriter, filter: ErasedFilter, onCounts?: (c: ErasedCounts) => void): EventWriter {
  return {
    async write(rows): Promise<WriteResult> {
      const { verdicts, counts } = await filter.judge(rows);
      if (counts.dropped + counts.pseudonymized > 0) onCounts?.(counts);
      if (counts.dropped + counts.pseudonymized === 0) return writer.write(rows);
      const kept: RoutedRow[] = [];
      const index: number[] = [];
      verdicts.forEach((v, i) => {
        if (v.row) {
          kept.push(v.row);
          index.push(i);
        }
      });
      const r = kept.length > 0 ? await writer.write(kept) : { inserted: 0, duplicates: 0, byTable: {}, stored: [] };
      const stored = rows.map(() => false);
      index.forEach((i, k) => { stored[i] = r.stored[k] ?? false; });
      return { ...r, stored };
    },
  };
}
