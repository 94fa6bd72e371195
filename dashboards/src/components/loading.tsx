import { useT } from '../i18n/index.js';

export function Loading({ what }: { what: string }) {
  const t = useT();
  return <p class="loading" role="status">{t.shell.loading(what)}</p>;
}
