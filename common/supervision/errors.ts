/** Errors of the supervision context, with what an API or CLI needs to name the problem. */
import { CustosError } from '../errors.js';

export class PolicyNotFoundError extends CustosError {
  constructor(readonly tenant: string, readonly policyId: string, readonly version?: number) {
    super(`tenant ${tenant} has no supervision policy ${policyId}${version !== undefined ? ` version ${version}` : ''}`);
  }
}

export class ReviewItemNotFoundError extends CustosError {
  constructor(readonly tenant: string, readonly itemId: string) {
    super(`tenant ${tenant} has no review item ${itemId}`);
  }
}

/** A policy definition the schema refuses; `field` is the path of the first problem (lexicon.patterns.0.regex). */
export class InvalidPolicyError extends CustosError {
  constructor(readonly field: string, readonly problem: string) {
    super(`${field}: ${problem}`);
  }
}

/** An escalation that names a legal hold which is not the tenant's, released, or does not cover the item's message. */
export class InvalidEscalationError extends CustosError {
  constructor(readonly problem: string) {
    super(`escalation_case: ${problem}`);
  }
}
