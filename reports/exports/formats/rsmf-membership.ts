/**
 * Which of a day's joins and leaves RSMF can state as `join` / `leave` events.
 * Relativity's validator requires every event's participant to be present: listed
 * in the conversation at its start or joined, and not left. Archives are not always
 * so tidy (a join recorded after the person's first message, a leave followed by
 * messages without a recorded re-join, an import that made joins from a platform's
 * system messages). A change that the day's own activity contradicts is kept as a
 * `history` event saying what the platform recorded, never dropped; everyone else's
 * changes stay joins and leaves.
 */
import type { ConversationDay, ExportMessage } from '../export-record.js';

type Change = ConversationDay['membership'][number];

export interface MembershipPlan {
  /** People present when the day starts (the conversation's participant list). */
  presentAtStart: Set<string>;
  /** What each change becomes, by its event id. */
  eventType: Map<string, 'join' | 'leave' | 'history'>;
}

/** Everyone a message event names as acting: its author, its editors, its reactors. */
function actors(m: ExportMessage): string[] {
  return [m.author_id, ...m.versions.map((v) => v.by), ...m.reactions.history.map((r) => r.user_id)].filter(Boolean);
}

type Step = { time: string; order: number; change?: Change; actors?: string[] };

export function planMembership(group: ConversationDay, involved: readonly string[]): MembershipPlan {
  const steps: Step[] = [
    ...group.messages.map((m, order): Step => ({ time: m.time, order, actors: actors(m) })),
    ...group.membership.map((change, i): Step => ({ time: change.time, order: group.messages.length + i, change })),
  ].sort((a, b) => (a.time === b.time ? a.order - b.order : a.time < b.time ? -1 : 1));
  const firstSeen = new Map<string, 'acts' | 'joined' | 'left'>();
  for (const s of steps) {
    for (const p of s.actors ?? []) if (!firstSeen.has(p)) firstSeen.set(p, 'acts');
    if (s.change && !firstSeen.has(s.change.user_id)) firstSeen.set(s.change.user_id, s.change.type);
  }
  const presentAtStart = new Set(involved.filter((p) => firstSeen.get(p) !== 'joined'));
  const present = new Set(presentAtStart);
  const eventType = new Map<string, 'join' | 'leave' | 'history'>();
  steps.forEach((s, i) => {
    if (!s.change) return;
    const who = s.change.user_id;
    if (s.change.type === 'joined') {
      eventType.set(s.change.event_id, present.has(who) ? 'history' : 'join');
      present.add(who);
      return;
    }
    // A leave stands only if the person does not act again before their next change.
    const next = steps.slice(i + 1).find((x) => x.change?.user_id === who || x.actors?.includes(who));
    const contradicted = !present.has(who) || (next !== undefined && next.change === undefined);
    eventType.set(s.change.event_id, contradicted ? 'history' : 'leave');
    if (!contradicted) present.delete(who);
  });
  return { presentAtStart, eventType };
}
