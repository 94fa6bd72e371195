/** A time in the viewer's zone, with UTC on hover and in the machine-readable attribute. */
import { formatLocal, formatUtc } from '../format/times.js';
import { useLang } from '../i18n/index.js';

export function Time({ iso }: { iso: string | null | undefined }) {
  const locale = useLang();
  if (!iso) return <span>—</span>;
  return <time dateTime={iso} title={formatUtc(iso)}>{formatLocal(iso, { locale })}</time>;
}
