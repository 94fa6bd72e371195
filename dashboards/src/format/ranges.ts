/**
 * Text cut at the offsets a policy matched (the review queue's `matches`: UTF-16
 * [start, end) in the flagged version's text, as JavaScript strings count), so the
 * matched terms can be marked. Overlapping or touching matches merge into one mark
 * that names every label; offsets outside the text are clipped, empty ones dropped.
 */
export interface Range {
  start: number;
  end: number;
  label: string;
}

export interface RangePart {
  text: string;
  /** The labels of the matches covering this part; empty when it is not a match. */
  labels: string[];
}

export function rangeParts(text: string, ranges: readonly Range[]): RangePart[] {
  const clipped = ranges
    .map((r) => ({ start: Math.max(0, Math.min(r.start, text.length)), end: Math.max(0, Math.min(r.end, text.length)), label: r.label }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: { start: number; end: number; labels: string[] }[] = [];
  for (const r of clipped) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) {
      last.end = Math.max(last.end, r.end);
      if (!last.labels.includes(r.label)) last.labels.push(r.label);
    } else merged.push({ start: r.start, end: r.end, labels: [r.label] });
  }
  const parts: RangePart[] = [];
  let at = 0;
  for (const m of merged) {
    if (m.start > at) parts.push({ text: text.slice(at, m.start), labels: [] });
    parts.push({ text: text.slice(m.start, m.end), labels: m.labels });
    at = m.end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), labels: [] });
  return parts;
}
