/** Message text with the query's words marked. */
import { highlightParts } from '../format/highlight.js';

export function Highlight({ text, words }: { text: string; words: readonly string[] }) {
  return <>{highlightParts(text, words).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : p.text))}</>;
}
