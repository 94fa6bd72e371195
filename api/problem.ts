/** RFC 9457 problem details; every error answer of the API goes through here. */
import type { Response } from 'express';

/** Every problem type of the API is a URI under this base (docs/api.md lists them). */
export const PROBLEM_BASE = 'https://custos.dev/problems/';

export interface Problem {
  /** Required: `about:blank` would tell a client nothing beyond the status. */
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** The request field that is wrong, when one is. */
  field?: string;
  [extension: string]: unknown;
}

export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export function sendProblem(res: Response, p: Problem): void {
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}
