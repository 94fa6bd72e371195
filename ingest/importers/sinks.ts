/**
 * Where validated import events go: the store, through the same exactly-once
 * event writer as Kafka ingest, or Kafka itself (`--to-kafka`), so the normal
 * consumers store them. Both buffer and write in batches.
 */
import { Kafka, logLevel, CompressionTypes, type Producer } from 'kafkajs';
import { toCompactLine, toRow, type RoutedRow } from '../../common/events/rows.js';
import { MESSAGE_EVENT_TYPES } from '../../common/events/schemas.js';
import type { ValidEvent } from '../../common/events/validate.js';
import type { EventWriter } from '../event-writer.js';
import { RecordError } from './record-guard.js';

export interface SinkTotals {
  /** Events the sink accepted (valid). */
  events: number;
  /** Newly stored (store) or published (kafka). */
  written: number;
  /** Already in the archive (store only): a re-import or overlap. */
  duplicates: number;
  byType: Record<string, number>;
}

export interface ImportSink {
  /** Throws RecordError when the event's own data cannot be turned into a row or message; other errors are the sink's. */
  add(event: ValidEvent, raw: Record<string, unknown>, origin: string): Promise<void>;
  /** Writes what is buffered and returns the totals so far. */
  flush(): Promise<SinkTotals>;
  close(): Promise<void>;
}

/** A record's row or message built, or a RecordError naming it when its data made that throw. */
function convert<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw new RecordError('row', err);
  }
}

/** The stored row of an event with its insert line; a RecordError when the event's own data makes that throw. */
export function toInsertRow(event: ValidEvent, origin: string): RoutedRow {
  return convert(() => {
    const routed = toRow(event, origin);
    return { table: routed.table, row: routed.row, line: toCompactLine(routed.table, routed.row) };
  });
}

/** A sink that also takes rows already validated and serialized elsewhere (off-thread.ts); `types` are their event types. */
export interface PreparedRows extends ImportSink {
  addPrepared(rows: RoutedRow[], types: readonly string[]): Promise<void>;
}

export const takesPreparedRows = (sink: ImportSink): sink is PreparedRows => typeof (sink as Partial<PreparedRows>).addPrepared === 'function';

function newTotals(): SinkTotals {
  return { events: 0, written: 0, duplicates: 0, byType: {} };
}

/**
 * Group commit: one write is in flight while the importer reads and maps on; rows
 * that arrive meanwhile are written together by the next write, up to
 * `maxBufferedRows`, where the importer waits (which bounds memory). A store slower
 * than the importer therefore gets fewer, larger writes (each write's seen-id check
 * and insert have a fixed cost), a faster one gets `batchRows`-sized writes as soon as
 * they are full. Rows go as pre-serialized insert lines, as from the Kafka decode worker.
 */
export function createStoreSink(writer: EventWriter, batchRows = 10_000, maxBufferedRows = Math.max(batchRows, 100_000)): PreparedRows {
  const totals = newTotals();
  let rows: RoutedRow[] = [];
  let inFlight: Promise<void> | undefined;
  let failure: { err: unknown } | undefined;
  const check = () => {
    if (failure) throw failure.err;
  };
  function startWrite(): void {
    const batch = rows;
    rows = [];
    const write: Promise<void> = writer.write(batch)
      .then(
        (r) => {
          totals.written += r.inserted;
          totals.duplicates += r.duplicates;
        },
        // Kept for the next add or flush, which throw it: the import ends on a failed write.
        (err: unknown) => void (failure ??= { err }),
      )
      .finally(() => {
        if (inFlight === write) inFlight = undefined;
      });
    inFlight = write;
  }
  async function settle(): Promise<void> {
    while (inFlight) await inFlight;
    check();
  }
  async function flush(): Promise<SinkTotals> {
    await settle();
    if (rows.length > 0) startWrite();
    await settle();
    return totals;
  }
  async function written(): Promise<void> {
    if (rows.length < batchRows) return;
    if (inFlight && rows.length >= maxBufferedRows) await settle();
    if (!inFlight) startWrite();
  }
  const count = (type: string) => {
    totals.events++;
    totals.byType[type] = (totals.byType[type] ?? 0) + 1;
  };
  return {
    async add(event, _raw, origin) {
      check();
      rows.push(toInsertRow(event, origin));
      count(event.type);
      await written();
    },
    async addPrepared(prepared, types) {
      check();
      for (const r of prepared) rows.push(r);
      types.forEach(count);
      await written();
    },
    flush,
    close: settle,
  };
}

export interface KafkaSinkOptions {
  brokers: string[];
  clientId: string;
  topics: { messages: string; admin: string };
  batchRecords?: number;
}

const messageTypes = new Set<string>(MESSAGE_EVENT_TYPES);

/** Record key as DESIGN.md says: the conversation id; for events about a user or an app, that id. */
export function kafkaKeyOf(event: ValidEvent): string {
  const d = event.data;
  const pick = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  return pick('conversation_id') || pick('user_id') || pick('app_id') || event.id;
}

export async function createKafkaSink(o: KafkaSinkOptions): Promise<ImportSink> {
  // Retriable broker errors are retried by kafkajs; what is left is thrown by sendBatch, so its log stays quiet.
  const kafka = new Kafka({ clientId: o.clientId, brokers: o.brokers, logLevel: logLevel.NOTHING, retry: { retries: 8 } });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: true, maxInFlightRequests: 1 });
  // The topics may not exist yet on a fresh cluster: create them as the consumer would, rather than rely on auto-creation.
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [o.topics.messages, o.topics.admin].filter((t) => !existing.has(t));
    if (missing.length) await admin.createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  await producer.connect();
  const totals = newTotals();
  const limit = o.batchRecords ?? 5_000;
  let pending: Record<string, Array<{ key: string; value: string; headers: Record<string, string> }>> = {};
  let count = 0;
  async function flush(): Promise<SinkTotals> {
    if (count > 0) {
      const batch = pending;
      const n = count;
      pending = {};
      count = 0;
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: Object.entries(batch).map(([topic, messages]) => ({ topic, messages })),
      });
      totals.written += n;
    }
    return totals;
  }
  return {
    async add(event, raw, origin) {
      const topic = messageTypes.has(event.type) ? o.topics.messages : o.topics.admin;
      const message = convert(() => ({ key: kafkaKeyOf(event), value: JSON.stringify(raw), headers: { 'custos-origin': origin } }));
      totals.events++;
      totals.byType[event.type] = (totals.byType[event.type] ?? 0) + 1;
      (pending[topic] ??= []).push(message);
      if (++count >= limit) await flush();
    },
    flush,
    close: () => producer.disconnect(),
  };
}
