/** CloudEvents for tests: one valid event of every type of the contract, and builders. */
import { randomUUID } from 'node:crypto';
import type { EventType, WireEvent } from '../../common/events/schemas.js';

export type CloudEvent = WireEvent;

export function cloudEvent(type: string, data: Record<string, unknown>, o: Partial<CloudEvent> = {}): CloudEvent {
  return {
    specversion: '1.0',
    id: o.id ?? `evt-${randomUUID()}`,
    source: o.source ?? 'slack://T024BE7LD',
    type,
    time: o.time ?? '2026-11-24T10:15:00.123Z',
    tenant: o.tenant ?? 'acme',
    data,
    ...o,
  };
}

const sha = 'a'.repeat(64);

/** The `data` of one valid event per type. */
export const DATA_BY_TYPE: Record<EventType, Record<string, unknown>> = {
  'message.created': {
    message_id: 'm1', conversation_id: 'C1', conversation_type: 'channel', thread_id: 'm0', author_id: 'U1', text: 'Bonjour à tous, the release is at 5pm',
    mentions: ['U2', 'U3'], attachments: [{ name: 'plan.pdf', mime: 'application/pdf', size: 1234, sha256: sha }],
  },
  'message.edited': { message_id: 'm1', conversation_id: 'C1', editor_id: 'U1', text: 'Bonjour à tous, the release is at 6pm' },
  'message.deleted': { message_id: 'm1', conversation_id: 'C1', deleted_by: 'U9' },
  'reaction.added': { message_id: 'm1', conversation_id: 'C1', user_id: 'U2', emoji: 'thumbsup' },
  'reaction.removed': { message_id: 'm1', conversation_id: 'C1', user_id: 'U3', emoji: 'tada' },
  'call.started': { call_id: 'K1', conversation_id: 'C1', initiator_id: 'U1', kind: 'video' },
  'call.ended': { call_id: 'K1', conversation_id: 'C1', participants: ['U1', 'U2'], duration_s: 754 },
  'app.invoked': { app_id: 'A1', user_id: 'U1', conversation_id: 'C1', command: '/deploy prod' },
  'user.created': { user_id: 'U1', email: 'ada@example.org', display_name: 'Ada', department: 'R&D', manager_id: 'U7', title: 'Engineer' },
  'user.updated': { user_id: 'U1', email: 'ada@example.org', display_name: 'Ada L.', department: 'R&D' },
  'user.deactivated': { user_id: 'U4', by: 'U7' },
  'user.reactivated': { user_id: 'U4', by: 'U7' },
  'conversation.created': { conversation_id: 'C1', name: 'general', conversation_type: 'channel', created_by: 'U7' },
  'conversation.renamed': { conversation_id: 'C1', name: 'general-fr', by: 'U7' },
  'conversation.archived': { conversation_id: 'C2', by: 'U7' },
  'conversation.unarchived': { conversation_id: 'C2', by: 'U7' },
  'member.joined': { conversation_id: 'C1', user_id: 'U2', by: 'U2' },
  'member.left': { conversation_id: 'C1', user_id: 'U3', by: 'U7' },
  'role.changed': { user_id: 'U2', role: 'admin', by: 'U7' },
  'auth.login': { user_id: 'U1', ip: '192.0.2.10', user_agent: 'Mozilla/5.0', method: 'sso' },
  'auth.failed': { user_id: 'U1', ip: '192.0.2.11', user_agent: 'curl/8', method: 'password' },
  'auth.mfa_enrolled': { user_id: 'U1', ip: '192.0.2.10', user_agent: 'Mozilla/5.0', method: 'totp' },
  'app.installed': { app_id: 'A1', by: 'U7' },
  'app.removed': { app_id: 'A2', by: 'U7' },
};

export function oneOfEveryType(tenant: string, prefix = randomUUID().slice(0, 8)): CloudEvent[] {
  return (Object.keys(DATA_BY_TYPE) as EventType[]).map((type, i) =>
    cloudEvent(type, DATA_BY_TYPE[type], { id: `${prefix}-${type}`, tenant, time: new Date(Date.UTC(2026, 10, 24, 10, 0, i)).toISOString() }),
  );
}

export function isMessageTopicType(type: string): boolean {
  return /^(message|reaction|call|app\.invoked)/.test(type);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
