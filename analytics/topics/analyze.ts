/**
 * What one message is about, without its text: language (per clause), stem keys of
 * its content words and the words they came from, two- and three-word phrases,
 * whether it asks a question, and its sentiment. One pass over the words; stems are
 * memoized (chat vocabulary repeats), so most words cost a map lookup.
 */
import { createStemmer, type Stemmer } from '../../common/supervision/stemmers.js';
import { guessWordLanguage, languageOfScore, wordEvidence, type Language, type MessageLanguage } from './language.js';
import { EN_AUXILIARIES, EN_SUBJECTS, FR_INVERSION, NEGATORS, SENTIMENT, WH_WORDS } from './lexicon.js';
import { isStopWord } from './stopwords.js';

/**
 * Model provenance, written in every result row (bump the version when any list or
 * rule changes results): this analyzer (its detector, stop words and lexicons in
 * analytics/topics/) and the stemmer package it runs. Kept short: it is in every row.
 */
export const ANALYZER = 'custos-topics snowball-stemmers@0.6.0';
export const ANALYZER_VERSION = '1';

export interface MessageAnalysis {
  language: MessageLanguage;
  /** Distinct stem keys (folded: no accents), in order of first use. */
  terms: string[];
  /** The word each term was first written as (lowercase), aligned with `terms`. */
  forms: string[];
  phrases: string[];
  phraseForms: string[];
  isQuestion: boolean;
  /** Mean weight of the sentiment words, -1..1 (0 without any); null when the language is undetermined. */
  sentiment: number | null;
}

export type Analyzer = (text: string) => MessageAnalysis;

const TOKEN = /[\p{L}\p{N}]+|[.!?;:,\n]/gu;
const SENTENCE_END = new Set(['.', '!', '?', '\n']);
const HAS_DIGIT = /\d/;
const NEGATION_SPAN = 3;
const CACHE_LIMIT = 200_000;

export const foldKey = (stem: string) => stem.normalize('NFKD').replace(/\p{Mn}/gu, '');

interface Clause { words: string[]; sentenceStart: boolean; score: number }

function clausesOf(lower: string): Clause[] {
  const clauses: Clause[] = [];
  let current: Clause = { words: [], sentenceStart: true, score: 0 };
  for (const m of lower.matchAll(TOKEN)) {
    const t = m[0];
    if (t.length === 1 && (SENTENCE_END.has(t) || t === ',' || t === ';' || t === ':')) {
      if (current.words.length > 0) clauses.push(current);
      current = { words: [], sentenceStart: SENTENCE_END.has(t) || (current.words.length === 0 && current.sentenceStart), score: 0 };
      continue;
    }
    current.words.push(t);
    current.score += wordEvidence(t);
  }
  if (current.words.length > 0) clauses.push(current);
  return clauses;
}

function isQuestionClause(c: Clause, lang: Language): boolean {
  const first = c.words[0]!;
  if (WH_WORDS[lang].has(first)) return true;
  if (lang === 'en') return c.sentenceStart && EN_AUXILIARIES.has(first) && c.words.length > 1 && EN_SUBJECTS.has(c.words[1]!);
  return first === 'est' && c.words[1] === 'ce' && c.words[2] === 'que';
}

export function createAnalyzer(): Analyzer {
  const stemmers: Record<Language, Stemmer> = { en: createStemmer('en'), fr: createStemmer('fr') };
  const caches: Record<Language, Map<string, string>> = { en: new Map(), fr: new Map() };
  const keyOf = (w: string, lang: Language): string => {
    let cache = caches[lang];
    let k = cache.get(w);
    if (k === undefined) {
      k = foldKey(stemmers[lang](w));
      if (cache.size >= CACHE_LIMIT) caches[lang] = cache = new Map();
      cache.set(w, k);
    }
    return k;
  };
  const sentiment: Record<Language, Map<string, number>> = { en: new Map(), fr: new Map() };
  for (const lang of ['en', 'fr'] as const) for (const [w, v] of Object.entries(SENTIMENT[lang])) sentiment[lang].set(keyOf(w, lang), v);

  return (text) => {
    const lower = text.toLowerCase();
    const clauses = clausesOf(lower);
    let total = 0;
    let en = false;
    let fr = false;
    for (const c of clauses) {
      total += c.score;
      if (c.score >= 1) en = true;
      if (c.score <= -1) fr = true;
    }
    const messageLang = languageOfScore(total);
    const language: MessageLanguage = en && fr ? 'mixed' : messageLang ?? 'und';
    const terms = new Map<string, string>();
    const phrases = new Map<string, string>();
    let isQuestion = lower.includes('?');
    let sum = 0;
    let hits = 0;
    for (const c of clauses) {
      const clauseLang = languageOfScore(c.score) ?? messageLang;
      const lang = clauseLang ?? guessWordLanguage(c.words[0]!);
      if (!isQuestion && isQuestionClause(c, lang)) isQuestion = true;
      if (!isQuestion && lang === 'fr' && c.words.length > 1 && FR_INVERSION.test(lower)) isQuestion = true;
      let runKeys: string[] = [];
      let runForms: string[] = [];
      let negated = 0;
      for (const w of c.words) {
        if (NEGATORS.has(w)) negated = NEGATION_SPAN + 1;
        if (negated > 0) negated -= 1;
        if (w.length < 2 || w.length > 30 || isStopWord(w) || HAS_DIGIT.test(w)) {
          runKeys = [];
          runForms = [];
          continue;
        }
        const wordLang = clauseLang ?? guessWordLanguage(w);
        const key = keyOf(w, wordLang);
        if (!terms.has(key)) terms.set(key, w);
        const weight = sentiment[wordLang].get(key);
        if (weight !== undefined) {
          sum += negated > 0 ? -weight : weight;
          hits += 1;
        }
        runKeys.push(key);
        runForms.push(w);
        const n = runKeys.length;
        if (n >= 2) {
          const k2 = `${runKeys[n - 2]!} ${key}`;
          if (!phrases.has(k2)) phrases.set(k2, `${runForms[n - 2]!} ${w}`);
        }
        if (n >= 3) {
          const k3 = `${runKeys[n - 3]!} ${runKeys[n - 2]!} ${key}`;
          if (!phrases.has(k3)) phrases.set(k3, `${runForms[n - 3]!} ${runForms[n - 2]!} ${w}`);
        }
      }
    }
    return {
      language,
      terms: [...terms.keys()],
      forms: [...terms.values()],
      phrases: [...phrases.keys()],
      phraseForms: [...phrases.values()],
      isQuestion,
      sentiment: language === 'und' ? null : hits === 0 ? 0 : Math.max(-1, Math.min(1, sum / (3 * hits))),
    };
  };
}
