/**
 * Snowball stemmers for English and French (npm snowball-stemmers: the Snowball
 * project's own algorithms), memoized. The library spends several microseconds a
 * word; chat vocabulary repeats, so a bounded cache makes a stem a map lookup for
 * almost every word. The cache is dropped whole when full (simpler than an LRU and
 * as good for a vocabulary that follows Zipf's law).
 */
import snowball from 'snowball-stemmers';
import type { StemLanguage } from './policy-model.js';

const ALGORITHM: Record<StemLanguage, string> = { en: 'english', fr: 'french' };
const CACHE_LIMIT = 200_000;

export type Stemmer = (foldedWord: string) => string;

export function createStemmer(language: StemLanguage): Stemmer {
  const algorithm = snowball.newStemmer(ALGORITHM[language]);
  let cache = new Map<string, string>();
  return (word) => {
    let stem = cache.get(word);
    if (stem === undefined) {
      stem = algorithm.stem(word);
      if (cache.size >= CACHE_LIMIT) cache = new Map();
      cache.set(word, stem);
    }
    return stem;
  };
}
