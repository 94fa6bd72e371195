/**
 * Turns a zod validation failure into an RFC 9457 problem naming the offending
 * field. Unknown parameters (strict schemas) are named too. Used by the validation
 * step of the request chain; the message never echoes the submitted value.
 */
import type { z } from 'zod';
import type { Problem } from '../problem.js';

export type RequestPart = 'path' | 'query' | 'body';

export function problemFromZodError(error: z.ZodError, part: RequestPart): Problem {
  const issue = error.issues[0];
  if (!issue) return { status: 400, title: 'Invalid request', detail: `the ${part} is not valid` };
  if (issue.code === 'unrecognized_keys') {
    const field = String(issue.keys[0]);
    return { status: 400, title: 'Unknown parameter', detail: `${part} parameter "${field}" is not known to this endpoint`, field };
  }
  const field = issue.path.map(String).join('.') || part;
  const message = issue.code === 'invalid_type' && issue.path.length > 0 && /received undefined/.test(issue.message)
    ? 'is required'
    : issue.code === 'invalid_type' && /received array/.test(issue.message)
      ? 'must be given once'
      : issue.message;
  return { status: 400, title: 'Invalid request', detail: `${part} parameter "${field}" ${message}`, field };
}
