/**
 * The shape every format importer shares. An importer reads an export and yields
 * items: draft CloudEvents (with where they came from) or problems (records it
 * could not map, with the reason). It never stores anything itself: run-import.ts
 * validates every event with the same contract as Kafka ingest and hands it to a
 * sink, so there is one validation and storage path.
 */
import type { ExportFiles } from './export-files.js';
import type { WireEvent } from '../../common/events/schemas.js';

export const IMPORT_FORMATS = ['slack', 'mattermost', 'teams', 'chatlog', 'events'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A CloudEvent as it would travel on Kafka (validated later, not here). */
export type RawEvent = WireEvent;

/** Where in the export a record is: a file inside the export and a line (`#12`) or JSON path (`#[3].reactions[0]`). */
export interface Location {
  file: string;
  at: string;
}

export interface EventItem extends Location {
  kind: 'event';
  event: RawEvent | Record<string, unknown>;
}

export interface ProblemItem extends Location {
  kind: 'problem';
  /** Short machine-readable cause, e.g. `no_timestamp`, `not_json`, `unknown_change_type`. */
  reason: string;
  detail: string;
}

/**
 * A record of a type the export documents that carries nothing the archive keeps
 * (a Mattermost permission scheme, a custom emoji's image): counted as read and
 * named in the report, apart from the problems, so it is neither an error nor
 * dropped in silence.
 */
export interface NotArchivedItem extends Location {
  kind: 'not_archived';
  /** The record's type in the export, e.g. `scheme`. */
  what: string;
  detail: string;
}

/** One source record read (a message, a log line, a user): drives progress counts. */
export interface RecordItem {
  kind: 'record';
}

/** A file of the export is about to be read: drives the progress bar's file count. */
export interface FileItem {
  kind: 'file';
  name: string;
  index: number;
  total: number;
}

export type ImportItem = EventItem | ProblemItem | NotArchivedItem | RecordItem | FileItem;

export interface ImporterContext {
  tenant: string;
  /** IANA zone that local times in the export are read in (chatlog). */
  timezone: string;
  /** One conversation name for all files (chatlog). */
  channel?: string;
  /** Records an assumption the import made; it goes to the report and the summary. */
  assume(text: string): void;
}

export type Importer = (files: ExportFiles, ctx: ImporterContext) => AsyncIterable<ImportItem>;

/** An event or problem mapped without its file. */
export type MappedItem = Omit<EventItem, 'file'> | Omit<ProblemItem, 'file'>;

/**
 * The mapper's items, now naming their file. Set in place: the items are the
 * mapper's own, and copying each with a spread cost a tenth of a Slack import.
 */
export function inFile(items: MappedItem[], file: string): ImportItem[] {
  for (const item of items) (item as ImportItem & Location).file = file;
  return items as ImportItem[];
}
