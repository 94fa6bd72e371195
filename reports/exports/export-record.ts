/**
 * One message as an export carries it: every version, the deletion, reactions with
 * their history, attachments, thread position, mentions, and the conversation and
 * people it involves, each row with its origin. Every format (JSON Lines, CSV, EML,
 * RSMF, Parquet) is written from this one model, so they cannot disagree.
 *
 * Times are RFC 3339 UTC with milliseconds (`2026-11-24T10:15:00.123Z`).
 */

export interface ExportPerson {
  user_id: string;
  /** From the directory when known ('' when not). */
  display_name: string;
  email: string;
}

export interface ExportVersion {
  /** 0 = as created; 1.. = each edit, in time order. */
  index: number;
  kind: 'created' | 'edited';
  event_id: string;
  time: string;
  /** The author for the created version, the editor for an edit. */
  by: string;
  text: string;
  /** True for the version shown now (the last one). */
  current: boolean;
  origin: string;
}

export interface ExportReactionEvent {
  event_id: string;
  time: string;
  action: 'added' | 'removed';
  user_id: string;
  emoji: string;
  origin: string;
}

export interface ExportAttachment {
  name: string;
  mime: string;
  size: number;
  sha256: string;
}

export interface ExportMessage {
  tenant: string;
  conversation_id: string;
  message_id: string;
  author_id: string;
  /** Time of the created version. */
  time: string;
  /** '' for a message that is not in a thread; the root's id for replies and for the root itself. */
  thread_id: string;
  /** 0 for the root or a message outside a thread; 1.. for replies in time order. */
  thread_position: number;
  mentions: string[];
  attachments: ExportAttachment[];
  versions: ExportVersion[];
  deletion: { event_id: string; time: string; deleted_by: string; origin: string } | null;
  reactions: {
    /** Who reacts with what now (after every added/removed). */
    current: Array<{ emoji: string; user_id: string }>;
    history: ExportReactionEvent[];
  };
  /** True when the message is in the set only as context around a hit. */
  context: boolean;
  source: string;
}

export interface ExportConversation {
  conversation_id: string;
  name: string;
  conversation_type: 'channel' | 'private' | 'dm' | 'group_dm' | string;
}

/**
 * What a format writer is given for one conversation and one UTC day: EML and RSMF
 * write one file per such group, the others append. Messages are in time order
 * (then message id), versions in time order.
 */
export interface ConversationDay {
  conversation: ExportConversation;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  messages: ExportMessage[];
  /** Everyone who appears in these messages (authors, editors, deleters, reactors, mentioned). */
  people: Map<string, ExportPerson>;
  /** Membership changes of the conversation that day (join / leave), for formats that show them. */
  membership: Array<{ event_id: string; time: string; type: 'joined' | 'left'; user_id: string; by: string }>;
}

/** The package a writer writes into: its id (the job id) and the as-of time of the set. */
export interface ExportContext {
  packageId: string;
  tenant: string;
  asOf: string;
  generator: string;
}
