/** The page's one <h1> (focus target after navigation) and the document title. */
import { useEffect } from 'preact/hooks';

export function PageTitle({ children }: { children: string }) {
  useEffect(() => {
    document.title = `${children} · Custos`;
  }, [children]);
  return <h1 tabIndex={-1}>{children}</h1>;
}
