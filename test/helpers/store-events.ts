/**
 * Generated events into a test store, validated as ingest validates them (an invalid
 * event is the test's own mistake and stops it). Two ways in: `insertEvents` puts the
 * rows straight into their tables (no exactly-once keys, as a fixture); `writeEvents`
 * goes through ingest's event writer, as the Kafka consumer and the importers do.
 */
import type { Store } from '../../common/store/store.js';
import { validateEvent } from '../../common/events/validate.js';
import { toRow, type RoutedRow } from '../../common/events/rows.js';
import { createEventWriter } from '../../ingest/event-writer.js';

type AnyEvent = Record<string, unknown>;

function routed(e: AnyEvent, origin: (e: AnyEvent) => string): RoutedRow {
  const v = validateEvent(e);
  if (!v.ok) throw new Error(`test event ${String(e.id)} is invalid: ${JSON.stringify(v)}`);
  return toRow(v, origin(e));
}

/** The events' rows inserted table by table (`origin`: the origin column of each row, 'test' when not given). */
export async function insertEvents(store: Store, events: ReadonlyArray<AnyEvent>, o: { label?: string; origin?: (e: AnyEvent) => string } = {}): Promise<void> {
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const e of events) {
    const r = routed(e, o.origin ?? (() => 'test'));
    byTable.set(r.table, [...(byTable.get(r.table) ?? []), r.row]);
  }
  for (const [table, rows] of byTable) await store.insert(`test: ${o.label ?? 'events'}`, table, rows);
}

/** The events through ingest's event writer, 500 at a time. */
export async function writeEvents(store: Store, events: ReadonlyArray<AnyEvent>): Promise<void> {
  const writer = createEventWriter(store);
  for (let i = 0; i < events.length; i += 500) await writer.write(events.slice(i, i + 500).map((e) => routed(e, () => 'test')));
}
