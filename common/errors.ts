/** Typed errors that carry the context an operator needs to act on them. */

export class CustosError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value is missing or wrong; the message names the variable. */
export class ConfigError extends CustosError {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

/** The embedded data directory is held by another process. */
export class StoreLockedError extends CustosError {
  constructor(
    readonly dataDir: string,
    readonly holder: string,
  ) {
    super(`data directory ${dataDir} is in use by ${holder}; stop that process, or talk to it over HTTP`);
  }
}

/** A store operation failed; `operation` says which (a log_comment tag) and `code` is ClickHouse's. */
export class StoreError extends CustosError {
  constructor(
    readonly operation: string,
    message: string,
    readonly code: string | undefined,
    readonly type: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${message}`, options);
  }
}

/** The migration files and the migrations recorded in the database disagree. */
export class MigrationMismatchError extends CustosError {}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
