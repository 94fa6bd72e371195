/** A flagged version's text with what the policy matched marked, each mark titled with its lexicon entries. */
import type { ReviewMatch } from '../api/types.js';
import { rangeParts } from '../format/ranges.js';

export function MatchedText({ text, matches }: { text: string; matches: readonly ReviewMatch[] }) {
  return <>{rangeParts(text, matches).map((p, i) => (p.labels.length ? <mark key={i} title={p.labels.join(', ')}>{p.text}</mark> : p.text))}</>;
}
