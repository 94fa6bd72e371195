/**
 * The small lexicons of the analyzer: interrogative forms (questions) and sentiment
 * words with a weight from -3 to 3 (AFINN's scale), in English and French, with the
 * negators that flip the words after them. Workplace chat, not literature: the lists
 * name what teams say when things go well or badly. Sentiment words are matched by
 * stem, so "blocked"/"blocking" and "bloqué"/"bloquée" are one entry.
 */
import type { Language } from './language.js';

/** A clause starting with one of these is a question (with or without "?"). */
export const WH_WORDS: Record<Language, ReadonlySet<string>> = {
  en: new Set(['who', 'what', 'when', 'where', 'why', 'how', 'which', 'whose', 'whom']),
  fr: new Set(['qui', 'quoi', 'quand', 'où', 'pourquoi', 'comment', 'combien', 'quel', 'quelle', 'quels', 'quelles', 'lequel', 'laquelle', 'lesquels', 'lesquelles']),
};
/** An English sentence starting with an auxiliary followed by a subject ("can you", "is there"). */
export const EN_AUXILIARIES: ReadonlySet<string> = new Set(['is', 'are', 'was', 'were', 'do', 'does', 'did', 'can', 'could', 'would', 'should', 'will', 'shall', 'may', 'might', 'have', 'has', 'had']);
export const EN_SUBJECTS: ReadonlySet<string> = new Set(['i', 'you', 'we', 'they', 'he', 'she', 'it', 'there', 'this', 'that', 'the', 'anyone', 'someone', 'somebody', 'anybody', 'any']);
/** French inversion: "pouvez-vous", "a-t-il", "sais-tu" (the words as written, with hyphens). */
export const FR_INVERSION = /\p{L}-(?:t-)?(?:je|tu|il|elle|on|nous|vous|ils|elles)(?![\p{L}-])/u;

export const NEGATORS: ReadonlySet<string> = new Set(['not', 'no', 'never', 'nothing', 'nobody', 't', 'pas', 'jamais', 'aucun', 'aucune', 'rien', 'ni']);

const SENTIMENT_EN: Record<string, number> = {
  good: 2, great: 3, excellent: 3, awesome: 3, nice: 2, thanks: 2, thank: 2, happy: 3, glad: 2, love: 3, perfect: 3, works: 1, fixed: 2, solved: 2, resolved: 2, helpful: 2, easy: 1, fast: 1, done: 1, success: 2, well: 1,
  bad: -2, broken: -2, fail: -2, failed: -2, failing: -2, failure: -2, error: -2, bug: -1, blocked: -2, blocker: -2, stuck: -2, slow: -2, late: -1, delay: -1, delayed: -2, problem: -2, issue: -1, wrong: -2, hard: -1, difficult: -2, frustrating: -3, annoying: -2, angry: -3, terrible: -3, awful: -3, confused: -2, unclear: -2, crash: -2, down: -1, urgent: -1, worried: -2,
};
const SENTIMENT_FR: Record<string, number> = {
  bien: 2, bon: 2, bonne: 2, super: 3, excellent: 3, génial: 3, parfait: 3, merci: 2, content: 2, contente: 2, heureux: 3, marche: 1, fonctionne: 1, corrigé: 2, résolu: 2, réglé: 2, facile: 1, rapide: 1, réussi: 2, top: 2, bravo: 3,
  mauvais: -2, mauvaise: -2, cassé: -2, panne: -2, échec: -2, échoué: -2, erreur: -2, bug: -1, bloqué: -2, bloquant: -2, coincé: -2, lent: -2, lente: -2, retard: -1, problème: -2, souci: -1, faux: -2, difficile: -2, compliqué: -2, pénible: -2, énervant: -2, nul: -3, catastrophe: -3, horrible: -3, perdu: -2, flou: -2, urgent: -1, inquiet: -2, inquiète: -2,
};
export const SENTIMENT: Record<Language, Record<string, number>> = { en: SENTIMENT_EN, fr: SENTIMENT_FR };
