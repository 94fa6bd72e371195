-- Engagement metrics for managers (docs/analytics.md). Tables of ids, local days,
-- times and counts, never text, kept current at insert by materialized views over
-- the event tables: a dashboard reads these small pre-aggregated rows, never the
-- archive. `metrics-backfill` rebuilds them by running each view's own SELECT
-- (system.tables.as_select) over the archive, so live and rebuilt rows are the same.
--
-- Local time: ClickHouse takes a time zone only as a constant, so each tenant's zone
-- is kept as its UTC offsets from each transition on (analytics_local_time, written
-- with the settings by analytics/settings.ts); a view finds the offset of an event
-- with an ASOF JOIN. A tenant without settings counts in UTC, working hours 09:00 to
-- 18:00, weekend Saturday and Sunday (the defaults of analytics/settings.ts).

-- The tenant's settings as set (time zone, working hours, weekend), latest wins.
CREATE TABLE IF NOT EXISTS analytics_settings
(
    tenant LowCardinality(String),
    time_zone String,
    work_start_min UInt16,
    work_end_min UInt16,
    weekend Array(UInt8),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY tenant;

-- From from_time on, local time = UTC + offset_s; working minutes [start, end) of a
-- local day; weekend_mask bit d set = ISO weekday d (1 Monday .. 7 Sunday) is off.
CREATE TABLE IF NOT EXISTS analytics_local_time
(
    tenant LowCardinality(String),
    from_time DateTime64(3, 'UTC'),
    offset_s Int32,
    work_start_min UInt16,
    work_end_min UInt16,
    weekend_mask UInt8
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, from_time);

-- One row per person per local day: what they did. An `events` count of at least 1
-- keeps every row (SummingMergeTree drops rows whose sums are all zero) and makes
-- "has a row" mean "was active". Distinct people are counted exactly from these rows.
CREATE TABLE IF NOT EXISTS analytics_person_days
(
    tenant LowCardinality(String),
    day Date,
    user_id String,
    events UInt32,
    messages UInt32,
    channel_messages UInt32,
    private_messages UInt32,
    dm_messages UInt32,
    group_dm_messages UInt32,
    thread_replies UInt32,
    mentions UInt32,
    after_hours_messages UInt32,
    reactions UInt32,
    calls UInt32,
    app_invocations UInt32
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, day, user_id);

-- One row per person per conversation per local day: messages and the first one's
-- time (first messages of a direct-message day give the reply time there).
CREATE TABLE IF NOT EXISTS analytics_conversation_days
(
    tenant LowCardinality(String),
    day Date,
    conversation_type LowCardinality(String),
    conversation_id String,
    user_id String,
    messages SimpleAggregateFunction(sum, UInt64),
    first_time SimpleAggregateFunction(min, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, day, conversation_type, conversation_id, user_id);

-- Top-level messages that may become thread roots: time and author by key
-- tenant:conversation:message, a point lookup for the thread view below.
CREATE TABLE IF NOT EXISTS analytics_thread_roots
(
    key String,
    time DateTime64(3, 'UTC'),
    author_id String
)
ENGINE = EmbeddedRocksDB
PRIMARY KEY key
SETTINGS optimize_for_bulk_insert = 0;

-- One row per thread with a reply by someone other than its author: the root's local
-- day, time and author, and the first such reply's time.
CREATE TABLE IF NOT EXISTS analytics_threads
(
    tenant LowCardinality(String),
    day Date,
    conversation_type LowCardinality(String),
    conversation_id String,
    thread_id String,
    root_author SimpleAggregateFunction(any, String),
    root_time SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    first_reply SimpleAggregateFunction(min, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, day, conversation_type, conversation_id, thread_id);

-- One row per call, on the local day it started: kind (from call.started),
-- duration and participants (from call.ended, which starts at time - duration).
CREATE TABLE IF NOT EXISTS analytics_calls
(
    tenant LowCardinality(String),
    day Date,
    call_id String,
    conversation_id SimpleAggregateFunction(any, String),
    call_kind SimpleAggregateFunction(max, LowCardinality(String)),
    duration_s SimpleAggregateFunction(max, UInt32),
    participants SimpleAggregateFunction(groupUniqArrayArray, Array(String))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, day, call_id);

-- One row per app per person per local day: invocations.
CREATE TABLE IF NOT EXISTS analytics_app_days
(
    tenant LowCardinality(String),
    day Date,
    app_id String,
    user_id String,
    invocations UInt32
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, day, app_id, user_id);

-- The directory's department and manager of each person at each change (UTC time);
-- a figure finds the department at the end of each local day when it is read, so
-- directory events arriving late or from an import change no stored figure.
CREATE TABLE IF NOT EXISTS analytics_departments
(
    tenant LowCardinality(String),
    user_id String,
    time DateTime64(3, 'UTC'),
    event_id String,
    department String,
    manager_id String
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, user_id, time, event_id);

-- The views. Each joins the tenant's local time at the event's time.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_thread_roots_mv TO analytics_thread_roots
AS SELECT concat(tenant, ':', conversation_id, ':', message_id) AS key, time, author_id
FROM message_versions
WHERE kind = 'created' AND (thread_id = '' OR thread_id = message_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_messages_mv TO analytics_person_days
AS SELECT
    m.tenant AS tenant,
    toDate(m.time + toIntervalSecond(z.offset_s)) AS day,
    m.author_id AS user_id,
    toUInt32(1) AS events,
    toUInt32(1) AS messages,
    toUInt32(m.conversation_type = 'channel') AS channel_messages,
    toUInt32(m.conversation_type = 'private') AS private_messages,
    toUInt32(m.conversation_type = 'dm') AS dm_messages,
    toUInt32(m.conversation_type = 'group_dm') AS group_dm_messages,
    toUInt32(m.thread_id != '' AND m.thread_id != m.message_id) AS thread_replies,
    toUInt32(length(m.mentions)) AS mentions,
    toUInt32(
        bitTest(if(z.tenant = '', 192, z.weekend_mask), toDayOfWeek(m.time + toIntervalSecond(z.offset_s)))
        OR (toHour(m.time + toIntervalSecond(z.offset_s)) * 60 + toMinute(m.time + toIntervalSecond(z.offset_s))) NOT BETWEEN if(z.tenant = '', 540, z.work_start_min) AND if(z.tenant = '', 1080, z.work_end_min) - 1
    ) AS after_hours_messages,
    toUInt32(0) AS reactions,
    toUInt32(0) AS calls,
    toUInt32(0) AS app_invocations
FROM message_versions AS m
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = m.tenant AND m.time >= z.from_time
WHERE m.kind = 'created';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_conversations_mv TO analytics_conversation_days
AS SELECT
    m.tenant AS tenant,
    toDate(m.time + toIntervalSecond(z.offset_s)) AS day,
    m.conversation_type AS conversation_type,
    m.conversation_id AS conversation_id,
    m.author_id AS user_id,
    toUInt64(1) AS messages,
    m.time AS first_time
FROM message_versions AS m
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = m.tenant AND m.time >= z.from_time
WHERE m.kind = 'created';

-- Threads of the rows at hand, each with its replies: the root is in the same rows or
-- was stored before (analytics_thread_roots, looked up by key), so the order in which
-- the views of one insert run does not matter. A reply by the root's author is not an
-- answer; the first reply by anyone else is.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_threads_mv TO analytics_threads
AS SELECT
    t.tenant AS tenant,
    toDate(t.root_time + toIntervalSecond(z.offset_s)) AS day,
    t.conversation_type AS conversation_type,
    t.conversation_id AS conversation_id,
    t.thread_id AS thread_id,
    t.root_author AS root_author,
    t.root_time AS root_time,
    t.first_reply AS first_reply
FROM (
    SELECT b.tenant AS tenant, b.conversation_type AS conversation_type, b.conversation_id AS conversation_id, b.tid AS thread_id,
        if(b.has_root, b.own_root_time, r.time) AS root_time,
        if(b.has_root, b.own_root_author, r.author_id) AS root_author,
        arrayMin(arrayMap(x -> x.2, arrayFilter(x -> x.1 != root_author, b.replies))) AS first_reply,
        b.has_root OR r.key != '' AS known,
        arrayExists(x -> x.1 != root_author, b.replies) AS answered
    FROM (
        SELECT tenant, conversation_id, any(conversation_type) AS conversation_type,
            if(thread_id = '' OR thread_id = message_id, message_id, thread_id) AS tid,
            countIf(thread_id = '' OR thread_id = message_id) > 0 AS has_root,
            minIf(time, thread_id = '' OR thread_id = message_id) AS own_root_time,
            argMinIf(author_id, time, thread_id = '' OR thread_id = message_id) AS own_root_author,
            groupArrayIf((author_id, time), thread_id != '' AND thread_id != message_id) AS replies
        FROM message_versions
        WHERE kind = 'created'
        GROUP BY tenant, conversation_id, tid
        HAVING length(replies) > 0
    ) AS b
    LEFT JOIN analytics_thread_roots AS r ON r.key = concat(b.tenant, ':', b.conversation_id, ':', b.tid)
    SETTINGS join_algorithm = 'direct,hash'
) AS t
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = t.tenant AND t.root_time >= z.from_time
WHERE t.known AND t.answered;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_reactions_mv TO analytics_person_days
AS SELECT
    e.tenant AS tenant,
    toDate(e.time + toIntervalSecond(z.offset_s)) AS day,
    e.user_id AS user_id,
    toUInt32(1) AS events,
    toUInt32(1) AS reactions
FROM reactions AS e
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = e.tenant AND e.time >= z.from_time
WHERE e.action = 'added';

-- A call's people: its initiator (call.started) and every participant (call.ended),
-- on the local day the call started.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_call_people_mv TO analytics_person_days
AS SELECT
    e.tenant AS tenant,
    toDate(e.start + toIntervalSecond(z.offset_s)) AS day,
    e.person AS user_id,
    toUInt32(1) AS events,
    toUInt32(e.phase = 'ended') AS calls
FROM (
    SELECT tenant, phase, if(phase = 'started', time, time - toIntervalSecond(duration_s)) AS start,
        arrayJoin(if(phase = 'started', [initiator_id], participants)) AS person
    FROM calls
) AS e
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = e.tenant AND e.start >= z.from_time
WHERE e.person != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_calls_mv TO analytics_calls
AS SELECT
    e.tenant AS tenant,
    toDate(e.start + toIntervalSecond(z.offset_s)) AS day,
    e.call_id AS call_id,
    e.conversation_id AS conversation_id,
    e.call_kind AS call_kind,
    e.duration_s AS duration_s,
    e.participants AS participants
FROM (
    SELECT tenant, call_id, conversation_id, call_kind, duration_s, participants,
        if(phase = 'started', time, time - toIntervalSecond(duration_s)) AS start
    FROM calls
) AS e
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = e.tenant AND e.start >= z.from_time;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_apps_mv TO analytics_app_days
AS SELECT
    e.tenant AS tenant,
    toDate(e.time + toIntervalSecond(z.offset_s)) AS day,
    e.app_id AS app_id,
    e.user_id AS user_id,
    toUInt32(1) AS invocations
FROM app_invocations AS e
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = e.tenant AND e.time >= z.from_time;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_app_people_mv TO analytics_person_days
AS SELECT
    e.tenant AS tenant,
    toDate(e.time + toIntervalSecond(z.offset_s)) AS day,
    e.user_id AS user_id,
    toUInt32(1) AS events,
    toUInt32(1) AS app_invocations
FROM app_invocations AS e
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = e.tenant AND e.time >= z.from_time;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics_departments_mv TO analytics_departments
AS SELECT tenant, user_id, time, event_id,
    JSONExtractString(data, 'department') AS department,
    JSONExtractString(data, 'manager_id') AS manager_id
FROM admin_events
WHERE type IN ('user.created', 'user.updated') AND user_id != '';
