/**
 * Tells a failure that waiting can fix (the store or the broker is away) from one
 * that the input itself caused (a bug a record found: RangeError, TypeError, ...).
 * The first is retried with backoff; retrying the second would stop the partition
 * for ever, so its records are isolated and sent to the DLQ instead.
 */
import { StoreError } from '../../common/errors.js';
import { StoppedError } from '../retry.js';

const JS_ERRORS = [RangeError, TypeError, SyntaxError, ReferenceError] as const;

export function isInputFailure(err: unknown): boolean {
  if (err instanceof StoppedError) return false;
  if (err instanceof StoreError) {
    // The store wrapper wraps everything, client-side serialization errors included.
    const cause = (err as { cause?: unknown }).cause;
    return JS_ERRORS.some((E) => cause instanceof E) && (cause as { code?: unknown }).code === undefined;
  }
  return JS_ERRORS.some((E) => err instanceof E);
}
