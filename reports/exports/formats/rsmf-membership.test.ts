import { describe, expect, it } from 'vitest';
import type { ConversationDay, ExportMessage } from '../export-record.js';
import { planMembership } from './rsmf-membership.js';

const at = (m: number) => `2026-11-24T10:${String(m).padStart(2, '0')}:00.000Z`;
const msg = (author: string, minute: number): ExportMessage => ({
  tenant: 't', conversation_id: 'C', message_id: `m${minute}`, author_id: author, time: at(minute), thread_id: '', thread_position: 0, mentions: [], attachments: [],
  versions: [{ index: 0, kind: 'created', event_id: `e${minute}`, time: at(minute), by: author, text: 'x', current: true, origin: '' }],
  deletion: null, reactions: { current: [], history: [] }, context: false, source: '',
});
const change = (id: string, user: string, type: 'joined' | 'left', minute: number) => ({ event_id: id, time: at(minute), type, user_id: user, by: user });
const day = (messages: ExportMessage[], membership: ConversationDay['membership']): ConversationDay =>
  ({ conversation: { conversation_id: 'C', name: 'c', conversation_type: 'channel' }, day: '2026-11-24', messages, people: new Map(), membership });

describe('RSMF membership plan', () => {
  it('keeps joins and leaves that fit the day\'s activity', () => {
    const p = planMembership(day([msg('A', 1), msg('B', 5), msg('A', 9)], [change('j', 'B', 'joined', 3), change('l', 'B', 'left', 7)]), ['A', 'B']);
    expect([...p.presentAtStart]).toEqual(['A']);
    expect(Object.fromEntries(p.eventType)).toEqual({ j: 'join', l: 'leave' });
  });

  it('states a join after the person already acted, and a leave followed by activity, as history', () => {
    const p = planMembership(day([msg('B', 1), msg('B', 8)], [change('j', 'B', 'joined', 3), change('l', 'B', 'left', 5)]), ['B']);
    expect([...p.presentAtStart]).toEqual(['B']);
    expect(Object.fromEntries(p.eventType)).toEqual({ j: 'history', l: 'history' });
  });

  it('keeps a leave and a later re-join, and a leave the person never acts after', () => {
    const p = planMembership(day([msg('B', 1), msg('B', 9)], [change('l1', 'B', 'left', 3), change('j', 'B', 'joined', 6), change('l2', 'B', 'left', 12)]), ['B']);
    expect(Object.fromEntries(p.eventType)).toEqual({ l1: 'leave', j: 'join', l2: 'leave' });
  });
});
