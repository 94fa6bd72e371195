/**
 * The registry of personal data (DESIGN.md): every table or view of the store, with
 * what it holds and how retention and erasure reach it. Retention and erasure walk
 * this list, so a table cannot escape them by being forgotten: a test
 * (personal-data.integration.test.ts) fails when the store has a table this list
 * does not name. Adding a table = adding its entry here, in the same change.
 */

/** Retention families of DESIGN.md's retention policy, and what follows a job. */
export type RetentionFamily = 'messages' | 'calls' | 'app_invocations' | 'admin_events' | 'audit';

export type Holds =
  /** Message content or metadata (text, ids, who wrote or reacted). */
  | 'message-derived'
  /** About people (directory, logins, who asked for what). */
  | 'person-derived'
  /** Derived rows that carry only keys of another registered table. */
  | 'keys-of'
  /** Nothing about messages or people (keys, migration ledger). */
  | 'none';

export interface RetentionReach {
  family: RetentionFamily;
  /** The column the retention age is counted from (the record's own time). */
  timeColumn: string;
  /**
   * Figures derived from the family's records (analytics rows: counts, no text). They
   * go on the family's cut-off, a hold never keeps them (it keeps the records they can
   * be rebuilt from), and they are not counted as records in receipts or checks.
   */
  aggregate?: true;
}

export type ErasureReach =
  /**
   * Rows whose subject columns name the person are deleted (or restricted under a hold).
   * `pseudonymizeColumns`: columns naming the person inside other people's rows (a
   * mention, a call participant, an actor): the person's ids there are replaced by the
   * erasure's pseudonym and the row stays. `textColumns`: free text of other people's
   * rows where the person's names, e-mails and ids are replaced likewise.
   * `ofErasedMessages`: rows of the person's own messages go too, whoever's row it is
   * (a deletion mark, another person's reaction), by conversation_id and message_id.
   * `termColumns`: [term, form] pairs of words taken from other people's text (topic
   * terms): where a row's forms hold every word of one of the person's names, the
   * terms whose form has one of those words are removed (array columns) or their rows
   * deleted (one term per row).
   */
  | { how: 'delete-rows'; subjectColumns: string[]; pseudonymizeColumns?: string[]; textColumns?: string[]; ofErasedMessages?: true; termColumns?: Array<[term: string, form: string]> }
  /** The entries stay (the audit chain must verify); the person behind the pseudonym is forgotten in `audit_subjects`. */
  | { how: 'pseudonymized'; via: 'audit_subjects' }
  /** Rows go with the rows of the source table they derive from (same keys). */
  | { how: 'with-source'; source: string; keys: string[] }
  /** A view: nothing is stored, erasure of its source tables reaches it. */
  | { how: 'view'; sources: string[] }
  /** Rows stay as tombstones when their source rows go (marked, never deleted), so a replay cannot bring the data back. */
  | { how: 'tombstone'; sources: string[]; why: string }
  /** Rows stay as proof; erasure replaces the columns naming the person by their keyed subject hash. */
  | { how: 'hashed'; subjectColumns: string[]; why: string }
  | { how: 'not-applicable'; why: string };

export interface RegisteredTable {
  name: string;
  kind: 'table' | 'view' | 'materialized-view';
  holds: Holds;
  /** Who writes it: a bounded context or `migrations`. */
  owner: 'ingest' | 'api' | 'reports' | 'common' | 'migrations';
  retention: RetentionReach | { family: 'follows-source'; source: string } | 'none';
  erasure: ErasureReach;
  /** Why, when the choice is not obvious. */
  note?: string;
}

const time = (family: RetentionFamily): RetentionReach => ({ family, timeColumn: 'time' });

export const PERSONAL_DATA_REGISTRY: readonly RegisteredTable[] = [
  { name: 'message_versions', kind: 'table', holds: 'message-derived', owner: 'ingest', retention: time('messages'), erasure: { how: 'delete-rows', subjectColumns: ['author_id'], pseudonymizeColumns: ['mentions'], textColumns: ['text'], ofErasedMessages: true }, note: 'an erased author\'s messages go (every version); a mention of them in others\' messages is pseudonymized, their names and e-mails in others\' text replaced' },
  { name: 'message_deletions', kind: 'table', holds: 'message-derived', owner: 'ingest', retention: time('messages'), erasure: { how: 'delete-rows', subjectColumns: [], pseudonymizeColumns: ['deleted_by'], ofErasedMessages: true }, note: 'the marks of an erased author\'s messages go with them; an erased person who deleted others\' messages is pseudonymized (deleting the mark would bring the message back)' },
  { name: 'reactions', kind: 'table', holds: 'message-derived', owner: 'ingest', retention: time('messages'), erasure: { how: 'delete-rows', subjectColumns: ['user_id'], ofErasedMessages: true } },
  { name: 'calls', kind: 'table', holds: 'message-derived', owner: 'ingest', retention: time('calls'), erasure: { how: 'delete-rows', subjectColumns: [], pseudonymizeColumns: ['initiator_id', 'participants'] }, note: 'a call is also the other participants\' record: the erased person is pseudonymized in it' },
  { name: 'app_invocations', kind: 'table', holds: 'message-derived', owner: 'ingest', retention: time('app_invocations'), erasure: { how: 'delete-rows', subjectColumns: ['user_id'] } },
  { name: 'admin_events', kind: 'table', holds: 'person-derived', owner: 'ingest', retention: time('admin_events'), erasure: { how: 'delete-rows', subjectColumns: ['user_id'], pseudonymizeColumns: ['actor_id'], textColumns: ['data'] }, note: 'events about the person (profile, memberships) go; as the actor of others\' events, and inside `data` (created_by, manager_id...), they are pseudonymized' },
  { name: 'users_current', kind: 'view', holds: 'person-derived', owner: 'migrations', retention: { family: 'follows-source', source: 'admin_events' }, erasure: { how: 'view', sources: ['admin_events'] } },
  { name: 'conversations_current', kind: 'view', holds: 'message-derived', owner: 'migrations', retention: { family: 'follows-source', source: 'admin_events' }, erasure: { how: 'view', sources: ['admin_events'] } },
  { name: 'memberships_current', kind: 'view', holds: 'person-derived', owner: 'migrations', retention: { family: 'follows-source', source: 'admin_events' }, erasure: { how: 'view', sources: ['admin_events'] } },
  { name: 'message_edit_keys', kind: 'materialized-view', holds: 'keys-of', owner: 'migrations', retention: { family: 'follows-source', source: 'message_versions' }, erasure: { how: 'with-source', source: 'message_versions', keys: ['tenant', 'conversation_id', 'message_id'] } },
  { name: 'message_author_keys', kind: 'materialized-view', holds: 'keys-of', owner: 'migrations', retention: { family: 'follows-source', source: 'message_versions' }, erasure: { how: 'with-source', source: 'message_versions', keys: ['tenant', 'conversation_id', 'message_id'] }, note: 'holds author_id: erasure deletes the author\'s rows with the messages' },
  { name: 'reactions_by_message', kind: 'materialized-view', holds: 'message-derived', owner: 'migrations', retention: { family: 'follows-source', source: 'reactions' }, erasure: { how: 'with-source', source: 'reactions', keys: ['tenant', 'conversation_id', 'message_id', 'event_id'] }, note: 'holds user_id and emoji: erasure deletes a person\'s reactions here with the source rows' },
  { name: 'deletions_by_message', kind: 'materialized-view', holds: 'message-derived', owner: 'migrations', retention: { family: 'follows-source', source: 'message_deletions' }, erasure: { how: 'with-source', source: 'message_deletions', keys: ['tenant', 'conversation_id', 'message_id', 'event_id'] } },
  { name: 'message_edit_texts', kind: 'materialized-view', holds: 'message-derived', owner: 'migrations', retention: { family: 'follows-source', source: 'message_versions' }, erasure: { how: 'with-source', source: 'message_versions', keys: ['tenant', 'conversation_id', 'message_id'] }, note: 'the text of every edit (with its folded forms), for word search: erasure deletes it with the versions' },
  { name: 'replies_by_thread', kind: 'materialized-view', holds: 'keys-of', owner: 'migrations', retention: { family: 'follows-source', source: 'message_versions' }, erasure: { how: 'with-source', source: 'message_versions', keys: ['tenant', 'conversation_id', 'message_id'] } },
  { name: 'conversation_message_keys', kind: 'materialized-view', holds: 'keys-of', owner: 'migrations', retention: { family: 'follows-source', source: 'message_versions' }, erasure: { how: 'with-source', source: 'message_versions', keys: ['tenant', 'conversation_id', 'message_id'] }, note: 'created messages by conversation and time, with author_id (no text), for the access package\'s context window: erasure deletes the author\'s rows with the messages' },
  { name: 'event_ids', kind: 'table', holds: 'keys-of', owner: 'ingest', retention: { family: 'follows-source', source: 'message_versions' }, erasure: { how: 'tombstone', sources: ['message_versions', 'message_deletions', 'reactions', 'calls', 'app_invocations', 'admin_events'], why: 'the exactly-once key of every stored event (tenant, table, event id, time): a deleted key would let a Kafka replay or a re-import store the erased or expired event again; retention and erasure mark keys instead (docs/schema.md)' } },
  { name: 'audit_log', kind: 'table', holds: 'person-derived', owner: 'common', retention: { family: 'audit', timeColumn: 'time' }, erasure: { how: 'pseudonymized', via: 'audit_subjects' }, note: 'entries name people only by pseudonym; ip and user agent stay with the entry, which the chain must keep verifiable' },
  { name: 'audit_subjects', kind: 'table', holds: 'person-derived', owner: 'common', retention: 'none', erasure: { how: 'delete-rows', subjectColumns: ['subject'] }, note: 'the pseudonym -> person mapping; deleting a row is how a person leaves the audit log' },
  { name: 'api_tokens', kind: 'table', holds: 'person-derived', owner: 'api', retention: 'none', erasure: { how: 'delete-rows', subjectColumns: ['created_by', 'revoked_by'] }, note: 'token names are chosen by admins; secrets are stored only as hashes' },
  { name: 'jobs', kind: 'table', holds: 'person-derived', owner: 'reports', retention: 'none', erasure: { how: 'delete-rows', subjectColumns: ['requested_by', 'approved_by'] }, note: 'params may name custodians and words; files a job keeps on disk are listed in `files` and go with the job' },
  { name: 'sessions', kind: 'table', holds: 'person-derived', owner: 'api', retention: 'none', erasure: { how: 'delete-rows', subjectColumns: ['subject', 'revoked_by'] }, note: 'browser sessions: who signed in, from where, their roles and ID token; rows go a day after they expire (table TTL), so no retention family is needed' },
  { name: 'audit_checkpoints', kind: 'table', holds: 'none', owner: 'common', retention: 'none', erasure: { how: 'not-applicable', why: 'signed (tenant, seq, hash, time) of audit chain heads: no person or message data' } },
  { name: 'supervision_policies', kind: 'table', holds: 'person-derived', owner: 'api', retention: 'none', erasure: { how: 'delete-rows', subjectColumns: ['created_by'] }, note: 'every version of every supervision policy; conditions may name authors (user ids) inside `definition`, which erasure of a person does not rewrite (a policy version is evidence of what was supervised)' },
  { name: 'supervision_items', kind: 'table', holds: 'message-derived', owner: 'ingest', retention: { family: 'messages', timeColumn: 'message_time' }, erasure: { how: 'delete-rows', subjectColumns: ['author_id'] }, note: 'the review queue: message ids, author and where a lexicon matched (offsets, not text); goes with the messages it flags' },
  { name: 'supervision_actions', kind: 'table', holds: 'person-derived', owner: 'api', retention: { family: 'follows-source', source: 'supervision_items' }, erasure: { how: 'with-source', source: 'supervision_items', keys: ['tenant', 'item_id'] }, note: 'who reviewed what and when (actor is the audit pseudonym, so erasing a reviewer goes through audit_subjects)' },
  // Analytics (migrations/0009, docs/analytics.md): ids, local days and counts, no text. Figures go on their family's cut-off
  // (aggregate) and with an erased person's rows; `metrics-backfill` rebuilds them from what the archive still holds.
  { name: 'analytics_settings', kind: 'table', holds: 'none', owner: 'api', retention: 'none', erasure: { how: 'not-applicable', why: 'a tenant\'s time zone, working hours and weekend' } },
  { name: 'analytics_local_time', kind: 'table', holds: 'none', owner: 'api', retention: 'none', erasure: { how: 'not-applicable', why: 'UTC offsets of the tenant\'s time zone' } },
  { name: 'analytics_person_days', kind: 'table', holds: 'message-derived', owner: 'migrations', retention: { family: 'messages', timeColumn: 'day', aggregate: true }, erasure: { how: 'delete-rows', subjectColumns: ['user_id'] }, note: 'also counts reactions, calls and app use of the day; the messages family\'s cut-off applies to the row' },
  { name: 'analytics_conversation_days', kind: 'table', holds: 'message-derived', owner: 'migrations', retention: { family: 'messages', timeColumn: 'day', aggregate: true }, erasure: { how: 'delete-rows', subjectColumns: ['user_id'] } },
  { name: 'analytics_thread_roots', kind: 'table', holds: 'keys-of', owner: 'migrations', retention: 'none', erasure: { how: 'with-source', source: 'message_versions', keys: ['tenant', 'conversation_id', 'message_id'] }, note: 'key-value table (EmbeddedRocksDB: key tenant:conversation:message -> time, author_id) the live thread view looks roots up in; the retention walk handles MergeTree tables only, so this one is not reached by retention yet (a known gap: it holds no text, and erasure deletes by key with the messages)' },
  { name: 'analytics_threads', kind: 'table', holds: 'message-derived', owner: 'migrations', retention: { family: 'messages', timeColumn: 'day', aggregate: true }, erasure: { how: 'delete-rows', subjectColumns: ['root_author'] }, note: 'a thread answered by an erased person keeps its row: the reply time names nobody, and a backfill after the erasure recomputes it' },
  { name: 'analytics_calls', kind: 'table', holds: 'message-derived', owner: 'migrations', retention: { family: 'calls', timeColumn: 'day', aggregate: true }, erasure: { how: 'delete-rows', subjectColumns: [], pseudonymizeColumns: ['participants'] } },
  { name: 'analytics_app_days', kind: 'table', holds: 'message-derived', owner: 'migrations', retention: { family: 'app_invocations', timeColumn: 'day', aggregate: true }, erasure: { how: 'delete-rows', subjectColumns: ['user_id'] } },
  { name: 'analytics_departments', kind: 'table', holds: 'person-derived', owner: 'migrations', retention: { family: 'admin_events', timeColumn: 'time', aggregate: true }, erasure: { how: 'delete-rows', subjectColumns: ['user_id'], pseudonymizeColumns: ['manager_id'] }, note: 'a report\'s row naming an erased manager in manager_id stays, pseudonymized, as that report\'s user.updated event does in admin_events: deleting it would change the report\'s department history' },
  { name: 'analytics_thread_roots_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  { name: 'analytics_messages_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  { name: 'analytics_conversations_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  { name: 'analytics_threads_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  { name: 'analytics_reactions_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  { name: 'analytics_call_people_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  { name: 'analytics_calls_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  { name: 'analytics_apps_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  { name: 'analytics_app_people_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  { name: 'analytics_departments_mv', kind: 'materialized-view', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'a trigger writing into an analytics table (TO): it stores nothing itself' } },
  // Topics (migrations/0015, docs/topics.md): stems and phrases per message, never text; read only in aggregate under the floor.
  { name: 'topic_messages', kind: 'table', holds: 'message-derived', owner: 'reports', retention: time('messages'), erasure: { how: 'delete-rows', subjectColumns: ['author_id'], termColumns: [['terms', 'forms'], ['phrases', 'phrase_forms']] }, note: 'one row per message: stems, phrases, question, sentiment, analyzer; goes with the messages it was computed from (a retention cut or an erasure here, and the next run never brings it back: it reads only versions stored after its watermark); in others\' rows that name the person, the terms and phrases made of their name go' },
  { name: 'topic_cells', kind: 'table', holds: 'message-derived', owner: 'reports', retention: { family: 'messages', timeColumn: 'time', aggregate: true }, erasure: { how: 'delete-rows', subjectColumns: ['author_id'], termColumns: [['term', 'form']] }, note: 'topic_messages summed per local day in the tenant time zone (day; time: the instant it starts), conversation and author (migrations/0017, 0019): keyed by the author, so deleting their rows removes exactly their contribution; rebuilt from topic_messages by each run for the conversations and days it touched' },
  { name: 'topic_runs', kind: 'table', holds: 'none', owner: 'reports', retention: 'none', erasure: { how: 'not-applicable', why: 'per run: watermark, counts and analyzer version, nothing about messages or people' } },
  { name: 'topic_exclusions', kind: 'table', holds: 'none', owner: 'api', retention: 'none', erasure: { how: 'not-applicable', why: 'conversation ids left out of topic analysis, the reason (objection or policy) and a reference; who changed it is an audit pseudonym (as retention_policies). Deleting a row would analyse an objecting conversation again, so rows stay' } },
  { name: 'secret_keys', kind: 'table', holds: 'none', owner: 'common', retention: 'none', erasure: { how: 'not-applicable', why: 'key material only' } },
  { name: 'legal_holds', kind: 'table', holds: 'person-derived', owner: 'common', retention: 'none', erasure: { how: 'delete-rows', subjectColumns: [], pseudonymizeColumns: ['custodians', 'created_by', 'released_by'] }, note: 'custodian user ids, case, reason, words of the scope; creators by audit pseudonym. DESIGN.md rule 1: an erasure never changes an active hold (its custodians are how it keeps the person\'s records: the erasure waits on it); once released, the hold stays as a record with the person pseudonymized' },
  { name: 'retention_policies', kind: 'table', holds: 'none', owner: 'common', retention: 'none', erasure: { how: 'not-applicable', why: 'policy documents; who set them is an audit pseudonym' } },
  { name: 'subject_requests', kind: 'table', holds: 'person-derived', owner: 'common', retention: 'none', erasure: { how: 'hashed', subjectColumns: ['subject_ref', 'user_ids', 'emails', 'display_names'], why: 'the request is the proof of what was asked and done: when its erasure completes, these columns of every version are replaced by the keyed subject hash' } },
  { name: 'retention_receipts', kind: 'table', holds: 'none', owner: 'reports', retention: 'none', erasure: { how: 'not-applicable', why: 'proof of deletion: counts, cut-offs, conversation and hold ids, never text or people' } },
  { name: 'audit_chain_starts', kind: 'table', holds: 'none', owner: 'reports', retention: 'none', erasure: { how: 'not-applicable', why: 'the signed seq and hash where a trimmed audit chain starts' } },
  { name: 'erased_subjects', kind: 'table', holds: 'none', owner: 'reports', retention: 'none', erasure: { how: 'not-applicable', why: 'keyed hashes (HMAC under a tenant key) of erased people\'s identifiers, never in clear: the list that keeps them erased (DESIGN.md rule 4)' } },
  { name: 'erasure_certificates', kind: 'table', holds: 'none', owner: 'reports', retention: 'none', erasure: { how: 'not-applicable', why: 'signed proof of erasure: counts per table, hold ids, the person only by keyed hash and request id' } },
  { name: 'restricted_records', kind: 'table', holds: 'none', owner: 'reports', retention: 'none', erasure: { how: 'not-applicable', why: 'conversation and record ids an active hold kept from an erasure, with the hold and request ids: the erasure removes them when the hold is released' } },
  { name: 'erasure_work', kind: 'table', holds: 'person-derived', owner: 'reports', retention: 'none', erasure: { how: 'delete-rows', subjectColumns: ['value'] }, note: 'the identifiers of the erasures running now (mutations read them from here, so no mutation command on disk names the person); each run drops its partition when it ends' },
  { name: 'schema_migrations', kind: 'table', holds: 'none', owner: 'migrations', retention: 'none', erasure: { how: 'not-applicable', why: 'the migration ledger' } },
];

/**
 * Every column of an entry that can name a person: subject columns, columns erasure
 * pseudonymizes or replaces text in, and hashed columns (what an access request reads,
 * what an erasure verifies).
 */
export function personColumns(t: RegisteredTable): string[] {
  const e = t.erasure;
  if (e.how === 'delete-rows') return [...new Set([...e.subjectColumns, ...(e.pseudonymizeColumns ?? []), ...(e.textColumns ?? [])])];
  if (e.how === 'hashed') return e.subjectColumns;
  return [];
}

export function registeredTable(name: string): RegisteredTable | undefined {
  return PERSONAL_DATA_REGISTRY.find((t) => t.name === name);
}
