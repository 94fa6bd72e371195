/**
 * The person's records as the package's tables: one row per version, reaction,
 * call, membership change..., with every other person replaced by their label and
 * their names, e-mails and ids replaced inside texts (participants.ts). Rows are in
 * time order within each table, so labels are numbered in a stable order.
 */
import type { Attachment, Restriction, SubjectRecords } from './access-records.js';
import { tableDefinitions, type PackageTable } from './package-tables.js';
import type { Participants } from './participants.js';

/** The holds keeping a restricted record (an earlier erasure met them), or null: package-tables.ts explains the field. */
const held = (x: { restricted?: Restriction }) => x.restricted ? x.restricted.holds : null;

export function buildTables(r: SubjectRecords, people: Participants): PackageTable[] {
  const convName = new Map(r.conversations.map((c) => [c.conversation_id, c.name]));
  const conv = (id: string) => ({ conversation_id: id, conversation_name: convName.get(id) ?? '' });
  const attachments = (a: Attachment[]) => a.map((x) => ({ name: people.text(x.name), mime: x.mime, size: Number(x.size) }));
  const rows: Record<string, Array<Record<string, unknown>>> = {
    messages: r.messages.flatMap((m) => m.versions.map((v, i) => ({
      ...conv(m.conversation_id), message_id: m.message_id, version: i + 1, kind: v.kind, time: v.time, text: people.text(v.text),
      mentions: v.mentions.map((x) => people.of(x)), attachments: attachments(v.attachments), thread_id: m.thread_id, deleted_at: m.deleted?.time ?? null,
      reactions_received: i === 0 ? m.reactions.map((x) => ({ time: x.time, action: x.action, by: people.of(x.user_id), emoji: x.emoji })) : [], source: m.source,
      restricted_by_holds: held(m),
    }))),
    mentions: r.mentions.flatMap((m) => m.versions.map((v, i) => ({
      ...conv(m.conversation_id), message_id: m.message_id, author: people.of(m.author_id), version: i + 1, time: v.time, text: people.text(v.text),
      restricted_by_holds: held(m),
    }))),
    context: r.context.map((c) => ({ ...conv(c.conversation_id), message_id: c.message_id, author: people.of(c.author_id), time: c.time, text: people.text(c.text) })),
    reactions: r.reactions.map((x) => ({ ...conv(x.conversation_id), message_id: x.message_id, time: x.time, action: x.action, emoji: x.emoji, source: x.source })),
    calls: r.calls.map((c) => ({
      ...conv(c.conversation_id), call_id: c.call_id, kind: c.kind, initiator: people.of(c.initiator_id), participants: c.participants.map((p) => people.of(p)),
      started_at: c.started_at, ended_at: c.ended_at, duration_s: c.duration_s, restricted_by_holds: held(c),
    })),
    app_invocations: r.apps.map((a) => ({ ...conv(a.conversation_id), time: a.time, app_id: a.app_id, command: people.text(a.command), restricted_by_holds: held(a) })),
    memberships: r.admin.filter((a) => a.type === 'member.joined' || a.type === 'member.left').filter((a) => people.of(a.user_id) === a.user_id)
      .map((a) => ({ ...conv(a.conversation_id), time: a.time, action: a.type === 'member.joined' ? 'joined' : 'left', by: people.of(a.actor_id) })),
    admin_events: r.admin.map((a) => ({
      time: a.time, type: a.type, user: people.of(a.user_id), by: people.of(a.actor_id), conversation_id: a.conversation_id,
      details: people.json(JSON.parse(a.data || '{}')), source: a.source,
    })),
    supervision_flags: r.flags.map((f) => ({
      conversation_id: f.conversation_id, message_id: f.message_id, message_time: f.message_time, policy: f.policy_name, severity: f.severity,
      flagged_at: f.flagged_at, state: f.state, tag: f.tag, comment: people.text(f.comment),
    })),
    custos_audit: r.audit.map((a) => ({ time: a.time, action: a.action, roles: a.roles, outcome: a.outcome, result_count: a.result_count === null ? null : Number(a.result_count), parameters: people.json(JSON.parse(a.params || '{}')) })),
    recipients: [],
    retention: [],
  };
  return tableDefinitions().map((d) => ({ ...d, rows: rows[d.name] ?? [] }));
}
