/** A time in the viewer's zone, with UTC on hover and in the machine-readable attribute. */
import { formatLocal, formatUtc, formatUtcDay } from '../format/times.js';
import { useLang } from '../i18n/index.js';

export function Time({ iso }: { iso: string | null | undefined }) {
  const locale = useLang();
  if (!iso) return <span>—</span>;
  return <time dateTime={iso} title={formatUtc(iso)}>{formatLocal(iso, { locale })}</time>;
}

/** A deadline's UTC day (a subject request's due date), with the exact UTC instant on hover. */
export function DueDay({ iso }: { iso: string | null | undefined }) {
  const locale = useLang();
  if (!iso) return <span>—</span>;
  return <time dateTime={iso} title={formatUtc(iso)}>{formatUtcDay(iso, locale)}</time>;
}
