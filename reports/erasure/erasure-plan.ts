/**
 * Which tables an erasure reaches and how, read from the registry of personal data
 * (common/registry/personal-data.ts) and checked against the store, like the
 * retention plan: no table is named here, an entry is handled by its `erasure` reach
 * and its columns, and an entry this walker cannot handle stops the job
 * (ErasurePlanError) rather than let a table escape the erasure.
 *
 * Order matters: rows that go "with their source" and rows of an erased author's
 * messages are found through their source table, so every table is processed before
 * the tables it depends on (a derived table before its source, every
 * `ofErasedMessages` table before message_versions, which says which messages are
 * the author's). A resumed run then finds what is left by the same conditions.
 */
import type { Store } from '../../common/store/store.js';
import { PERSONAL_DATA_REGISTRY, type RegisteredTable, type RetentionFamily } from '../../common/registry/personal-data.js';
import { HOLD_KEYS } from '../../common/holds/coverage.js';
import type { Family } from '../../common/retention/policy.js';

/** The table messages of an erased author are read from (`ofErasedMessages` rows follow it). */
export const MESSAGE_SOURCE = 'message_versions';

export interface ErasureTable {
  table: string;
  /** Where rows and parts live: the table itself or a materialized view's inner table. */
  storage: string;
  entry: RegisteredTable;
  /** Column name -> is an array of strings. */
  columns: ReadonlyMap<string, boolean>;
  /** Columns the store computes (MATERIALIZED): an UPDATE cannot name them. */
  materialized: ReadonlySet<string>;
  /** Their expressions (which columns they are computed from). */
  materializedFrom: ReadonlyMap<string, string>;
  engine: string;
  tenantColumn: boolean;
  /** The family a legal hold reaches this table's rows by (null: holds never keep them). */
  holdFamily: Family | null;
  /** What deletes rows of the person here. */
  deleteBy: { subjectColumns: string[]; ofErasedMessages: boolean; source?: { table: string; keys: string[] } };
  pseudonymizeColumns: string[];
  textColumns: string[];
  /** Topic terms from others' text (registry `termColumns`): the term column, its form column, and whether they are arrays. */
  termColumns: Array<{ term: string; form: string; array: boolean }>;
  /** Registry `hashed`: the identifying columns are replaced by the keyed hash when the request completes. */
  hashed: string[];
}

export interface ErasurePlan {
  tables: ErasureTable[];
  skipped: Array<{ table: string; why: string }>;
}

export class ErasurePlanError extends Error {
  constructor(readonly table: string, readonly why: string) {
    super(`erasure cannot handle registered table ${table}: ${why}; the job stops so that nothing is left behind unnoticed (fix the registry entry or teach reports/erasure/erasure-plan.ts)`);
    this.name = 'ErasurePlanError';
  }
}

function familyOf(entry: RegisteredTable, registry: readonly RegisteredTable[]): { family: RetentionFamily; aggregate: boolean } | null {
  const r = entry.retention;
  if (r === 'none') return null;
  if (r.family !== 'follows-source') return { family: r.family, aggregate: r.aggregate === true };
  const source = registry.find((t) => t.name === r.source);
  return source && source !== entry ? familyOf(source, registry) : null;
}

interface StoreTable { name: string; engine: string; uuid: string }

export async function planErasure(store: Store, registry: readonly RegisteredTable[] = PERSONAL_DATA_REGISTRY): Promise<ErasurePlan> {
  const tables = await store.query<StoreTable>('erasure: tables', 'SELECT name, engine, toString(uuid) AS uuid FROM system.tables WHERE database = currentDatabase()');
  const cols = await store.query<{ table: string; name: string; type: string; default_kind: string; default_expression: string }>('erasure: columns',
    'SELECT table, name, type, default_kind, default_expression FROM system.columns WHERE database = currentDatabase()');
  const plan: ErasurePlan = { tables: [], skipped: [] };
  for (const entry of registry) {
    const e = entry.erasure;
    if (e.how === 'not-applicable' || e.how === 'view' || e.how === 'tombstone' || e.how === 'pseudonymized') {
      plan.skipped.push({ table: entry.name, why: e.how === 'not-applicable' ? e.why : e.how === 'view' ? `a view of ${e.sources.join(', ')}: it shows what they hold`
        : e.how === 'tombstone' ? `kept as tombstones: ${e.why}` : `entries stay for the chain; the person leaves it through ${e.via}` });
      continue;
    }
    const t = tables.find((x) => x.name === entry.name);
    if (!t) throw new ErasurePlanError(entry.name, 'is not in the store (migrations not applied?)');
    let storage = entry.name;
    if (t.engine === 'MaterializedView') {
      const inner = tables.find((x) => x.name === `.inner_id.${t.uuid}` || x.name === `.inner.${entry.name}`);
      if (!inner) {
        plan.skipped.push({ table: entry.name, why: 'a materialized view that writes TO another table keeps no rows itself' });
        continue;
      }
      storage = inner.name;
    }
    const engine = tables.find((x) => x.name === storage)!.engine;
    if (!/MergeTree$/.test(engine) && engine !== 'EmbeddedRocksDB') throw new ErasurePlanError(entry.name, `engine ${engine} cannot be deleted from by mutation`);
    const own = cols.filter((c) => c.table === storage);
    const columns = new Map(own.map((c) => [c.name, c.type.includes('Array(')]));
    const computed = own.filter((c) => c.default_kind === 'MATERIALIZED');
    const materialized = new Set(computed.map((c) => c.name));
    const materializedFrom = new Map(computed.map((c) => [c.name, c.default_expression]));
    const f = familyOf(entry, registry);
    const holdFamily = f && !f.aggregate && (f.family as string) in HOLD_KEYS ? (f.family as Family) : null;
    const need = (names: string[]) => {
      const missing = names.filter((n) => !columns.has(n));
      if (missing.length > 0) throw new ErasurePlanError(entry.name, `lacks ${missing.join(', ')}`);
    };
    const base = { table: entry.name, storage, entry, columns, materialized, materializedFrom, engine, tenantColumn: columns.has('tenant'), holdFamily, pseudonymizeColumns: [] as string[], textColumns: [] as string[], termColumns: [] as ErasureTable['termColumns'], hashed: [] as string[] };
    if (e.how === 'delete-rows') {
      need([...e.subjectColumns, ...(e.pseudonymizeColumns ?? []), ...(e.textColumns ?? []), ...(e.termColumns ?? []).flat()]);
      if (e.ofErasedMessages) need(['conversation_id', 'message_id']);
      const termColumns = (e.termColumns ?? []).map(([term, form]) => ({ term, form, array: columns.get(form) === true }));
      if (termColumns.some((x) => !x.array) && !['time', 'conversation_id', 'author_id'].every((k) => columns.has(k))) {
        throw new ErasurePlanError(entry.name, 'has one term per row but not the time, conversation_id and author_id its cells are grouped by');
      }
      plan.tables.push({ ...base, deleteBy: { subjectColumns: e.subjectColumns, ofErasedMessages: e.ofErasedMessages === true }, pseudonymizeColumns: e.pseudonymizeColumns ?? [], textColumns: e.textColumns ?? [], termColumns });
    } else if (e.how === 'with-source') {
      const source = registry.find((x) => x.name === e.source);
      if (!source || source.erasure.how !== 'delete-rows') throw new ErasurePlanError(entry.name, `follows ${e.source}, which erasure does not delete rows from`);
      const keyed = e.keys.every((k) => columns.has(k)) || (columns.has('key') && engine === 'EmbeddedRocksDB');
      if (!keyed) throw new ErasurePlanError(entry.name, `lacks its keys ${e.keys.join(', ')}`);
      // The source's text and pseudonymized columns that this copy has are treated the same way here.
      const se = source.erasure;
      plan.tables.push({
        ...base, deleteBy: { subjectColumns: [], ofErasedMessages: false, source: { table: e.source, keys: e.keys } },
        pseudonymizeColumns: (se.pseudonymizeColumns ?? []).filter((c) => columns.has(c) && !materialized.has(c)),
        textColumns: (se.textColumns ?? []).filter((c) => columns.has(c)),
      });
    } else {
      need(e.subjectColumns);
      plan.tables.push({ ...base, deleteBy: { subjectColumns: [], ofErasedMessages: false }, hashed: e.subjectColumns });
    }
  }
  plan.tables = orderByDependency(plan.tables);
  return plan;
}

/**
 * Tables others are found through come after them: 0 derived copies, 1 tables no
 * other is found through, 2 sources of derived copies, 3 message_versions (which says
 * whose the messages are). No table is found through another of its own rank, so the
 * tables of one rank can be rewritten side by side (erasure-job.ts).
 */
export function dependencyRank(t: ErasureTable, tables: readonly ErasureTable[]): number {
  if (t.deleteBy.source) return 0;
  if (t.table === MESSAGE_SOURCE) return 3;
  if (tables.some((o) => o.deleteBy.source?.table === t.table)) return 2;
  return 1;
}

function orderByDependency(tables: ErasureTable[]): ErasureTable[] {
  return [...tables].sort((a, b) => dependencyRank(a, tables) - dependencyRank(b, tables));
}
