-- Users, conversations and memberships "as of now", derived from admin events at
-- read time (latest event wins; ties broken by event id so the answer is stable).
-- Admin events are few next to messages; when a tenant's directory outgrows
-- read-time derivation these views become AggregatingMergeTree targets of
-- materialized views with the same columns.

CREATE VIEW IF NOT EXISTS users_current AS
SELECT
    tenant,
    user_id,
    argMaxIf(JSONExtractString(data, 'email'), (time, event_id), type IN ('user.created', 'user.updated')) AS email,
    argMaxIf(JSONExtractString(data, 'display_name'), (time, event_id), type IN ('user.created', 'user.updated')) AS display_name,
    argMaxIf(JSONExtractString(data, 'department'), (time, event_id), type IN ('user.created', 'user.updated')) AS department,
    argMaxIf(JSONExtractString(data, 'manager_id'), (time, event_id), type IN ('user.created', 'user.updated')) AS manager_id,
    argMaxIf(JSONExtractString(data, 'title'), (time, event_id), type IN ('user.created', 'user.updated')) AS title,
    argMaxIf(type != 'user.deactivated', (time, event_id), type IN ('user.created', 'user.deactivated', 'user.reactivated')) AS active,
    argMaxIf(JSONExtractString(data, 'role'), (time, event_id), type = 'role.changed') AS role,
    minIf(time, type = 'user.created') AS created_at,
    max(time) AS updated_at
FROM admin_events
WHERE user_id != '' AND type IN ('user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'role.changed')
GROUP BY tenant, user_id;

CREATE VIEW IF NOT EXISTS conversations_current AS
SELECT
    tenant,
    conversation_id,
    argMaxIf(JSONExtractString(data, 'name'), (time, event_id), type IN ('conversation.created', 'conversation.renamed')) AS name,
    argMaxIf(JSONExtractString(data, 'conversation_type'), (time, event_id), type = 'conversation.created') AS conversation_type,
    argMaxIf(actor_id, (time, event_id), type = 'conversation.created') AS created_by,
    minIf(time, type = 'conversation.created') AS created_at,
    argMaxIf(type = 'conversation.archived', (time, event_id), type IN ('conversation.archived', 'conversation.unarchived')) AS archived,
    max(time) AS updated_at
FROM admin_events
WHERE conversation_id != '' AND type IN ('conversation.created', 'conversation.renamed', 'conversation.archived', 'conversation.unarchived')
GROUP BY tenant, conversation_id;

CREATE VIEW IF NOT EXISTS memberships_current AS
SELECT
    tenant,
    conversation_id,
    user_id,
    argMax(type = 'member.joined', (time, event_id)) AS is_member,
    max(time) AS changed_at
FROM admin_events
WHERE type IN ('member.joined', 'member.left')
GROUP BY tenant, conversation_id, user_id;
