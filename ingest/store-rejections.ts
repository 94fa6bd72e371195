/**
 * Tells a store failure that retrying can fix (store down, timeout, table detached,
 * too many parts) from one it cannot (the store refuses these rows). Only the
 * second kind makes ingest isolate the rows the store refuses and DLQ them.
 */
import { StoreError } from '../common/errors.js';

// ClickHouse error codes that mean "this data is unacceptable", not "try later".
const DATA_ERROR_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
  '321', // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
]);

export function isDataRejection(err: unknown): boolean {
  return err instanceof StoreError && err.code !== undefined && DATA_ERROR_CODES.has(err.code) && err.operation.startsWith('ingest: insert');
}
