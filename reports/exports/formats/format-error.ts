import { CustosError } from '../../../common/errors.js';

/** A format writer could not write one conversation-day; says which format, conversation and day. */
export class FormatWriteError extends CustosError {
  constructor(
    readonly format: string,
    readonly conversationId: string,
    readonly day: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${format}: conversation ${JSON.stringify(conversationId)}, day ${day}: ${problem}`, options);
  }
}
