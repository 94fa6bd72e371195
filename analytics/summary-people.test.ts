import { describe, expect, it } from 'vitest';
import { personColumns } from './summary-people.js';

// The engine's tuple: (hash, events, messages, thread_replies, mentions, after_hours_messages, reactions, calls,
// app_invocations, channel, private, dm, group_dm, active_days, active_weeks, active_months), UInt64 as strings.
type Counts = { messages?: number; after?: number; reactions?: number; dm?: number; channel?: number; days?: number };
const person = (hash: string, c: Counts) => [hash, '1', String(c.messages ?? 0), '0', '0', String(c.after ?? 0), String(c.reactions ?? 0), '0', '0',
  String(c.channel ?? 0), '0', String(c.dm ?? 0), '0', String(c.days ?? 1), '1', '1'];

describe('personColumns', () => {
  const people = [
    person('h1', { messages: 3, after: 1, channel: 3, days: 2 }),
    person('h2', { messages: 2, after: 2, dm: 2, days: 1 }),
    person('h3', { reactions: 4, days: 3 }),
  ];

  it('sums the counts, counts the people each figure covers and averages the active days', () => {
    const c = personColumns(people, 5, { days: 4, weeks: 1, months: 1 });
    expect(c.messages_value).toBe(5);
    expect(c.messages_people).toBe(2);
    expect(c.reactions_people).toBe(1);
    expect(c.active_people_value).toBe(3);
    expect(c.after_hours_share_value).toBe(3 / 5);
    expect(c.dau_value).toBe(6 / 4);
    expect(c.type_channel_value).toBe(3);
  });

  it('lists the hashes of a type\'s posters only while they are fewer than k', () => {
    expect(personColumns(people, 5, { days: 1, weeks: 1, months: 1 }).type_dm_few).toEqual(['h2']);
    expect(personColumns(people, 1, { days: 1, weeks: 1, months: 1 }).type_dm_few).toEqual([]);
  });

  it('gives no share of after-hours messages when nobody posted', () => {
    const c = personColumns([person('h3', { reactions: 1 })], 5, { days: 1, weeks: 1, months: 1 });
    expect(c.after_hours_share_value).toBeNull();
    expect(c.after_hours_share_people).toBe(0);
  });
});
