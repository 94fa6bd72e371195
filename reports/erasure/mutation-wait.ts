/**
 * Waits for the mutations an erasure sent without waiting (mutations_sync = 0): the
 * walk sends the mutations of every table of one dependency rank at once, so the
 * engine rewrites their parts side by side, and waits here once for all of them
 * instead of once per table. A mutation the engine cannot apply fails the wait with
 * its reason (the job fails; a re-run counts again and resends what is left).
 */
import type { Store } from '../../common/store/store.js';
import { CustosError } from '../../common/errors.js';

export class MutationFailedError extends CustosError {
  constructor(readonly table: string, readonly reason: string) {
    super(`erasure: the store could not apply the mutation of ${table}: ${reason}`);
  }
}

/** Polls system.mutations until no mutation of `tables` (names or inner storages) is left to do. */
export async function waitForMutations(store: Store, tables: readonly string[], o: { signal: AbortSignal; pollMs?: number }): Promise<void> {
  if (tables.length === 0) return;
  for (;;) {
    if (o.signal.aborted) throw o.signal.reason;
    const open = await store.query<{ table: string; reason: string }>('erasure: mutations left',
      `SELECT table, latest_fail_reason AS reason FROM system.mutations
       WHERE database = currentDatabase() AND table IN {tables:Array(String)} AND NOT is_done AND NOT is_killed`, { tables });
    if (open.length === 0) return;
    const failed = open.find((m) => m.reason !== '');
    if (failed) throw new MutationFailedError(failed.table, failed.reason);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 50));
  }
}
