/**
 * Client-side navigation with the History API: the current location as state,
 * `navigate` to change it, and a click handler that turns same-origin links under
 * /ui/ into navigations without a reload (links stay real <a href>, so keyboard,
 * middle-click and "open in new tab" work). After each navigation focus moves to the
 * page's <h1>, so screen-reader and keyboard users start at the new page.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Place {
  path: string;
  search: URLSearchParams;
}

const here = (): Place => ({ path: window.location.pathname, search: new URLSearchParams(window.location.search) });
const listeners = new Set<() => void>();

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const l of listeners) l();
  // After the new page rendered.
  setTimeout(() => document.querySelector<HTMLElement>('main h1')?.focus(), 0);
}

export function usePlace(): Place {
  const [place, setPlace] = useState(here);
  useEffect(() => {
    const update = () => setPlace(here());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return place;
}

/** Installed once: plain left clicks on in-app links navigate in place. */
export function interceptLinks(): void {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin || !url.pathname.startsWith('/ui/')) return;
    // In-page anchors (the skip link) keep their native behaviour.
    if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}

/** The query string of a form's fields, without empty ones (so URLs stay short and shareable). */
export function queryOf(fields: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
