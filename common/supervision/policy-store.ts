/**
 * The supervision_policies table: every version of every policy. A change is a new
 * version (never an update in place), so the version that flagged an item or ran a
 * backtest can always be read back. The caller audits the change (the API route's
 * audit entry names the policy and the version it created).
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import { fromStoreTime } from '../events/time.js';
import { InvalidPolicyError, PolicyNotFoundError } from './errors.js';
import { policyDefinitionSchema, type PolicyDefinition, type PolicyVersion } from './policy-model.js';
import { newSamplingSeed } from './sampling.js';

interface PolicyRow {
  tenant: string;
  policy_id: string;
  version: number | string;
  definition: string;
  created_by: string;
  created_at: string;
}

const COLUMNS = 'tenant, policy_id, version, definition, created_by, created_at';

function toPolicyVersion(r: PolicyRow): PolicyVersion {
  return { tenant: r.tenant, policyId: r.policy_id, version: Number(r.version), definition: JSON.parse(r.definition) as PolicyDefinition, createdBy: r.created_by, createdAt: fromStoreTime(r.created_at) };
}

/** Validates a definition (the first problem names its field) and records a sampling seed if it has none. */
export function parsePolicyDefinition(input: unknown, previousSeed?: string): PolicyDefinition {
  const parsed = policyDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidPolicyError(issue.path.length ? issue.path.join('.') : '(body)', issue.message);
  }
  const d = parsed.data;
  return { ...d, sampling: { percent: d.sampling.percent, seed: d.sampling.seed ?? previousSeed ?? newSamplingSeed() } };
}

export const POLICY_ID_PATTERN = /^pol_[a-z0-9]{16}$/;

export interface PolicyStore {
  create(tenant: string, definition: PolicyDefinition, createdBy: string): Promise<PolicyVersion>;
  /** A new version of the policy with `definition`. */
  update(tenant: string, policyId: string, definition: PolicyDefinition, createdBy: string): Promise<PolicyVersion>;
  /** The newest version, or the one asked for. */
  get(tenant: string, policyId: string, version?: number): Promise<PolicyVersion>;
  /** The newest version of each policy of the tenant. */
  list(tenant: string): Promise<PolicyVersion[]>;
  versions(tenant: string, policyId: string): Promise<PolicyVersion[]>;
  /** The newest version of every enabled policy of every tenant (what ingest evaluates). */
  enabled(): Promise<PolicyVersion[]>;
}

export function createPolicyStore(store: Store): PolicyStore {
  async function insert(tenant: string, policyId: string, version: number, definition: PolicyDefinition, createdBy: string): Promise<PolicyVersion> {
    await store.insert('supervision: write policy version', 'supervision_policies', [{
      tenant, policy_id: policyId, version, name: definition.name, enabled: definition.enabled ? 1 : 0, definition: JSON.stringify(definition), created_by: createdBy,
    }]);
    return self.get(tenant, policyId, version);
  }
  /** The newest version of each policy, filtered by `where` (aliases differ from the columns: ClickHouse would read `version` in argMax as the alias). */
  const latest = (where: string) => `SELECT tenant, policy_id, v AS version, d AS definition, b AS created_by, a AS created_at FROM (
      SELECT tenant, policy_id, max(version) AS v, argMax(definition, version) AS d, argMax(created_by, version) AS b, argMax(created_at, version) AS a
      FROM supervision_policies FINAL ${where} GROUP BY tenant, policy_id)`;
  const self: PolicyStore = {
    create(tenant, definition, createdBy) {
      return insert(tenant, `pol_${randomBytes(10).toString('hex').slice(0, 16)}`, 1, definition, createdBy);
    },
    async update(tenant, policyId, definition, createdBy) {
      const current = await self.get(tenant, policyId);
      // Two changes at the same instant could pick the same number; the ReplacingMergeTree keeps one, and the audit log has both.
      return insert(tenant, policyId, current.version + 1, definition, createdBy);
    },
    async get(tenant, policyId, version) {
      const rows = await store.query<PolicyRow>(
        'supervision: read policy',
        `SELECT ${COLUMNS} FROM supervision_policies FINAL WHERE tenant = {tenant:String} AND policy_id = {policyId:String}
         ${version !== undefined ? 'AND version = {version:UInt32}' : ''} ORDER BY version DESC LIMIT 1`,
        { tenant, policyId, ...(version !== undefined ? { version } : {}) },
      );
      if (rows.length === 0) throw new PolicyNotFoundError(tenant, policyId, version);
      return toPolicyVersion(rows[0]!);
    },
    async list(tenant) {
      const rows = await store.query<PolicyRow>('supervision: list policies', `${latest('WHERE tenant = {tenant:String}')} ORDER BY policy_id`, { tenant });
      return rows.map(toPolicyVersion);
    },
    async versions(tenant, policyId) {
      const rows = await store.query<PolicyRow>(
        'supervision: policy versions',
        `SELECT ${COLUMNS} FROM supervision_policies FINAL WHERE tenant = {tenant:String} AND policy_id = {policyId:String} ORDER BY version`,
        { tenant, policyId },
      );
      if (rows.length === 0) throw new PolicyNotFoundError(tenant, policyId);
      return rows.map(toPolicyVersion);
    },
    async enabled() {
      const rows = await store.query<PolicyRow & { enabled: number }>(
        'supervision: enabled policies',
        `${latest('')} WHERE JSONExtractBool(definition, 'enabled') ORDER BY tenant, policy_id`,
      );
      return rows.map(toPolicyVersion);
    },
  };
  return self;
}
