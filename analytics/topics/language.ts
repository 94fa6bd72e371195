/**
 * Language detection of chat messages, English and French, per sentence or clause,
 * so a short message ("réunion demain ?") and a mixed one ("Salut, the build is
 * broken") get the right stemmer for each of their words. Measured against the
 * general detectors (docs/topics.md): on one to five words they guess among dozens
 * of languages and are wrong most of the time; here the question is only "English or
 * French", answered from words that exist in only one of the two (function words,
 * frequent chat words), French letters (é, è, ç, ...) and a few endings.
 */
import { STOP_WORDS_EN, STOP_WORDS_FR } from './stopwords.js';

export type Language = 'en' | 'fr';
/** `mixed`: clauses in both languages; `und`: no clue in either (each word then guessed on its own). */
export type MessageLanguage = Language | 'mixed' | 'und';

const only = (a: ReadonlySet<string>, b: ReadonlySet<string>) => new Set([...a].filter((w) => !b.has(w) && w.length > 1));
/** Frequent content words of workplace chat in one language only. */
const EN_WORDS = `meeting meetings tomorrow today yesterday please thanks issue issues problem build deploy release
deadline team help need needs anyone someone know think works working broken fixed fix update updated review
morning afternoon week next last call schedule report customer ticket still already maybe sure great good bad
new time get got going would should could where when why how what who which there here with from this that have`.split(/\s+/);
const FR_WORDS = `réunion réunions demain aujourd hier merci problème problèmes aide besoin quelqu quelqu'un sait
pense marche fonctionne cassé corrigé mise jour livraison équipe semaine prochaine dernière matin après midi appel
client rapport encore déjà peut être bien mal nouveau nouvelle faut fait avoir faire dois doit pourquoi comment
quand combien où quoi voilà donc mais avec pour sans chez toujours jamais rien personne`.split(/\s+/);

const EN_ONLY: ReadonlySet<string> = new Set([...only(STOP_WORDS_EN, STOP_WORDS_FR), ...EN_WORDS]);
const FR_ONLY: ReadonlySet<string> = new Set([...only(STOP_WORDS_FR, STOP_WORDS_EN), ...FR_WORDS]);
const FRENCH_LETTERS = /[éèêëàâçùûüîïôœæ]/;

/** Evidence for English (positive) or French (negative) in one lowercase word. */
export function wordEvidence(w: string): number {
  if (EN_ONLY.has(w)) return 1;
  if (FR_ONLY.has(w)) return -1;
  if (FRENCH_LETTERS.test(w)) return -1;
  if (w.length > 4 && (w.endsWith('ing') || w.endsWith('ly'))) return 0.5;
  if (w.length > 4 && (w.endsWith('eux') || w.endsWith('euse') || w.endsWith('ement') || w.endsWith('aient'))) return -0.5;
  if (w.length > 3 && (w.startsWith('th') || w.startsWith('wh'))) return 0.5;
  return 0;
}

export const languageOfScore = (score: number): Language | undefined => (score > 0 ? 'en' : score < 0 ? 'fr' : undefined);

/** A word with no context: French letters make it French, anything else English. */
export const guessWordLanguage = (w: string): Language => (FRENCH_LETTERS.test(w) || FR_ONLY.has(w) ? 'fr' : 'en');
