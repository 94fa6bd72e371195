/**
 * Load something from the API when the inputs change; the page renders loading, data
 * or the problem. `reload` (polling, after an action) keeps showing the last answer
 * until the new one arrives, so a progress bar does not flicker.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Result } from '../api/client.js';

export type Loaded<T> = { state: 'loading' } | { state: 'done'; result: Result<T> };

export function useLoad<T>(load: () => Promise<Result<T>>, inputs: readonly unknown[]): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const refreshing = useRef(false);
  useEffect(() => {
    let current = true;
    if (!refreshing.current) setLoaded({ state: 'loading' });
    refreshing.current = false;
    void load().then((result) => {
      if (current) setLoaded({ state: 'done', result });
    });
    return () => {
      current = false;
    };
    // The inputs stand for what `load` reads; `load` itself is a new closure every render.
  }, [...inputs, tick]);
  const reload = useCallback(() => {
    refreshing.current = true;
    setTick((t) => t + 1);
  }, []);
  return [loaded, reload];
}
