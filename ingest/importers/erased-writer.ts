/**
 * The importers' store sink writes through the erased-subjects list (DESIGN.md rule 4,
 * ingest/erased-subjects.ts): re-importing an export after an erasure stores nothing
 * identifying of the erased person. `counts` adds up what was dropped and
 * pseudonymized, for the import's summary. (`--to-kafka` imports are checked by the
 * Kafka ingest that stores them.)
 */
import type { Store } from '../../common/store/store.js';
import { erasedSubjectsView } from '../../common/subjects/erased-subjects.js';
import { createEventWriter, type EventWriter } from '../event-writer.js';
import { createErasedFilter, erasedSubjectsWriter, type ErasedCounts } from '../erased-subjects.js';

export function importWriter(store: Store, counts: ErasedCounts, writer: EventWriter = createEventWriter(store)): EventWriter {
  return erasedSubjectsWriter(writer, createErasedFilter(erasedSubjectsView(store)), (c) => {
    counts.dropped += c.dropped;
    counts.pseudonymized += c.pseudonymized;
  });
}
