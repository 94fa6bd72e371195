-- Restricted records (an erased person's records a legal hold keeps, GDPR Art. 18,
-- restricted_records; docs/erasure.md) are never processed by analytics. Events that
-- arrive after the erasure and point at one of them (another's reaction to a
-- restricted message, the end of a restricted call, a reply in the thread a
-- restricted message starts) used to be counted by the live views. Each of those
-- views now leaves them out itself: per insert block it reads the restriction list
-- (nearly always empty, a few rows otherwise) into a set and tests the block's keys
-- against it, so ingest pays one read of a tiny table per block, not per event.
-- `metrics-backfill` runs these same SELECTs over the archive (analytics/backfill.ts).

ALTER TABLE analytics_reactions_mv MODIFY QUERY
SELECT
    e.tenant AS tenant,
    toDate(e.time + toIntervalSecond(z.offset_s)) AS day,
    e.user_id AS user_id,
    toUInt32(1) AS events,
    toUInt32(1) AS reactions
FROM reactions AS e
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = e.tenant AND e.time >= z.from_time
WHERE e.action = 'added'
    AND (e.tenant, e.conversation_id, e.message_id) NOT IN (SELECT tenant, conversation_id, record_id FROM restricted_records WHERE family = 'messages');

ALTER TABLE analytics_call_people_mv MODIFY QUERY
SELECT
    e.tenant AS tenant,
    toDate(e.start + toIntervalSecond(z.offset_s)) AS day,
    e.person AS user_id,
    toUInt32(1) AS events,
    toUInt32(e.phase = 'ended') AS calls
FROM (
    SELECT tenant, conversation_id, call_id, phase, if(phase = 'started', time, time - toIntervalSecond(duration_s)) AS start,
        arrayJoin(if(phase = 'started', [initiator_id], participants)) AS person
    FROM calls
) AS e
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = e.tenant AND e.start >= z.from_time
WHERE e.person != ''
    AND (e.tenant, e.conversation_id, e.call_id) NOT IN (SELECT tenant, conversation_id, record_id FROM restricted_records WHERE family = 'calls');

ALTER TABLE analytics_calls_mv MODIFY QUERY
SELECT
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
ASOF LEFT JOIN analytics_local_time AS z ON z.tenant = e.tenant AND e.start >= z.from_time
WHERE (e.tenant, e.conversation_id, e.call_id) NOT IN (SELECT tenant, conversation_id, record_id FROM restricted_records WHERE family = 'calls');

ALTER TABLE analytics_threads_mv MODIFY QUERY
SELECT
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
WHERE t.known AND t.answered
    AND (t.tenant, t.conversation_id, t.thread_id) NOT IN (SELECT tenant, conversation_id, record_id FROM restricted_records WHERE family = 'messages');
