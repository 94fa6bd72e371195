/** Typed job errors: the API turns them into problem+json naming the field or the job. */
import { CustosError } from '../errors.js';

export class UnknownJobKindError extends CustosError {
  constructor(readonly kind: string, readonly known: string[]) {
    super(`job kind "${kind.slice(0, 64)}" is not one of ${known.join(', ')}`);
  }
}

export class InvalidJobParamsError extends CustosError {
  constructor(readonly kind: string, readonly field: string, problem: string) {
    super(`${kind} job: ${field}: ${problem}`);
  }
}

export class JobNotFoundError extends CustosError {
  constructor(readonly tenant: string, readonly id: string) {
    super(`no job ${id.slice(0, 80)} in tenant ${tenant}`);
  }
}

export class JobStateError extends CustosError {
  constructor(readonly id: string, readonly state: string, wanted: string) {
    super(`job ${id} is ${state}: cannot ${wanted}`);
  }
}

/** The reason a job's signal was aborted: a cancel, or the process stopping (the job resumes later). */
export class JobCancelled extends CustosError {
  constructor(readonly by: 'cancel' | 'shutdown') {
    super(by === 'cancel' ? 'cancelled' : 'stopped with the process; it resumes from its checkpoint');
  }
}
