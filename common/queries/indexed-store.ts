/**
 * Read queries of the search modules always run with skip indexes on. The text
 * index is not only faster: its preprocessor (lowerUTF8) is what makes
 * hasAllTokens(text, ...) case-insensitive, so without it the answer would change.
 * Settings are passed per query because an embedded chDB session keeps the
 * settings of earlier queries (another module turning indexes off for its own
 * query would otherwise turn them off for every later search).
 */
import type { Store } from '../store/store.js';

export const SEARCH_SETTINGS = { use_skip_indexes: 1, use_index_for_in_with_subqueries: 1 } as const;

export function indexed(store: Store): Store {
  return {
    ...store,
    query: (operation, sql, params, settings = {}) => store.query(operation, sql, params, { ...SEARCH_SETTINGS, ...settings }),
  };
}
