/** Typed errors of the package mechanism; each names the file or key it is about. */
import { CustosError } from '../../common/errors.js';

/** Moved to common/keys (audit checkpoints sign with the same key); re-exported for the package code. */
export { SigningKeyError } from '../../common/keys/signing-keys.js';

/** The inputs of a package disagree with what is on disk (a format writer bug, a stray file). */
export class PackageBuildError extends CustosError {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** A package cannot be opened at all (no such path, not a directory or a ZIP). */
export class PackageOpenError extends CustosError {
  constructor(
    readonly path: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${problem}`, options);
  }
}
