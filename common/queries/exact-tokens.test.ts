/**
 * Export sets and legal holds match query tokens exactly (lowercased text split at
 * ASCII separators). Since migration 0016 they find candidates through the folded
 * index (text_norm) instead of an index on `text`: the answer must be the one the
 * exact check alone gives, for text where folding and exact tokens differ most.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent, type ValidEvent } from '../events/validate.js';
import { toRow } from '../events/rows.js';
import { createEventWriter } from '../../ingest/event-writer.js';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { cloudEvent, DATA_BY_TYPE } from '../../test/helpers/events.js';
import { exactTokensCondition, exactTokensParams, tokenize } from './tokens.js';

const TEXTS = [
  'Réunion à l’ÉQUIPE demain', 'reunion a l equipe demain', "L'équipe: RÉSUMÉ du sprint", 'Straße und STRASSE', 'İstanbul IŞIK ılık',
  'ΟΔΟΣ Σίσυφος', '😀 emoji👍🏽 fin', '東京タワー 会議', 'ｶﾀｶﾅ ﬁn ①', 'cafe\u0301 crème', 'release-plan v2.1', 'e-mail hunter2',
];
const QUERIES = ['réunion', 'reunion', 'l’équipe', "l'équipe", 'équipe', 'résumé', 'straße', 'strasse', 'istanbul', 'i̇stanbul', 'ışık', 'οδος', 'σίσυφος',
  '😀', 'emoji👍🏽', '東京タワー', 'ｶﾀｶﾅ', 'ﬁn', 'fin', 'café', 'cafe\u0301', 'release plan', 'v2', 'e-mail', 'hunter2 e'];

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('exact-tokens');
  const rows = TEXTS.map((text, i) => toRow(validateEvent(cloudEvent('message.created', { ...DATA_BY_TYPE['message.created'], message_id: `m${i}`, text }, { id: `e${i}`, tenant: 'xt' })) as ValidEvent, 'test'));
  await createEventWriter(ts.store).write(rows);
});
afterAll(async () => ts?.close());

describe('exact tokens through the folded index', () => {
  it('finds exactly the versions whose lowercased words hold every token', async () => {
    for (const q of QUERIES) {
      const tokens = [...new Set(tokenize(q))];
      const { params, foldedCount } = exactTokensParams('tokens', tokens);
      const rows = await ts.store.query<{ message_id: string }>('test: exact tokens',
        `SELECT message_id FROM message_versions WHERE tenant = 'xt' AND ${exactTokensCondition('tokens', foldedCount)} ORDER BY message_id`, params);
      // Expected from the texts: the tokens the old index on lowerUTF8(text) held (same split as tokenize).
      const expected = TEXTS.map((t, i) => ({ words: new Set(tokenize(t)), id: `m${i}` }))
        .filter((t) => tokens.every((w) => t.words.has(w))).map((t) => t.id).sort();
      expect(rows.map((r) => r.message_id), q).toEqual(expected);
    }
  });

  it('uses the folded text index for the candidates', async () => {
    const { params, foldedCount } = exactTokensParams('tokens', ['réunion']);
    const plan = await ts.store.query<{ explain: string }>('test: plan', `EXPLAIN indexes = 1 SELECT message_id FROM message_versions WHERE tenant = 'xt' AND ${exactTokensCondition('tokens', foldedCount)}`, params);
    expect(plan.map((r) => r.explain).join('\n')).toMatch(/Name: idx_text_norm/);
  });
});
