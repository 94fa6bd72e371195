/**
 * The enabled supervision policies of every tenant, compiled, as ingest sees them.
 * Reloaded from the store every `refreshMs` (default 2 s), so a policy enabled
 * through the API (or another process) applies to messages ingested from the next
 * reload on; a tenant's matcher is recompiled only when one of its versions changed.
 * Messages ingested before the reload are not evaluated by the new version: a
 * backtest covers them (docs/supervision.md).
 */
import type { Logger } from '../../common/logger.js';
import { errorMessage } from '../../common/errors.js';
import { compilePolicySet, type PolicySet } from '../../common/supervision/flagging.js';
import type { PolicyStore } from '../../common/supervision/policy-store.js';
import type { PolicyVersion } from '../../common/supervision/policy-model.js';

/**
 * The enabled versions of every tenant, for the decode worker, which compiles its own
 * matchers from them (ingest/kafka/decode-worker.ts). `generation` changes whenever
 * a tenant's versions do; `key` names a tenant's versions (its matcher's identity).
 */
export interface PolicySnapshot {
  generation: number;
  tenants: Array<{ tenant: string; key: string; versions: PolicyVersion[] }>;
}

export interface PolicyCache {
  /** The tenant's compiled enabled policies, or undefined when it has none. */
  setFor(tenant: string): PolicySet | undefined;
  /** The key of the tenant's current set (policy@version list), or undefined when it has none. */
  keyFor(tenant: string): string | undefined;
  /** The current enabled versions, for matching off the main thread. */
  snapshot(): PolicySnapshot;
  /** Reloads now (also what the timer does). */
  refresh(): Promise<void>;
  /** Resolves after the first load; a second start while running does nothing. */
  start(): Promise<void>;
  stop(): void;
}

export function createPolicyCache(policies: PolicyStore, log: Logger, refreshMs = 2000): PolicyCache {
  let sets = new Map<string, { key: string; set: PolicySet }>();
  let timer: NodeJS.Timeout | undefined;
  let loading: Promise<void> | undefined;
  let snapshot: PolicySnapshot = { generation: 0, tenants: [] };

  async function load(): Promise<void> {
    const byTenant = new Map<string, PolicyVersion[]>();
    for (const v of await policies.enabled()) {
      const list = byTenant.get(v.tenant);
      if (list) list.push(v);
      else byTenant.set(v.tenant, [v]);
    }
    const next = new Map<string, { key: string; set: PolicySet }>();
    let changed = byTenant.size !== sets.size;
    for (const [tenant, versions] of byTenant) {
      const key = versions.map((v) => `${v.policyId}@${v.version}`).join(',');
      const current = sets.get(tenant);
      next.set(tenant, current?.key === key ? current : { key, set: compilePolicySet(tenant, versions) });
      if (current?.key !== key) {
        changed = true;
        log.info({ tenant, policies: key }, 'supervision policies loaded');
      }
    }
    sets = next;
    if (changed) {
      snapshot = {
        generation: snapshot.generation + 1,
        tenants: [...byTenant].map(([tenant, versions]) => ({ tenant, key: next.get(tenant)!.key, versions })),
      };
    }
  }

  const self: PolicyCache = {
    setFor: (tenant) => sets.get(tenant)?.set,
    keyFor: (tenant) => sets.get(tenant)?.key,
    snapshot: () => snapshot,
    refresh() {
      loading ??= load().finally(() => {
        loading = undefined;
      });
      return loading;
    },
    async start() {
      if (timer) return;
      await self.refresh();
      if (timer) return;
      const tick = () => {
        timer = setTimeout(() => {
          // A failed reload keeps the last policies; the next tick tries again.
          self.refresh().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'reloading supervision policies failed; keeping the last ones')).finally(() => {
            if (timer) tick();
          });
        }, refreshMs);
        timer.unref();
      };
      tick();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
  return self;
}
