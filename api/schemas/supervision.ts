/** Request fields and answer shapes of the supervision routes (policies, review queue). */
import { z } from 'zod';
import { SEVERITIES, type PolicyVersion } from '../../common/supervision/policy-model.js';
import { REVIEW_STATES, REVIEW_TAGS, type ReviewAction, type ReviewItem } from '../../common/supervision/review-queue.js';
import { POLICY_ID_PATTERN } from '../../common/supervision/policy-store.js';
import { InvalidEscalationError, InvalidPolicyError, PolicyNotFoundError, ReviewItemNotFoundError } from '../../common/supervision/errors.js';
import { HttpProblem, PROBLEM_BASE } from '../problem.js';
import { tenantParam } from './query-fields.js';

export const policyIdParam = z.string().regex(POLICY_ID_PATTERN, 'must be a policy id (pol_ and 16 lowercase letters or digits)').meta({ description: 'Policy id', minLength: 20, maxLength: 20 });
export const itemIdParam = z.string().regex(/^sup_[0-9a-f]{32}$/, 'must be a review item id (sup_ and 32 hexadecimal digits)').meta({ description: 'Review item id', minLength: 36, maxLength: 36 });
export const onePolicy = z.strictObject({ tenant: tenantParam, policyId: policyIdParam });
export const oneItem = z.strictObject({ tenant: tenantParam, itemId: itemIdParam });

export const policyView = z.object({
  id: z.string(), version: z.number().int(), name: z.string(), description: z.string(), severity: z.enum(SEVERITIES), enabled: z.boolean(),
  lexicon: z.record(z.string(), z.unknown()), conditions: z.record(z.string(), z.unknown()),
  sampling: z.object({ percent: z.number(), seed: z.string() }), created_by: z.string(), created_at: z.string(),
});

export function toPolicyView(v: PolicyVersion): z.infer<typeof policyView> {
  const d = v.definition;
  return {
    id: v.policyId, version: v.version, name: d.name, description: d.description, severity: d.severity, enabled: d.enabled,
    lexicon: d.lexicon, conditions: d.conditions, sampling: d.sampling, created_by: v.createdBy, created_at: v.createdAt,
  };
}

const hitView = z.object({ kind: z.enum(['term', 'near', 'pattern']), label: z.string(), start: z.number().int(), end: z.number().int() });

/** An item as the list shows it: the author only as a pseudonym. */
export const itemView = z.object({
  id: z.string(), policy_id: z.string(), policy_version: z.number().int(), policy_name: z.string(), severity: z.enum(SEVERITIES),
  state: z.enum(REVIEW_STATES), tag: z.enum(REVIEW_TAGS).nullable(), comment: z.string(), escalation_case: z.string().nullable(),
  event_id: z.string(), message_id: z.string(), conversation_id: z.string(), conversation_type: z.string(), thread_id: z.string(),
  author: z.string().meta({ description: 'Pseudonym of the author (the same author has the same pseudonym); revealed by opening the item' }),
  message_time: z.string(), version_kind: z.enum(['created', 'edited']),
  matches: z.array(hitView).meta({ description: 'Lexicon entries that matched and their UTF-16 offsets [start, end) in the version\'s text' }),
  flagged_at: z.string(), updated_at: z.string(), updated_by: z.string().nullable(),
});

export function toItemView(i: ReviewItem, author: string): z.infer<typeof itemView> {
  return {
    id: i.itemId, policy_id: i.policyId, policy_version: i.policyVersion, policy_name: i.policyName, severity: i.severity, state: i.state, tag: i.tag,
    comment: i.comment, escalation_case: i.escalationCase, event_id: i.eventId, message_id: i.messageId, conversation_id: i.conversationId,
    conversation_type: i.conversationType, thread_id: i.threadId, author, message_time: i.messageTime, version_kind: i.versionKind, matches: i.matches,
    flagged_at: i.flaggedAt, updated_at: i.updatedAt, updated_by: i.updatedBy,
  };
}

export const actionView = z.object({
  id: z.string(), action: z.string(), state: z.string().nullable(), tag: z.string().nullable(), comment: z.string(),
  escalation_case: z.string().nullable(), actor: z.string().meta({ description: 'Audit pseudonym of who acted (GET .../audit resolves it)' }), time: z.string(),
});

export const toActionView = (a: ReviewAction): z.infer<typeof actionView> =>
  ({ id: a.actionId, action: a.action, state: a.state, tag: a.tag, comment: a.comment, escalation_case: a.escalationCase, actor: a.actor, time: a.time });

export const reviewBody = z.strictObject({
  state: z.enum(REVIEW_STATES),
  tag: z.enum(REVIEW_TAGS).optional(),
  comment: z.string().max(4000, 'must be at most 4000 characters').optional(),
  escalation_case: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be a case id: 1 to 128 letters, digits, . _ : -').optional()
    .meta({ description: 'The legal hold or investigation case the item is escalated to (state escalated only). A legal hold id (hold_...) must name an active hold of the tenant that covers the message, else 400; any other case id is kept as written' }),
}).superRefine((b, ctx) => {
  if (b.escalation_case !== undefined && b.state !== 'escalated') ctx.addIssue({ code: 'custom', path: ['escalation_case'], message: 'is only for state escalated' });
});

/** Supervision errors as problems naming the field. */
export function supervisionProblem(err: unknown): unknown {
  if (err instanceof InvalidPolicyError) return new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: `body.${err.field}: ${err.problem}`, field: err.field });
  if (err instanceof PolicyNotFoundError) return new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Policy not found', detail: err.message, field: 'policyId' });
  if (err instanceof InvalidEscalationError) return new HttpProblem({ status: 400, type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', detail: `body.${err.message}`, field: 'escalation_case' });
  if (err instanceof ReviewItemNotFoundError) return new HttpProblem({ status: 404, type: `${PROBLEM_BASE}not-found`, title: 'Review item not found', detail: err.message, field: 'itemId' });
  return err;
}

export async function mappedSupervision<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw supervisionProblem(err);
  }
}
