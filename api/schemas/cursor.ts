/** Cursor decoding for handlers: a cursor that is not ours, or not for these filters, is a 400 naming `cursor`. */
import { CursorError, type CursorCodec, type CursorPosition } from '../../common/queries/cursor.js';
import { HttpProblem, PROBLEM_BASE } from '../problem.js';

export function decodeCursorParam(codec: CursorCodec, cursor: string | undefined, filters: unknown): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    return codec.decode(cursor, filters);
  } catch (err) {
    if (err instanceof CursorError) {
      throw new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-cursor`, title: 'Invalid cursor', detail: `query parameter "cursor" ${err.message}`, field: 'cursor' });
    }
    throw err;
  }
}

/** The filters a cursor is bound to: everything but the page size and the cursor itself. */
export function cursorFilters<Q extends { cursor?: string; limit?: number }>(operation: string, tenant: string, query: Q): unknown {
  const { cursor: _c, limit: _l, ...filters } = query;
  return { operation, tenant, ...filters };
}

export function notFound(what: string): HttpProblem {
  return new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Not found', detail: `${what} is not in the archive` });
}
