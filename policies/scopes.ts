/**
 * The typed list of permissions (`resource:action`). Routes name one of these, the
 * Casbin policy (policies/policy.csv) grants them to roles per tenant, and a
 * misspelt scope is a compile error.
 */
export const SCOPES = [
  'archive:read', // archive statistics (counts, time span): no content
  'messages:read', // message content, versions, reactions, threads
  'conversations:read', // conversations, members, membership history
  'users:read', // user directory
  'admin_events:read', // the platform's admin events (logins, role changes, app installs)
  'audit:read', // Custos' own audit log
  'audit:verify', // recompute the audit hash chain
  'tokens:manage', // list and revoke API tokens
  'tokens:create', // mint an API token over the API: a new credential (step-up)
  'metrics:read', // aggregated usage metrics (no content, k-anonymous)
  'exports:create', // eDiscovery exports (step-up)
  'exports:read', // download a finished export's package
  'jobs:read', // batch jobs: state, progress, parameters, result
  'jobs:cancel', // cancel a queued or running job
  'holds:release', // release a legal hold (step-up)
  'erasure:approve', // approve an erasure request (step-up, four eyes)
  'me:read', // your own name, roles and granted scopes in the tenant (what the web UI shows)
  'sessions:manage', // list and end people's browser sessions
  'supervision:read', // supervision policies, the review queue (authors pseudonymized, no message text) and its history
  'supervision:review', // open a review item (message, context, author revealed) and review it
  'supervision:manage', // create and change supervision policies, run backtests
  'analytics:configure', // set the tenant's analytics settings (time zone, working hours, weekend)
  'holds:read', // legal holds: list, show with what they cover now
  'holds:create', // put a legal hold on custodians, conversations, a time range, words
  'retention:read', // the retention policy in force and the deletion receipts
  'retention:manage', // set the retention policy, queue a retention run or dry run
  'retention:explain', // why one message or call is still kept, and until when
  'subject_requests:read', // data subject requests (access, erasure): list, due dates, the person's identifiers and counts
  'subject_requests:manage', // open, extend and cancel data subject requests (approving an erasure is erasure:approve)
  'topics:exclude', // leave conversations out of topic analysis (GDPR Art. 21 objections, policy) or lift that
] as const;

export type Scope = (typeof SCOPES)[number];

export const ROLES = ['admin', 'compliance_officer', 'auditor', 'dpo', 'manager', 'service'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes that need a person who signed in with MFA recently (RFC 9470 step-up). */
export const STEP_UP_SCOPES: ReadonlySet<Scope> = new Set<Scope>(['exports:create', 'holds:release', 'erasure:approve', 'tokens:create']);
