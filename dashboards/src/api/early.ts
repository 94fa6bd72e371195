/**
 * A page's first requests, started by the shell at page load beside /auth/me and
 * GET .../me instead of after them: the page's data then arrives one round trip
 * sooner. Each early answer is used once, by the page's first load of the same
 * request, and only within a few seconds (after that the page asks again), so a
 * later visit never sees an old answer. The API authorizes these requests like any
 * other: a page the person may not use gets its refusal, and shows the shell's.
 */
const FRESH_MS = 10_000;
const early = new Map<string, { at: number; answer: Promise<unknown> }>();

export function startEarly<T>(key: string, start: () => Promise<T>): void {
  if (!early.has(key)) early.set(key, { at: Date.now(), answer: start() });
}

/** The early answer for `key` if there is a fresh one (once), else `start()`. */
export function takeEarly<T>(key: string, start: () => Promise<T>): Promise<T> {
  const e = early.get(key);
  early.delete(key);
  return e && Date.now() - e.at < FRESH_MS ? (e.answer as Promise<T>) : start();
}
