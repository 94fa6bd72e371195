/** Calls `tick` every `ms` while `active`, stopping when the page goes away. */
import { useEffect } from 'preact/hooks';

export function usePoll(active: boolean, ms: number, tick: () => void): void {
  useEffect(() => {
    if (!active) return undefined;
    const id = setInterval(tick, ms);
    return () => clearInterval(id);
  }, [active, ms, tick]);
}
