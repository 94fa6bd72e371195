/**
 * Which messages a tenant's policies flag: the lexicons (one compiled matcher),
 * then each matching policy's conditions, then its review sampling. The ingest
 * step and the backtest job both call `flagMessages`, so a backtest counts exactly
 * what ingest would flag on the same messages.
 *
 * An edit is judged as part of its message: its conversation type, author,
 * attachments and department are the original message's (an edit event carries only
 * the editor and the new text), looked up only for edits that matched a lexicon.
 */
import { createHash } from 'node:crypto';
import { compileMatcher, type Hit, type Matcher } from './matcher.js';
import type { PolicyVersion, Severity } from './policy-model.js';
import { isSampled } from './sampling.js';

/** One stored version of a message, as ingest decodes it and as the archive holds it. */
export interface SupervisedMessage {
  eventId: string;
  messageId: string;
  conversationId: string;
  /** Empty on an edit (the event does not carry it). */
  conversationType: string;
  threadId: string;
  /** The author of a creation, the editor of an edit. */
  authorId: string;
  /** Store time, `YYYY-MM-DD hh:mm:ss.sss` UTC. */
  time: string;
  kind: 'created' | 'edited';
  text: string;
  hasAttachments: boolean;
}

/** What conditions read about a message: from its creation. */
export interface MessageOrigin {
  conversationType: string;
  authorId: string;
  hasAttachments: boolean;
  threadId: string;
}

export interface ContextSource {
  /** The creation of each message id that has one stored. */
  originals(tenant: string, messageIds: readonly string[]): Promise<Map<string, MessageOrigin>>;
  /** The current directory department of each user that has one. */
  departments(tenant: string, userIds: readonly string[]): Promise<Map<string, string>>;
}

export interface Flag {
  itemId: string;
  tenant: string;
  policyId: string;
  policyVersion: number;
  policyName: string;
  severity: Severity;
  eventId: string;
  messageId: string;
  conversationId: string;
  conversationType: string;
  threadId: string;
  authorId: string;
  messageTime: string;
  versionKind: 'created' | 'edited';
  hits: Hit[];
  /** In the policy's review sample: only these go to the queue. */
  sampled: boolean;
}

interface PolicyConditions {
  conversationTypes?: ReadonlySet<string>;
  conversations?: ReadonlySet<string>;
  authors?: ReadonlySet<string>;
  departments?: ReadonlySet<string>;
  hasAttachments?: boolean;
}

export interface PolicySet {
  tenant: string;
  versions: readonly PolicyVersion[];
  matcher: Matcher;
  conditions: readonly PolicyConditions[];
}

const setOf = (list: readonly string[] | undefined) => (list ? new Set(list) : undefined);

export function compilePolicySet(tenant: string, versions: readonly PolicyVersion[]): PolicySet {
  return {
    tenant,
    versions,
    matcher: compileMatcher(versions.map((v) => v.definition.lexicon)),
    conditions: versions.map(({ definition: { conditions: c } }) => ({
      ...(c.conversation_types ? { conversationTypes: new Set<string>(c.conversation_types) } : {}),
      ...(c.conversations ? { conversations: setOf(c.conversations)! } : {}),
      ...(c.authors ? { authors: setOf(c.authors)! } : {}),
      ...(c.departments ? { departments: setOf(c.departments)! } : {}),
      ...(c.has_attachments !== undefined ? { hasAttachments: c.has_attachments } : {}),
    })),
  };
}

/** The review item's id: one item per policy version and message version, so a replay or a re-run writes the same item. */
export function reviewItemId(tenant: string, policyId: string, version: number, eventId: string): string {
  return 'sup_' + createHash('sha256').update(`${tenant}\u0000${policyId}\u0000${version}\u0000${eventId}`).digest('hex').slice(0, 32);
}

function satisfies(c: PolicyConditions, m: SupervisedMessage, origin: MessageOrigin, department: string | undefined): boolean {
  if (c.conversationTypes && !c.conversationTypes.has(origin.conversationType)) return false;
  if (c.conversations && !c.conversations.has(m.conversationId)) return false;
  if (c.authors && !c.authors.has(origin.authorId)) return false;
  if (c.departments && (department === undefined || !c.departments.has(department))) return false;
  if (c.hasAttachments !== undefined && c.hasAttachments !== origin.hasAttachments) return false;
  return true;
}

const ownOrigin = (m: SupervisedMessage): MessageOrigin => ({ conversationType: m.conversationType, authorId: m.authorId, hasAttachments: m.hasAttachments, threadId: m.threadId });

/** A message version and what the lexicons matched in it (before conditions and sampling). */
export interface LexicalHit {
  m: SupervisedMessage;
  policy: number;
  hits: Hit[];
}

/**
 * The lexical part of the evaluation: pure, no store, so the decode worker runs it
 * (ingest/kafka/decode-worker.ts) and the main thread receives only the few messages
 * that matched a lexicon, which `flagLexicalHits` then turns into flags.
 */
export function lexicalHits(set: Pick<PolicySet, 'matcher'>, messages: readonly SupervisedMessage[]): LexicalHit[] {
  const matched: LexicalHit[] = [];
  for (const m of messages) {
    if (m.text.length === 0) continue;
    for (const lm of set.matcher.match(m.text)) matched.push({ m, policy: lm.policy, hits: lm.hits });
  }
  return matched;
}

/** Every match of the set's policies in `messages` (sampled or not: see `Flag.sampled`). */
export async function flagMessages(set: PolicySet, messages: readonly SupervisedMessage[], context: ContextSource): Promise<Flag[]> {
  return flagLexicalHits(set, lexicalHits(set, messages), context);
}

/** Conditions (reading originals of edits and departments only for the matches) and sampling of lexical matches. */
export async function flagLexicalHits(set: PolicySet, matched: readonly LexicalHit[], context: ContextSource): Promise<Flag[]> {
  if (matched.length === 0) return [];
  const editIds = [...new Set(matched.filter((x) => x.m.kind === 'edited').map((x) => x.m.messageId))];
  const originals = editIds.length > 0 ? await context.originals(set.tenant, editIds) : new Map<string, MessageOrigin>();
  const originOf = (m: SupervisedMessage): MessageOrigin => (m.kind === 'created' ? ownOrigin(m) : originals.get(m.messageId) ?? { ...ownOrigin(m), conversationType: '' });
  const needDepartments = matched.filter((x) => set.conditions[x.policy]!.departments);
  const departments = needDepartments.length > 0
    ? await context.departments(set.tenant, [...new Set(needDepartments.map((x) => originOf(x.m).authorId))])
    : new Map<string, string>();
  const flags: Flag[] = [];
  for (const { m, policy, hits } of matched) {
    const origin = originOf(m);
    if (!satisfies(set.conditions[policy]!, m, origin, departments.get(origin.authorId))) continue;
    const v = set.versions[policy]!;
    flags.push({
      itemId: reviewItemId(set.tenant, v.policyId, v.version, m.eventId),
      tenant: set.tenant, policyId: v.policyId, policyVersion: v.version, policyName: v.definition.name, severity: v.definition.severity,
      eventId: m.eventId, messageId: m.messageId, conversationId: m.conversationId, conversationType: origin.conversationType,
      threadId: origin.threadId || m.threadId, authorId: origin.authorId, messageTime: m.time, versionKind: m.kind, hits,
      sampled: isSampled(v.definition.sampling.percent, v.definition.sampling.seed, set.tenant, m.messageId),
    });
  }
  return flags;
}
