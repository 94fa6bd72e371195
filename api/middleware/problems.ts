/** Problems that carry response headers (WWW-Authenticate, Retry-After) and the one function that answers any HttpProblem. */
import type { Response } from 'express';
import { HttpProblem, PROBLEM_BASE, sendProblem, type Problem } from '../problem.js';

export { PROBLEM_BASE };

export class ProblemWithHeaders extends HttpProblem {
  constructor(
    problem: Problem,
    readonly headers: Record<string, string>,
  ) {
    super(problem);
  }
}

export function answerProblem(res: Response, err: HttpProblem): void {
  if (err instanceof ProblemWithHeaders) res.set(err.headers);
  sendProblem(res, err.problem);
}

export const problems = {
  tenantNotVisible: (tenant: string) =>
    new HttpProblem({ status: 404, type: `${PROBLEM_BASE}tenant-not-found`, title: 'Tenant not found', detail: `there is no tenant "${tenant}" that you may see`, field: 'tenant' }),
  forbidden: (scope: string) =>
    new HttpProblem({ status: 403, type: `${PROBLEM_BASE}forbidden`, title: 'Forbidden', detail: `your roles in this tenant do not grant ${scope}` }),
  invalid: (field: string, detail: string) => new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail, field }),
};
