/**
 * One record must never end an import. Exports are written by other programs and
 * hold shapes no mapper foresaw (a `null` where an object belongs, a value nested
 * 40,000 levels deep that overflows the stack of JSON.stringify), so every step
 * that handles one record (map, validate, row) runs under this guard: an
 * exception becomes a problem of that record, with the error as its reason, and
 * the import goes on with the next one. Failures of the import itself (a file
 * that cannot be read, the store refusing a batch) are not records' faults and
 * still end the run.
 */
import { CustosError } from '../../common/errors.js';
import type { Location, ProblemItem } from './types.js';

/** The step of the record's way into the archive that threw. */
export type RecordStep = 'map' | 'validate' | 'row';

/** The reason code of every record that threw; the detail says in which step and what. */
export const RECORD_ERROR = 'record_error';

/** A record's own data made a step throw; carries the step and the original error. */
export class RecordError extends CustosError {
  constructor(
    readonly step: RecordStep,
    cause: unknown,
  ) {
    super(`${step}: ${describe(cause)}`, { cause });
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** The report entry of a record whose step threw. */
export function recordErrorProblem(where: Location, err: unknown, step: RecordStep = 'map'): ProblemItem {
  const e = err instanceof RecordError ? err : new RecordError(step, err);
  return { kind: 'problem', file: where.file, at: where.at, reason: RECORD_ERROR, detail: e.message };
}

/**
 * Runs a record's mapper and returns all it produced, or, if it threw, one problem
 * for the record. Nothing of a half-mapped record is kept: its events are built
 * first and handed on only when the whole record mapped.
 */
export function mapRecord<T>(where: Location, map: () => Iterable<T>): T[] | [ProblemItem] {
  try {
    return [...map()];
  } catch (err) {
    return [recordErrorProblem(where, err, 'map')];
  }
}
