-- Exactly once by event id, whatever the event's time. The event tables are ordered
-- by (tenant, time, event_id), so they can only answer "is this id stored?" within a
-- time range; this key-value table answers it for any id with a point multi-get
-- (`WHERE key IN ...`). One row per stored event: key = tenant:table:event_id (the
-- tenant alphabet and the table names have no ':'), time = the time its row was
-- stored under, so a hit can be checked against the row itself (see
-- ingest/event-writer.ts). No text, no user ids. Filled here from the rows stored
-- before this migration. The clustered variant is KeeperMap (migrations/clustered.ts).
-- Retention and erasure that delete event rows must decide what happens to their
-- keys here (docs/schema.md, "Event ids").
-- optimize_for_bulk_insert = 0: ingest writes a few hundred to tens of thousands of
-- keys at a time; the default builds and ingests an SST file per insert, measured at
-- 45 ms for 500 keys against 10 ms through the memtable.

CREATE TABLE IF NOT EXISTS event_ids
(
    key String,
    time DateTime64(3, 'UTC')
)
ENGINE = EmbeddedRocksDB
PRIMARY KEY key
SETTINGS optimize_for_bulk_insert = 0
AS SELECT concat(tenant, ':message_versions:', event_id) AS key, time FROM message_versions
UNION ALL SELECT concat(tenant, ':message_deletions:', event_id) AS key, time FROM message_deletions
UNION ALL SELECT concat(tenant, ':reactions:', event_id) AS key, time FROM reactions
UNION ALL SELECT concat(tenant, ':calls:', event_id) AS key, time FROM calls
UNION ALL SELECT concat(tenant, ':app_invocations:', event_id) AS key, time FROM app_invocations
UNION ALL SELECT concat(tenant, ':admin_events:', event_id) AS key, time FROM admin_events;
