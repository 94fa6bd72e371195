/**
 * The engagement series as a line chart (uPlot: about 50 KB minified, 22 KB gzipped,
 * canvas, no dependencies; bundled, no CDN). One line per group; a figure the privacy
 * floor hides is a gap in its line, never a zero, and the notice says why under the
 * chart. uPlot draws on a canvas and sets its sizes through the CSSOM (element.style),
 * which a strict CSP allows: no inline <style> or style attribute in markup. The table
 * below the chart stays the accessible form of the same numbers.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type Reason, cellKey, groupLabel, hiddenCells } from '../format/engagement.js';
import { useT } from '../i18n/index.js';

const COLOURS = ['#1f5fa8', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d'];

/** What the chart draws: the engagement answer, or any answer of the same shape (the topics' series, docs/topics.md). */
export interface Charted { periods: readonly string[]; group_by: string; suppressed: readonly { period: string; group: string | null; reason: Reason }[]; series: readonly { group: string | null; values: readonly (number | null)[] }[] }

/** The chart's data: x is the period's index (periods are labels, not instants), each series its values with hidden cells as gaps. */
export function chartData(e: Charted): { xs: number[]; lines: { label: string | null; values: (number | null)[] }[] } {
  const hidden = hiddenCells(e.suppressed, e.group_by === 'none');
  return {
    xs: e.periods.map((_, i) => i),
    lines: e.series.map((row) => ({ label: row.group, values: e.periods.map((p, i) => (hidden.has(cellKey(row.group, p)) ? null : row.values[i] ?? null)) })),
  };
}

export function SeriesChart({ e, title }: { e: Charted; title: string }) {
  const t = useT().engagement;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const { xs, lines } = chartData(e);
    const plot = new uPlot(
      {
        width: Math.max(320, Math.min(el.clientWidth || 800, 960)),
        height: 260,
        series: [{ label: t.period, value: (_u: uPlot, i: number | null) => (i === null ? '—' : e.periods[Math.round(i)] ?? '') }, ...lines.map((l, i) => ({ label: groupLabel(l.label, t), stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: false, points: { show: xs.length < 40 } }))],
        // Ticks on whole periods only, at most eight labels.
        axes: [{ splits: () => xs.filter((i) => i % Math.ceil(xs.length / 8) === 0), values: (_u: uPlot, ticks: number[]) => ticks.map((i) => e.periods[Math.round(i)] ?? '') }, {}],
        scales: { x: { time: false } },
        legend: { show: true },
      },
      [xs, ...lines.map((l) => l.values)] as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [e, t]);
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={title} />
      <figcaption class="muted">{title}</figcaption>
    </figure>
  );
}
