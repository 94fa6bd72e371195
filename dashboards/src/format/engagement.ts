/**
 * Engagement figures as a manager reads them, and the privacy floor said in words.
 * The API hides a cell about fewer than k people (value null, listed in `suppressed`
 * with its reason, docs/analytics.md); the page must say so where the number would be,
 * never show a blank that reads as zero.
 */
import { formatCount, formatDuration } from './numbers.js';
import { en, type Messages } from '../i18n/en.js';

export type Reason = 'fewer_than_k_people' | 'difference_with_shown_groups' | 'conversation_under_k_members';

/** Units the API states per metric; summary figures are named, so their unit comes from the name. */
export function unitOfFigure(figure: string): string {
  if (figure.endsWith('_share') || figure === 'stickiness') return 'ratio';
  if (/_p\d\d$|_seconds$/.test(figure)) return 'seconds';
  return 'count';
}

/** A figure in its unit: ratios as a percent, seconds as a duration, the rest as a count (averages to one decimal). */
export function formatFigure(value: number | null | undefined, unit: string, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (unit === 'ratio') return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value * 100)} %`;
  if (unit === 'seconds') return formatDuration(value);
  return Number.isInteger(value) ? formatCount(value, locale) : new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
}

/** The notice shown in place of a hidden figure or cell. */
export function hiddenText(reason: Reason, k: number, count?: number, m: Messages['engagement'] = en.engagement, locale?: string): string {
  if (reason === 'fewer_than_k_people') return m.hiddenSmall(k);
  if (reason === 'difference_with_shown_groups') return m.hiddenDifference(k);
  const n = count ?? 0;
  return m.conversationsHidden(formatCount(n, locale), n, k);
}

/**
 * The reason a series cell is hidden, by group and period ("\u0000" stands for the
 * ungrouped series). Ungrouped (`group_by=none`), the API names the one series `null`
 * but its suppressed cells `""`: every entry then belongs to that series.
 */
export function hiddenCells(suppressed: readonly { period: string; group: string | null; reason: Reason }[], ungrouped = false): Map<string, Reason> {
  return new Map(suppressed.filter((s) => s.reason !== 'conversation_under_k_members').map((s) => [cellKey(ungrouped ? null : s.group, s.period), s.reason]));
}

export const cellKey = (group: string | null, period: string) => `${group ?? '\u0000'}|${period}`;

/** "Everyone in scope" for the ungrouped series, "(no department)" for people the directory has no department for. */
export function groupLabel(group: string | null, m: Messages['engagement'] = en.engagement): string {
  if (group === null) return m.everyoneInScope;
  return group === '' ? m.noGroup : group;
}
