/**
 * The Parquet schema: the JSON Lines record's fields with nested types (versions,
 * attachments and reaction events as list<struct>, the deletion as a nullable struct),
 * times as TIMESTAMP(MILLIS, UTC) so analysis tools sort and filter them as times.
 * Required fields are declared non-null, so a reader can rely on them.
 */
import { Bool, Field, Int32, Int64, List, Schema, Struct, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';

const utf8 = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);
const time = (name: string) => new Field(name, new TimestampMillisecond('UTC'), false);
const list = (name: string, item: DataType) => new Field(name, new List(new Field('item', item, false)), false);

export const ATTACHMENT = new Struct([utf8('name'), utf8('mime'), new Field('size', new Int64(), false), utf8('sha256')]);
export const VERSION = new Struct([new Field('index', new Int32(), false), utf8('kind'), utf8('event_id'), time('time'), utf8('by'), utf8('text'), new Field('current', new Bool(), false), utf8('origin')]);
export const DELETION = new Struct([utf8('event_id'), time('time'), utf8('deleted_by'), utf8('origin')]);
export const REACTION = new Struct([utf8('emoji'), utf8('user_id')]);
export const REACTION_EVENT = new Struct([utf8('event_id'), time('time'), utf8('action'), utf8('user_id'), utf8('emoji'), utf8('origin')]);
export const REACTIONS = new Struct([list('current', REACTION), list('history', REACTION_EVENT)]);

export const PARQUET_SCHEMA = new Schema([
  utf8('tenant'),
  utf8('conversation_id'),
  utf8('conversation_name'),
  utf8('conversation_type'),
  utf8('message_id'),
  utf8('author_id'),
  time('time'),
  utf8('thread_id'),
  new Field('thread_position', new Int32(), false),
  list('mentions', new Utf8()),
  list('attachments', ATTACHMENT),
  list('versions', VERSION),
  new Field('deletion', DELETION, true),
  new Field('reactions', REACTIONS, false),
  new Field('context', new Bool(), false),
  utf8('source'),
]);
