/**
 * The store an app is given, timing each call by its operation label while a
 * measurement runs: where a page load's server time goes (sessions, audit, analytics
 * answers...). Calls may overlap, so their summed times may exceed the wall time.
 */
import type { Store } from '../../common/store/store.js';

/** Store calls by operation label: how many, and their summed wall time (calls may overlap). */
export type StoreTimes = Map<string, { n: number; ms: number }>;

/**
 * The app's store, timing each call by its operation label while `times` is set: where
 * a page load's server time goes (sessions, audit, analytics answers...).
 */
export function timedStore(store: Store): { store: Store; measure<T>(run: () => Promise<T>): Promise<[T, StoreTimes]> } {
  let times: StoreTimes | undefined;
  const timed = new Set(['query', 'command', 'insert', 'insertColumns', 'insertLines', 'insertRaw', 'lookupKeys', 'upsertKeys']);
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !timed.has(prop) || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      return async (operation: string, ...rest: unknown[]) => {
        const into = times;
        const t0 = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).call(target, operation, ...rest);
        } finally {
          if (into) {
            const e = into.get(operation) ?? { n: 0, ms: 0 };
            e.n++;
            e.ms += performance.now() - t0;
            into.set(operation, e);
          }
        }
      };
    },
  });
  return {
    store: proxy,
    async measure(run) {
      const mine: StoreTimes = new Map();
      times = mine;
      try {
        return [await run(), mine];
      } finally {
        times = undefined;
      }
    },
  };
}

