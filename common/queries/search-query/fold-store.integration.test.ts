/**
 * The query side folds words as the store folds texts (migration 0010's text_norm
 * expression, run here by the real engine): any disagreement is a word the search
 * cannot find. The strings are the hard cases of case and accent folding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../../test/helpers/store.js';
import { foldWords, TEXT_NORM_SQL } from './fold.js';

const HARD = [
  'ΟΔΟΣ', 'ΟΔΟΣ ΣΑΣ.', 'Σ', 'ΑΣ-ΒΣ', 'ὈΔΥΣΣΕΎΣ', 'οδοσ οδος', 'ΣΊΣΥΦΟΣ!', 'ΟΔΟΣ\u0301', 'Ο\u0301Σ',
  'Réunion à l’ÉQUIPE', 'STRASSE Straße', 'İstanbul ıI', 'ﬁn ①', 'ｶﾀｶﾅ', 'cafe\u0301', '😀 emoji👍🏽 fin', '東京タワー',
];

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('fold-store');
});
afterAll(async () => ts?.close());

describe('query folding agrees with the store', () => {
  it('gives the words text_norm holds, Greek final sigma included', async () => {
    for (const text of HARD) {
      const [row] = await ts.store.query<{ n: string }>('test: fold', `SELECT ${TEXT_NORM_SQL} AS n FROM (SELECT {t:String} AS text)`, { t: text });
      expect({ text, words: foldWords(text) }).toEqual({ text, words: row!.n.trim().split(' ').filter(Boolean) });
    }
  });
});
