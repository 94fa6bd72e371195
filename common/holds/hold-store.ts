/** Legal holds in the store (`legal_holds`, one row per change, newest version wins). */
import type { Store } from '../store/store.js';
import { fromStoreTime, toStoreTime } from '../events/time.js';
import { HoldNotFoundError, HoldReleasedError, newHoldId, type HoldScope, type LegalHold } from './hold-model.js';

interface HoldRow {
  tenant: string;
  hold_id: string;
  case_name: string;
  reason: string;
  custodians: string[];
  conversations: string[];
  from_time: string | null;
  to_time: string | null;
  words: string;
  created_by: string;
  created_at: string;
  released_by: string;
  released_at: string | null;
  release_reason: string;
}

const COLUMNS = 'tenant, hold_id, case_name, reason, custodians, conversations, from_time, to_time, words, created_by, created_at, released_by, released_at, release_reason';
const LATEST = `SELECT ${COLUMNS.split(', ').map((c) => (c === 'tenant' || c === 'hold_id' ? c : `argMax(${c}, version) AS ${c}`)).join(', ')}
  FROM legal_holds WHERE tenant = {tenant:String}`;

function toHold(r: HoldRow): LegalHold {
  return {
    tenant: r.tenant, id: r.hold_id, caseName: r.case_name, reason: r.reason,
    scope: { custodians: r.custodians, conversations: r.conversations, from: r.from_time ? fromStoreTime(r.from_time) : null, to: r.to_time ? fromStoreTime(r.to_time) : null, q: r.words },
    createdBy: r.created_by, createdAt: fromStoreTime(r.created_at),
    releasedBy: r.released_at ? r.released_by : null, releasedAt: r.released_at ? fromStoreTime(r.released_at) : null, releaseReason: r.released_at ? r.release_reason : null,
  };
}

function toRow(h: LegalHold, version: number): Record<string, unknown> {
  const t = (iso: string | null) => (iso === null ? null : toStoreTime(Date.parse(iso)));
  return {
    tenant: h.tenant, hold_id: h.id, case_name: h.caseName, reason: h.reason, custodians: h.scope.custodians, conversations: h.scope.conversations,
    from_time: t(h.scope.from), to_time: t(h.scope.to), words: h.scope.q, created_by: h.createdBy, created_at: t(h.createdAt),
    released_by: h.releasedBy ?? '', released_at: t(h.releasedAt), release_reason: h.releaseReason ?? '', version,
  };
}

export class HoldStore {
  private lastVersion = 0;
  constructor(private readonly store: Store) {}

  private version(): number {
    this.lastVersion = Math.max(Date.now() * 1000, this.lastVersion + 1);
    return this.lastVersion;
  }

  async create(tenant: string, o: { caseName: string; reason: string; scope: HoldScope; createdBy: string }): Promise<LegalHold> {
    const hold: LegalHold = { tenant, id: newHoldId(), caseName: o.caseName, reason: o.reason, scope: o.scope, createdBy: o.createdBy, createdAt: new Date().toISOString(), releasedBy: null, releasedAt: null, releaseReason: null };
    await this.store.insert('holds: create', 'legal_holds', [toRow(hold, this.version())]);
    return hold;
  }

  /** Holds of the tenant, newest first; `active` only those not released. */
  async list(tenant: string, o: { active?: boolean } = {}): Promise<LegalHold[]> {
    const rows = await this.store.query<HoldRow>('holds: list', `${LATEST} GROUP BY tenant, hold_id ${o.active ? 'HAVING released_at IS NULL' : ''} ORDER BY created_at DESC, hold_id`, { tenant });
    return rows.map(toHold);
  }

  async get(tenant: string, holdId: string): Promise<LegalHold> {
    const [row] = await this.store.query<HoldRow>('holds: get', `${LATEST} AND hold_id = {hold:String} GROUP BY tenant, hold_id`, { tenant, hold: holdId });
    if (!row) throw new HoldNotFoundError(tenant, holdId);
    return toHold(row);
  }

  async release(tenant: string, holdId: string, o: { by: string; reason: string }): Promise<LegalHold> {
    const hold = await this.get(tenant, holdId);
    if (hold.releasedAt) throw new HoldReleasedError(holdId, hold.releasedAt);
    const released: LegalHold = { ...hold, releasedBy: o.by, releasedAt: new Date().toISOString(), releaseReason: o.reason };
    await this.store.insert('holds: release', 'legal_holds', [toRow(released, this.version())]);
    return released;
  }
}
