/** Numbers as people read them: counts with grouping, sizes, progress and durations. Pure; locale given by the caller. */

export function formatCount(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** Decimal units (1 kB = 1000 B, as disks and browsers count), one decimal above bytes. */
export function formatBytes(bytes: number, locale?: string): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)} ${SIZE_UNITS[unit]}`;
}

/** Whole percent of done/total, never 100 before the end; null while the total is unknown (0). */
export function progressPercent(done: number, total: number): number | null {
  if (!(total > 0)) return null;
  const p = Math.floor((Math.min(done, total) / total) * 100);
  return done < total ? Math.min(p, 99) : 100;
}

/** "2 h 5 min", "4 min 10 s", "12 s"; an unknown duration is an em dash. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** "1,234/s" (rounded), or an em dash while no rate is known yet. */
export function formatRate(perSecond: number | null | undefined, locale?: string): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '—';
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: perSecond < 10 ? 1 : 0 }).format(perSecond)}/s`;
}

/** "1 job", "2 jobs", "1,234 messages". */
export function countOf(n: number, one: string, many: string, locale?: string): string {
  return `${formatCount(n, locale)} ${n === 1 ? one : many}`;
}
