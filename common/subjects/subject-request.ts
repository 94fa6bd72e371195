/**
 * A data subject request (GDPR Art. 15 access, Art. 17 erasure): who it is about, what
 * Custos resolved as that person's identifiers, the legal clock and the state. Shared by
 * the API and CLI that open and approve requests and the `access` and `erasure` jobs that
 * answer them (docs/subject-requests.md).
 */
import { randomBytes } from 'node:crypto';
import { CustosError } from '../errors.js';

export type SubjectRequestType = 'access' | 'erasure';

/**
 * `open`: received, identifiers shown to the DPO; `approved`: an erasure a second person
 * approved (access requests need no approval and go from `open` to `running`);
 * `running`: its job runs; `waiting-on-holds`: an erasure done except for held records,
 * which are restricted and complete by themselves when the last hold is released;
 * `done`, `failed` (the job said why; it can be re-run), `cancelled`.
 */
export type SubjectRequestState = 'open' | 'approved' | 'running' | 'waiting-on-holds' | 'done' | 'failed' | 'cancelled';

/** Every identifier the person had in the tenant (directory and events), as resolved. */
export interface SubjectIdentifiers {
  userIds: string[];
  emails: string[];
  /** Display names over time (and real names), for replacing them in others' text. */
  displayNames: string[];
}

export interface SubjectRequest {
  tenant: string;
  id: string;
  type: SubjectRequestType;
  state: SubjectRequestState;
  /** What the DPO named the person by (user id or e-mail); '' once erased. */
  subjectRef: string;
  /** Keyed hash of the person (see common/subjects), set by the erasure; '' before. */
  subjectHash: string;
  identifiers: SubjectIdentifiers;
  /** RFC 3339 UTC. */
  receivedAt: string;
  /** received + one month, or + three months once extended (Art. 12(3)). */
  dueAt: string;
  /** When the person was told of the extension; null when not extended. */
  personToldAt: string | null;
  openedBy: string;
  approvedBy: string | null;
  approvedAt: string | null;
  jobIds: string[];
  note: string;
  version: number;
  changedBy: string;
  changedAt: string;
}

/** One entry of a request's history: the change, who made it and when. */
export type SubjectRequestChange =
  | 'opened' | 'identifiers-confirmed' | 'extended' | 'approved' | 'job-started'
  | 'waiting-on-holds' | 'done' | 'failed' | 'cancelled' | 'subject-erased';

export const SUBJECT_REQUEST_ID = /^dsr_[a-z0-9]{8,40}$/;
export const newSubjectRequestId = () => `dsr_${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;

export class SubjectRequestNotFoundError extends CustosError {
  constructor(readonly tenant: string, readonly requestId: string) {
    super(`subject request ${requestId} not found in tenant ${tenant}`);
  }
}
