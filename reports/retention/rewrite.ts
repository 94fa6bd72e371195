/**
 * DESIGN.md rule 3: deleted means gone from the store's files. A mutation or a
 * dropped partition leaves the old parts on disk as "outdated" until the engine's
 * cleanup removes them; the embedded engine schedules that lazily (measured: 30 s to
 * several minutes). Stopping and starting a table's cleanup makes it run at once, so
 * this loop does that until no outdated part of the affected tables is left, and
 * only then may the job report done.
 */
import type { Store } from '../../common/store/store.js';
import { quoted } from '../../common/retention/plan.js';

export class RewriteTimeoutError extends Error {
  constructor(readonly tables: string[], readonly parts: number, readonly waitedMs: number) {
    super(`after ${Math.round(waitedMs / 1000)} s, ${parts} old part(s) of ${tables.join(', ')} are still on disk; the run is not done until they are gone (it resumes from its checkpoint)`);
    this.name = 'RewriteTimeoutError';
  }
}

export interface RewriteResult {
  waited_ms: number;
  outdated_parts_removed: number;
}

async function outdatedParts(store: Store, storages: readonly string[]): Promise<number> {
  const [r] = await store.query<{ n: string }>(
    'retention: outdated parts',
    'SELECT count() AS n FROM system.parts WHERE database = currentDatabase() AND table IN {tables:Array(String)} AND NOT active',
    { tables: storages },
  );
  return Number(r?.n ?? 0);
}

export async function waitForRewrite(store: Store, storages: readonly string[], o: { timeoutMs: number; signal: AbortSignal }): Promise<RewriteResult> {
  const start = Date.now();
  const first = await outdatedParts(store, storages);
  let left = first;
  while (left > 0) {
    if (Date.now() - start > o.timeoutMs) throw new RewriteTimeoutError([...storages], left, Date.now() - start);
    if (o.signal.aborted) throw o.signal.reason;
    for (const t of storages) {
      await store.command('retention: run cleanup', `SYSTEM STOP CLEANUP ${quoted(t)}`);
      await store.command('retention: run cleanup', `SYSTEM START CLEANUP ${quoted(t)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    left = await outdatedParts(store, storages);
  }
  return { waited_ms: Date.now() - start, outdated_parts_removed: first };
}
