/**
 * Messages to Arrow record batches in the Parquet schema, field by field into
 * parquet-columns.ts columns (times as UTC milliseconds).
 */
import { makeData, RecordBatch, Struct, type Int64, type List, type DataType, type TimestampMillisecond } from 'apache-arrow';
import type { ExportConversation, ExportMessage } from '../export-record.js';
import { InvalidRecordError } from './flat-chunks.js';
import { BoolColumn, Int32Column, Int64Column, ListColumn, StructColumn, Utf8Column, type Column } from './parquet-columns.js';
import { ATTACHMENT, DELETION, PARQUET_SCHEMA, REACTION, REACTION_EVENT, REACTIONS, VERSION } from './parquet-schema.js';

/**
 * Every time of the message, parsed and checked before any column is touched: a time
 * that does not parse would otherwise become 1970 in the file, and a throw half-way
 * through a message would leave the columns out of step. Order: message, versions,
 * deletion (if any), reaction events.
 */
function parseTimes(m: ExportMessage, out: number[]): void {
  out.length = 0;
  const take = (iso: string, field: () => string) => {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) throw new InvalidRecordError('parquet', m.message_id, field(), iso);
    out.push(t);
  };
  take(m.time, () => 'time');
  for (const v of m.versions) take(v.time, () => `versions[${v.index}].time`);
  if (m.deletion) take(m.deletion.time, () => 'deletion.time');
  for (const r of m.reactions.history) take(r.time, () => `reactions.history[${r.event_id}].time`);
}

const ts = () => new Int64Column(DELETION.children[1]!.type as TimestampMillisecond);
const listType = (name: string): List<DataType> => PARQUET_SCHEMA.fields.find((f) => f.name === name)!.type as List<DataType>;
const reactionsList = (i: number): List<DataType> => REACTIONS.children[i]!.type as List<DataType>;

/** A struct's child columns by name, in the struct's order. */
function structOf<T extends Record<string, Column>>(type: Struct, cols: T): { column: StructColumn; c: T } {
  const order = type.children.map((f) => {
    const col = cols[f.name];
    if (!col) throw new Error(`parquet-batch: no column for ${f.name}`);
    return col;
  });
  return { column: new StructColumn(type, order), c: cols };
}

export class ParquetBatchBuilder {
  private readonly tenant = new Utf8Column();
  private readonly conversationId = new Utf8Column();
  private readonly conversationName = new Utf8Column();
  private readonly conversationType = new Utf8Column();
  private readonly messageId = new Utf8Column();
  private readonly authorId = new Utf8Column();
  private readonly time = ts();
  private readonly threadId = new Utf8Column();
  private readonly threadPosition = new Int32Column();
  private readonly mentions = new ListColumn(listType('mentions'), new Utf8Column());
  private readonly attachment = structOf(ATTACHMENT, { name: new Utf8Column(), mime: new Utf8Column(), size: new Int64Column(ATTACHMENT.children[2]!.type as Int64), sha256: new Utf8Column() });
  private readonly attachments = new ListColumn(listType('attachments'), this.attachment.column);
  private readonly version = structOf(VERSION, { index: new Int32Column(), kind: new Utf8Column(), event_id: new Utf8Column(), time: ts(), by: new Utf8Column(), text: new Utf8Column(), current: new BoolColumn(), origin: new Utf8Column() });
  private readonly versions = new ListColumn(listType('versions'), this.version.column);
  private readonly deletion = structOf(DELETION, { event_id: new Utf8Column(), time: ts(), deleted_by: new Utf8Column(), origin: new Utf8Column() });
  private readonly reaction = structOf(REACTION, { emoji: new Utf8Column(), user_id: new Utf8Column() });
  private readonly reactionEvent = structOf(REACTION_EVENT, { event_id: new Utf8Column(), time: ts(), action: new Utf8Column(), user_id: new Utf8Column(), emoji: new Utf8Column(), origin: new Utf8Column() });
  private readonly current = new ListColumn(reactionsList(0), this.reaction.column);
  private readonly history = new ListColumn(reactionsList(1), this.reactionEvent.column);
  private readonly reactions = new StructColumn(REACTIONS, [this.current, this.history]);
  private readonly context = new BoolColumn();
  private readonly source = new Utf8Column();
  private readonly columns: Column[] = [
    this.tenant, this.conversationId, this.conversationName, this.conversationType, this.messageId, this.authorId, this.time, this.threadId, this.threadPosition,
    this.mentions, this.attachments, this.versions, this.deletion.column, this.reactions, this.context, this.source,
  ];
  private readonly times: number[] = [];
  rows = 0;
  /** UTF-16 units of text in the batch so far: long texts close a batch early, so a batch's memory is bounded by size, not only by rows. */
  textUnits = 0;

  append(conv: ExportConversation, m: ExportMessage): void {
    const times = this.times;
    parseTimes(m, times);
    let t = 0;
    this.tenant.append(m.tenant);
    this.conversationId.append(m.conversation_id);
    this.conversationName.append(conv.name);
    this.conversationType.append(conv.conversation_type);
    this.messageId.append(m.message_id);
    this.authorId.append(m.author_id);
    this.time.append(times[t++]!);
    this.threadId.append(m.thread_id);
    this.threadPosition.append(m.thread_position);
    for (const u of m.mentions) this.mentions.child.append(u);
    this.mentions.appended();
    const a = this.attachment.c;
    for (const x of m.attachments) {
      a.name.append(x.name);
      a.mime.append(x.mime);
      a.size.append(x.size);
      a.sha256.append(x.sha256);
      this.attachment.column.appended(true);
    }
    this.attachments.appended();
    const v = this.version.c;
    for (const x of m.versions) {
      v.index.append(x.index);
      v.kind.append(x.kind);
      v.event_id.append(x.event_id);
      v.time.append(times[t++]!);
      v.by.append(x.by);
      v.text.append(x.text);
      this.textUnits += x.text.length;
      v.current.append(x.current);
      v.origin.append(x.origin);
      this.version.column.appended(true);
    }
    this.versions.appended();
    const d = this.deletion.c;
    const del = m.deletion;
    d.event_id.append(del?.event_id ?? '');
    d.time.append(del ? times[t++]! : 0);
    d.deleted_by.append(del?.deleted_by ?? '');
    d.origin.append(del?.origin ?? '');
    this.deletion.column.appended(del !== null);
    const r = this.reaction.c;
    for (const x of m.reactions.current) {
      r.emoji.append(x.emoji);
      r.user_id.append(x.user_id);
      this.reaction.column.appended(true);
    }
    this.current.appended();
    const h = this.reactionEvent.c;
    for (const x of m.reactions.history) {
      h.event_id.append(x.event_id);
      h.time.append(times[t++]!);
      h.action.append(x.action);
      h.user_id.append(x.user_id);
      h.emoji.append(x.emoji);
      h.origin.append(x.origin);
      this.reactionEvent.column.appended(true);
    }
    this.history.appended();
    this.reactions.appended(true);
    this.context.append(m.context);
    this.source.append(m.source);
    this.rows++;
  }

  /**
   * The rows appended since the last reset as one batch. The batch shares this
   * builder's buffers: copy it out (Arrow IPC) before calling reset().
   */
  batch(): RecordBatch {
    const data = makeData({ type: new Struct(PARQUET_SCHEMA.fields), length: this.rows, nullCount: 0, children: this.columns.map((c) => c.data()) });
    return new RecordBatch(PARQUET_SCHEMA, data);
  }

  reset(): void {
    for (const c of this.columns) c.reset();
    this.rows = 0;
    this.textUnits = 0;
  }
}
