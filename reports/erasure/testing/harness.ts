/**
 * Shared steps of the erasure tests: store a generated conversation, open an approved
 * erasure request for a person (as the DSR API would, straight through the request
 * store), scan every table and column of the store for a person's identifiers, and
 * search the data directory's files for strings (through ClickHouse's compression).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Store } from '../../../common/store/store.js';
import { validateEvent } from '../../../common/events/validate.js';
import { toRow } from '../../../common/events/rows.js';
import { SubjectRequestStore } from '../../../common/subjects/subject-request-store.js';
import { newSubjectRequestId, type SubjectIdentifiers, type SubjectRequest } from '../../../common/subjects/subject-request.js';

export async function storeEvents(store: Store, events: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const e of events) {
    const v = validateEvent(e);
    if (!v.ok) throw new Error(`test event ${String(e.id)} is invalid: ${JSON.stringify(v)}`);
    const routed = toRow(v, 'test');
    byTable.set(routed.table, [...(byTable.get(routed.table) ?? []), routed.row]);
  }
  for (const [table, rows] of byTable) await store.insert('test: conversation', table, rows);
}

export async function approvedErasure(store: Store, tenant: string, ids: SubjectIdentifiers): Promise<SubjectRequest> {
  const now = new Date();
  return new SubjectRequestStore(store).append({
    tenant, id: newSubjectRequestId(), type: 'erasure', state: 'approved', subjectRef: ids.userIds[0]!, subjectHash: '', identifiers: ids,
    receivedAt: now.toISOString(), dueAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(), personToldAt: null,
    openedBy: 'sr_dpo', approvedBy: 'sr_approver', approvedAt: now.toISOString(), jobIds: [], note: '', changedBy: 'sr_approver',
  }, 'approved');
}

/**
 * Rows of every table and view of the store (inner tables of materialized views
 * included) where any column, as text, contains one of `needles` (case-insensitive):
 * an independent check that does not read the registry. `{table: {column: rows}}`.
 */
export async function scanForNeedles(store: Store, needles: string[], o: { tenant?: string; skip?: string[]; exceptMessage?: string } = {}): Promise<Record<string, Record<string, number>>> {
  const cols = await store.query<{ table: string; name: string; engine: string }>('test: columns',
    `SELECT c.table AS table, c.name AS name, t.engine AS engine FROM system.columns AS c JOIN system.tables AS t ON t.database = c.database AND t.name = c.table
     WHERE c.database = currentDatabase() AND t.engine != 'MaterializedView'`);
  const byTable = new Map<string, { columns: string[]; engine: string }>();
  for (const c of cols) {
    if (o.skip?.includes(c.table)) continue;
    const t = byTable.get(c.table) ?? { columns: [], engine: c.engine };
    t.columns.push(c.name);
    byTable.set(c.table, t);
  }
  const found: Record<string, Record<string, number>> = {};
  for (const [table, t] of byTable) {
    const where = [o.tenant && t.columns.includes('tenant') ? 'tenant = {tenant:String}' : '', o.exceptMessage && t.columns.includes('message_id') ? 'message_id != {except:String}' : ''].filter(Boolean);
    const tenantFilter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const exprs = t.columns.map((c, i) => `countIf(arrayExists(n -> positionCaseInsensitiveUTF8(toString(\`${c}\`), n) > 0, {needles:Array(String)})) AS c${i}`);
    const [r] = await store.query<Record<string, string>>('test: scan', `SELECT ${exprs.join(', ')} FROM \`${table}\` ${tenantFilter}`, { needles, tenant: o.tenant ?? '', except: o.exceptMessage ?? '' });
    t.columns.forEach((c, i) => {
      const n = Number(r?.[`c${i}`] ?? 0);
      if (n > 0) (found[table] ??= {})[c] = n;
    });
  }
  return found;
}

/** `{string: [files]}` for each string found in a file under `dir` (test/helpers/store-files.py). */
export function searchFiles(python: string, dir: string, strings: string[]): Record<string, string[]> {
  const list = join(dir, '..', `strings-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(list, strings.join('\n'));
  const r = spawnSync(python, [resolve(import.meta.dirname, '../../../test/helpers/store-files.py'), dir, list], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`store-files.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string[]>;
}
